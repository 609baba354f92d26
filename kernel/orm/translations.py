"""Translated text fields (``translate=True``), stored as Odoo 16+ stores them.

A translated char, text or html field keeps one JSON object per row, keyed by
language: ``{"en_US": "Customer", "id": "Pelanggan"}`` (JSONB on PostgreSQL,
JSON text on SQLite).  A read gives the value in the environment's language,
else in its base language (``id_ID`` reads ``id`` and the other way round),
else in ``en_US``; a write sets the environment's language and keeps the
others (a record without any value gets ``en_US`` too, the fallback every
reader ends at); writing ``False`` clears every language.  Domains and
``order`` compare the same text a read gives, computed by the database.

Data files are written in ``en_US``; after an addon's data loads, the texts
its records got from them are looked up in the addon's catalogs
(``i18n/<lang>.po``) and each translation found is added where the record
has none for that language (:func:`translate_data`).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql

if TYPE_CHECKING:
    from ..i18n import Translations
    from .env import Environment

DEFAULT_LANG = "en_US"


class OneLanguage(dict):
    """A value written in one language: ``{lang: text}`` for a new row, merged into the stored object on update."""

    def __init__(self, lang: str, text: str):
        super().__init__({DEFAULT_LANG: text, lang: text})
        self.lang, self.text = lang, text


def column_type() -> sa.types.TypeEngine:
    return sa.JSON(none_as_null=True).with_variant(postgresql.JSONB(none_as_null=True), "postgresql")


def languages_for(lang: str | None) -> list[str]:
    """The keys a reader in ``lang`` looks at, in order (``en_US`` last)."""
    lang = lang or DEFAULT_LANG
    chain = [lang]
    base = lang.split("_")[0]
    if base != lang:
        chain.append(base)
    if DEFAULT_LANG not in chain:
        chain.append(DEFAULT_LANG)
    return chain


def pick(value: Any, lang: str | None) -> str | None:
    """The text of a stored object for a reader in ``lang``."""
    if not isinstance(value, Mapping):
        return value
    for key in languages_for(lang):
        if value.get(key):
            return value[key]
    base = (lang or DEFAULT_LANG).split("_")[0]
    for key, text in value.items():  # id reads id_ID
        if key.split("_")[0] == base and text:
            return text
    return next((text for text in value.values() if text), None)


def text_expression(column: sa.ColumnElement, lang: str | None, dialect: str) -> sa.ColumnElement:
    """SQL giving the text a reader in ``lang`` sees (for domains and ``order``)."""
    keys = languages_for(lang)
    parts: list[sa.ColumnElement[Any]]
    if dialect == "postgresql":
        parts = [column.op("->>")(sa.literal(key)) for key in keys]
    else:
        parts = [sa.func.json_extract(column, f'$."{key}"') for key in keys]
    return sa.func.coalesce(*parts, type_=sa.String())


def merge_expression(column: sa.ColumnElement, value: OneLanguage, dialect: str) -> sa.ColumnElement:
    """SQL setting ``value.lang`` in the stored object, the other languages kept (``value`` itself when empty)."""
    if dialect == "postgresql":
        merged = sa.func.coalesce(column, sa.cast(sa.literal("{}"), postgresql.JSONB)).op("||")(
            sa.func.jsonb_build_object(sa.literal(value.lang), sa.literal(value.text)))
        return sa.case((column.is_(None), sa.cast(sa.literal(dict(value), postgresql.JSONB), postgresql.JSONB)),
                       else_=merged)
    return sa.case(
        (column.is_(None), sa.func.json(sa.literal(_json(dict(value))))),
        else_=sa.func.json_set(column, f'$."{value.lang}"', sa.literal(value.text)),
    )


def _json(value: Any) -> str:
    import json

    return json.dumps(value, ensure_ascii=False)


def translate_data(env: Environment, addon: str, translations: Translations) -> int:
    """Add the catalogs' translations to the translated fields of the records ``addon``'s data files made,
    where a record has none for the language yet; returns how many values changed."""
    languages = [lang for lang in translations.languages() if lang != DEFAULT_LANG]
    if not languages:
        return 0
    data = env["ir.model.data"]._sql
    rows = env.execute(sa.select(data.c.model, data.c.res_id).where(data.c.module == addon)).all()
    by_model: dict[str, list[int]] = {}
    for model, res_id in rows:
        by_model.setdefault(model, []).append(res_id)
    changed = 0
    for model_name, ids in by_model.items():
        if model_name not in env.registry:
            continue
        model = env[model_name]
        fields = [f for f in model._fields.values() if getattr(f, "translate", False) and f.column_name]
        if not fields or model._abstract or model._table_query:
            continue
        changed += _translate_rows(env, model, fields, ids, languages, translations)
    if changed:
        env.transaction.invalidate()
    return changed


def _translate_rows(env: Environment, model: Any, fields: Iterable[Any], ids: list[int], languages: list[str],
                    translations: Translations) -> int:
    table = model._sql
    changed = 0
    for field in fields:
        column = table.c[field.column_name]
        for record_id, value in env.execute(sa.select(table.c.id, column).where(table.c.id.in_(ids))).all():
            if not isinstance(value, Mapping) or not value.get(DEFAULT_LANG):
                continue
            updated = dict(value)
            for lang in languages:
                text = translations.gettext(lang, value[DEFAULT_LANG])
                if text != value[DEFAULT_LANG] and not updated.get(lang):
                    updated[lang] = text
            if updated != value:
                env.execute(sa.update(table).where(table.c.id == record_id).values({field.column_name: updated}))
                changed += 1
    return changed
