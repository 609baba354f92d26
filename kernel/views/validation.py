"""Checking views against their models: named fields exist, object buttons call public methods,
``groups`` attributes name groups.

A view is checked when an addon loads it, as part of the combined arch it
ends up in (the primary views it extends, and the primary views derived from
those).  The arch is checked after each view of the combination is applied,
so an error blames the view that brought the bad node, with the file and line
of its record, and fails the addon's install or upgrade.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

from lxml import etree

from ..exceptions import DataLoadError, ViewError
from ..hints import field_hint, model_hint
from ..orm.env import Environment
from ..orm.registry import Registry
from .combine import combined_arch, primary_of, view_label, view_xmlid
from .groups import group_refs
from .legacy import refusal


def arch_nodes(registry: Registry, model_name: str, node: etree._Element) -> Iterator[tuple[str, etree._Element]]:
    """Every element below ``node`` with the model it speaks of: the comodel inside an x2many's subviews."""
    for child in node.iterchildren(tag=etree.Element):
        yield model_name, child
        inner = model_name
        if child.tag == "field" and len(child) and model_name in registry:
            field = registry[model_name]._fields.get(child.get("name") or "")
            if field is not None and field.relational:
                inner = field.comodel_name
        yield from arch_nodes(registry, inner, child)


def fields_by_model(registry: Registry, model_name: str, arch: etree._Element) -> dict[str, list[str]]:
    """The field names the arch names, per model (the view's own model first), in order of appearance."""
    found: dict[str, list[str]] = {model_name: []}
    for owner, node in arch_nodes(registry, model_name, arch):
        name = node.get("name")
        if node.tag == "field" and name and name not in found.setdefault(owner, []):
            found[owner].append(name)
    return found


def check_arch(registry: Registry, model_name: str, arch: etree._Element) -> None:
    """Raise :class:`ViewError` for the first field the model lacks or object button it cannot run."""
    if model_name not in registry:
        raise ViewError(f"unknown model {model_name!r}{model_hint(model_name, registry)}")
    for owner, node in arch_nodes(registry, model_name, arch):
        model = registry[owner]
        name = node.get("name") or ""
        legacy = refusal(node)
        if legacy:
            raise ViewError(f"<{node.tag}{f' name={name!r}' if name else ''}>: {legacy} (arch line {node.sourceline})")
        if node.tag == "field":
            if not name:
                raise ViewError(f"a <field> without a name (arch line {node.sourceline})")
            if name not in model._fields:
                raise ViewError(f"field {name!r} does not exist on model {owner!r}{field_hint(owner, name, model._fields)} "
                                f"(arch line {node.sourceline})")
        elif node.tag == "button" and node.get("type") == "object" and not _is_public_method(model, name):
            raise ViewError(f"button calls {name!r}, which is no public method of model {owner!r} "
                            f"(arch line {node.sourceline})")


def check_groups(env: Environment, arch: etree._Element) -> None:
    """Raise :class:`ViewError` for a ``groups="..."`` naming something that is no group."""
    for node in arch.iter(etree.Element):
        for _positive, xmlid in group_refs(node.get("groups") or ""):
            group = env(su=True).ref(xmlid, raise_if_not_found=False) if "." in xmlid else None
            if group is None or group._name != "res.groups":
                raise ViewError(f"groups names {xmlid!r}, which is no group{env.xmlid_hint(xmlid, 'res.groups')} "
                                f"(arch line {node.sourceline})")


def _is_public_method(model: type, name: str) -> bool:
    return bool(name) and not name.startswith("_") and name not in model._fields and callable(getattr(model, name, None))


def check_views(env: Environment, view_ids: Iterable[int]) -> None:
    """Check the combined archs the views ``view_ids`` take part in; a :class:`DataLoadError` blames one view."""
    views = env["ir.ui.view"].sudo().with_context(active_test=False)
    primaries: dict[int, Any] = {}
    for view in views.browse(sorted(set(view_ids))).exists():
        for primary in _derived_primaries(views, primary_of(view)):
            primaries.setdefault(primary.id, primary)
    for primary in primaries.values():
        if primary.model and primary.type != "qweb":
            _check_combination(env, primary)


def _check_combination(env: Environment, primary: Any) -> None:
    """Combine ``primary`` for the superuser (every group), checking the arch after each view applied."""

    def step(applied: Any, arch: etree._Element) -> None:
        try:
            check_arch(env.registry, primary.model, arch)
            check_groups(env, arch)
        except ViewError as exc:
            raise located_error(applied, str(exc)) from exc

    try:
        combined_arch(env(su=True), primary, step)
    except ViewError as exc:
        raise located_error(getattr(exc, "view", primary), str(exc)) from exc


def _derived_primaries(views: Any, primary: Any) -> list[Any]:
    """``primary`` and every primary view whose chain of ``inherit_id`` passes through it."""
    found, pending = [primary], [primary]
    while pending:
        children = views.search([("inherit_id", "in", [view.id for view in pending])])
        found += [child for child in children if child.mode == "primary"]
        pending = list(children)
    return found


def located_error(view: Any, message: str) -> DataLoadError:
    """A :class:`DataLoadError` at the record that loaded ``view`` (its ``source``: ``addon/file:line``)."""
    addon, file, line = _source(view.source or "")
    text = message if message.startswith("view ") else f"view {view_label(view)}: {message}"
    return DataLoadError(text, addon=addon, file=file, line=line, xmlid=view_xmlid(view))


def _source(source: str) -> tuple[str | None, str | None, int | None]:
    addon, _, rest = source.partition("/")
    file, _, line = rest.rpartition(":")
    if not addon or not file or not line.isdigit():
        return None, None, None
    return addon, file, int(line)
