"""Translations and locale formats, with Babel.

Each addon may ship ``i18n/<lang>.po``; the catalogs of the installed addons
are merged in install order (a later addon may re-translate an earlier one's
text).  ``erp i18n extract ADDON`` writes ``i18n/<addon>.pot`` from the
addon's Python strings marked with ``_()``, its field labels, helps and
selection values, and the strings of its views, menus and actions.
"""

from __future__ import annotations

import datetime as dt
import decimal
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING

from babel import Locale, UnknownLocaleError, dates, numbers
from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_file
from babel.messages.pofile import read_po, write_po
from lxml import etree

from .exceptions import KernelError, ValidationError
from .manifest import Manifest
from .safe_xml import parse_xml

if TYPE_CHECKING:
    from .orm.registry import Registry

DEFAULT_LANG = "en_US"
# offered for dates and numbers even where no addon ships a catalog
FORMAT_LOCALES = ("en_US", "en_GB", "fr_FR", "de_DE", "id_ID")
TRANSLATABLE_ATTRIBUTES = ("string", "help", "placeholder", "sum", "confirm", "title", "alt", "aria-label")


class Translations:
    """The merged catalogs of a set of addons, loaded per language on first use."""

    def __init__(self, manifests: Iterable[Manifest]):
        self.manifests = list(manifests)
        self._catalogs: dict[str, dict[str, str]] = {}
        found = {path.stem for m in self.manifests for path in (m.path / "i18n").glob("*.po")}
        self._languages = [DEFAULT_LANG, *sorted(found - {DEFAULT_LANG})]
        self._installed = frozenset([*self._languages, *FORMAT_LOCALES])

    def languages(self) -> list[str]:
        """Every language some addon ships a catalog for, plus the default one."""
        return list(self._languages)

    def installed(self) -> list[str]:
        """The language codes a context or a user may name: the catalogs' and the format locales."""
        return sorted(self._installed)

    def check_lang(self, lang: object) -> None:
        """Refuse a language that is not installed (empty means the default one).

        The code names catalog files and is a cache key: only the installed
        codes ever get that far.
        """
        if lang is None or lang is False or lang == "" or (isinstance(lang, str) and lang in self._installed):
            return
        shown = repr(lang) if len(repr(lang)) <= 40 else repr(lang)[:37] + "..."
        raise ValidationError(f"unknown language {shown}: use one of {', '.join(self.installed())}",
                              code="LANG_UNKNOWN", status=400)

    def catalog(self, lang: str) -> dict[str, str]:
        if not isinstance(lang, str) or lang not in self._installed:
            return {}  # never a file path, never a cache entry
        if lang not in self._catalogs:
            merged: dict[str, str] = {}
            for candidate in _fallbacks(lang):
                for manifest in self.manifests:
                    path = manifest.path / "i18n" / f"{candidate}.po"
                    if path.is_file():
                        merged.update(_read_catalog(path, merged))
            self._catalogs[lang] = merged
        return self._catalogs[lang]

    def gettext(self, lang: str | None, msgid: str) -> str:
        if not lang or lang == DEFAULT_LANG or not msgid:
            return msgid
        return self.catalog(lang).get(msgid) or msgid

    def translate_arch(self, arch: etree._Element, lang: str | None) -> etree._Element:
        """Translate the labels and text of a view arch in place; returns it."""
        if not lang or lang == DEFAULT_LANG:
            return arch
        for node in arch.iter():
            if not isinstance(node.tag, str):
                continue
            for attribute in TRANSLATABLE_ATTRIBUTES:
                if node.get(attribute):
                    node.set(attribute, self.gettext(lang, node.get(attribute)))
            if node.text and node.text.strip():
                node.text = node.text.replace(node.text.strip(), self.gettext(lang, node.text.strip()))
            if node.tail and node.tail.strip():
                node.tail = node.tail.replace(node.tail.strip(), self.gettext(lang, node.tail.strip()))
        return arch


def _fallbacks(lang: str) -> list[str]:
    """``pt_BR`` also reads ``pt``; the generic catalog first so that the specific one wins."""
    base = lang.split("_")[0]
    return [base, lang] if base != lang else [lang]


def _read_catalog(path: Path, _merged: Mapping[str, str]) -> dict[str, str]:
    try:
        with path.open("rb") as handle:
            catalog = read_po(handle)
    except Exception as exc:  # babel raises several unrelated types for broken files
        raise KernelError(f"translation catalog {path} cannot be read: {exc}") from None
    return {message.id: message.string for message in catalog
            if message.id and isinstance(message.id, str) and message.string and not message.fuzzy}


# -- locale formats --------------------------------------------------------------------------------


def locale_of(lang: str | None) -> Locale:
    try:
        return Locale.parse(lang or DEFAULT_LANG)
    except (UnknownLocaleError, ValueError):
        return Locale.parse(DEFAULT_LANG)


def format_date(value: dt.date | None, lang: str | None, format: str = "medium") -> str:
    return "" if not value else dates.format_date(value, format=format, locale=locale_of(lang))


def format_datetime(value: dt.datetime | None, lang: str | None, tz: str | None = None, format: str = "medium") -> str:
    """A UTC datetime from the database shown in the user's time zone and language."""
    if not value:
        return ""
    aware = value.replace(tzinfo=dt.timezone.utc) if value.tzinfo is None else value
    return dates.format_datetime(aware, format=format, tzinfo=dates.get_timezone(tz or "UTC"), locale=locale_of(lang))


def format_number(value: float | decimal.Decimal | int | None, lang: str | None, digits: int | None = None) -> str:
    if value is None or value is False:
        return ""
    if digits is None:
        return numbers.format_decimal(value, locale=locale_of(lang))
    pattern = "#,##0." + "0" * digits if digits else "#,##0"
    return numbers.format_decimal(value, format=pattern, locale=locale_of(lang), decimal_quantization=True)


def format_amount(value: decimal.Decimal | float | None, lang: str | None, currency: str) -> str:
    if value is None or value is False:
        return ""
    return numbers.format_currency(value, currency, locale=locale_of(lang))


# -- extraction ------------------------------------------------------------------------------------


def extract(manifest: Manifest, registry: Registry) -> Catalog:
    """Every translatable string of one addon, with where it comes from."""
    catalog = Catalog(project=manifest.name, version=manifest.version, fuzzy=False)
    for path in sorted(manifest.path.rglob("*.py")):
        if "tests" in path.relative_to(manifest.path).parts:
            continue
        for lineno, message, comments, context in extract_from_file("python", path, keywords={"_": None}):
            if isinstance(message, str):
                catalog.add(message, locations=[(str(path.relative_to(manifest.path)), lineno)],
                            auto_comments=comments, context=context)
    for model in registry.models.values():
        for field in model._fields.values():
            if field.addon != manifest.addon or getattr(field, "magic", False):
                continue
            where = [(f"model:{model._name}", 0)]
            catalog.add(field.string, locations=where, auto_comments=[f"field {model._name}.{field.name}"])
            if field.help:
                catalog.add(field.help, locations=where, auto_comments=[f"help of {model._name}.{field.name}"])
            if field.type == "selection" and isinstance(field.args.get("selection"), (list, tuple)):
                for _value, label in field.args["selection"]:
                    catalog.add(label, locations=where, auto_comments=[f"selection of {model._name}.{field.name}"])
    for relative in (*manifest.data, *manifest.demo):
        path = manifest.path / relative
        if path.suffix == ".xml" and path.is_file():
            _extract_xml(catalog, path, relative)
    return catalog


def _extract_xml(catalog: Catalog, path: Path, relative: str) -> None:
    root = parse_xml(path.read_bytes(), remove_comments=True)
    for node in root.iter():
        if not isinstance(node.tag, str):
            continue
        location = [(relative, node.sourceline or 0)]
        if node.tag == "menuitem" and node.get("name"):
            catalog.add(node.get("name"), locations=location)
        if node.tag == "field" and node.get("name") == "name" and node.getparent().tag == "record" and node.text:
            if node.getparent().get("model") in ("ir.actions.window", "ir.ui.menu"):
                catalog.add(node.text.strip(), locations=location)
        in_arch = any(a.tag == "field" and a.get("name") == "arch" for a in node.iterancestors())
        if in_arch:
            for attribute in TRANSLATABLE_ATTRIBUTES:
                if node.get(attribute):
                    catalog.add(node.get(attribute), locations=location)
            for text in (node.text, node.tail):
                if text and text.strip() and not text.strip().startswith("%"):
                    catalog.add(text.strip(), locations=location)


def template_path(manifest: Manifest) -> Path:
    """Where an addon's template lives: ``i18n/<addon>.pot``."""
    return manifest.path / "i18n" / f"{manifest.addon}.pot"


def write_template(catalog: Catalog, target: Path) -> Path:
    target.parent.mkdir(parents=True, exist_ok=True)
    with target.open("wb") as handle:
        write_po(handle, catalog, sort_output=True, width=100)
    return target


def update_catalog(template: Path, target: Path, lang: str) -> tuple[Path, int, int]:
    """Merge a template into the ``lang`` catalog (created when missing), as ``pybabel update`` does.

    Translations of kept messages stay; new messages come in untranslated;
    messages no longer in the template become obsolete (``#~``), so nothing a
    translator wrote is lost.  Returns the catalog's path, how many messages
    it holds and how many of them are translated (fuzzy ones are not).
    """
    if not template.is_file():
        raise KernelError(f"no template {template}: run `erp i18n extract` first")
    try:
        Locale.parse(lang)
    except (UnknownLocaleError, ValueError):
        raise KernelError(f"unknown language {lang!r} (a locale such as 'id' or 'pt_BR')") from None
    with template.open("rb") as handle:
        pot = read_po(handle)
    if target.is_file():
        with target.open("rb") as handle:
            catalog = read_po(handle, locale=lang)
    else:
        catalog = Catalog(locale=lang, project=pot.project, version=pot.version, fuzzy=False)
    catalog.update(pot, update_header_comment=False)
    target.parent.mkdir(parents=True, exist_ok=True)
    with target.open("wb") as handle:
        write_po(handle, catalog, sort_output=True, width=100, ignore_obsolete=False)
    messages = [message for message in catalog if message.id]
    return target, len(messages), sum(1 for message in messages if message.string and not message.fuzzy)
