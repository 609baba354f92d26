"""XML data files in Odoo's format: ``<odoo>``, ``<data noupdate>``, ``<record>``, ``<menuitem>``,
``<delete>`` and ``<function>``.

Values come from element text, ``ref=``, ``eval=`` (through :mod:`.safe_eval`,
never Python's ``eval``), ``search=``, ``type="xml"`` and ``file=``.  The
parser refuses DTDs and entities, and every error names the file, the line
and the record.
"""

from __future__ import annotations

import base64
import datetime as dt
from collections.abc import Callable
from pathlib import Path
from typing import Any

from lxml import etree

from ..hints import model_hint, unknown_field
from ..safe_xml import UnsafeXMLError, parse_xml
from ..views.inheritance import parse_arch
from .records import LoadContext

ROOT_TAGS = ("odoo", "openerp")
TRUE_TEXT = {"1", "true", "True"}
FALSE_TEXT = {"0", "false", "False", ""}


def read_data_file(ctx: LoadContext, path: Path) -> etree._Element:
    try:
        root = parse_xml(path.read_bytes(), remove_comments=True)
    except etree.XMLSyntaxError as exc:
        raise ctx.error(f"invalid XML: {exc.msg}", exc.lineno) from None
    except UnsafeXMLError:
        raise ctx.error("DTDs and entities are not allowed in data files", 1) from None
    if root.tag not in ROOT_TAGS:
        raise ctx.error(f"the root element must be <odoo>, not <{root.tag}>", root.sourceline)
    return root


def load_xml(ctx: LoadContext, path: Path) -> None:
    root = read_data_file(ctx, path)
    _load_children(ctx, root, noupdate=_flag(root.get("noupdate")))


def _flag(value: str | None, default: bool = False) -> bool:
    return default if value is None else value in TRUE_TEXT


def _load_children(ctx: LoadContext, parent: etree._Element, noupdate: bool) -> None:
    for node in parent:
        if not isinstance(node.tag, str):
            continue
        handler = HANDLERS.get(node.tag)
        if handler is None:
            raise ctx.error(f"unknown element <{node.tag}>", node.sourceline, node.get("id"))
        handler(ctx, node, noupdate)


def _data(ctx: LoadContext, node: etree._Element, noupdate: bool) -> None:
    _load_children(ctx, node, _flag(node.get("noupdate"), noupdate))


def _model(ctx: LoadContext, node: etree._Element, xmlid: str | None) -> Any:
    name = node.get("model")
    if not name:
        raise ctx.error(f"<{node.tag}> needs a model attribute", node.sourceline, xmlid)
    if name not in ctx.env.registry:
        raise ctx.error(f"unknown model {name!r}{model_hint(name, ctx.env.registry)}", node.sourceline, xmlid)
    return ctx.env[name]


def _record(ctx: LoadContext, node: etree._Element, noupdate: bool) -> None:
    xmlid = node.get("id")
    full = ctx.full_id(xmlid) if xmlid else None
    model = _model(ctx, node, full)
    with ctx.locate(node.sourceline, full):
        values: dict[str, Any] = {}
        for child in node:
            if not isinstance(child.tag, str):
                continue
            if child.tag != "field":
                raise ctx.error(f"<record> holds <field> elements, not <{child.tag}>", child.sourceline, full)
            with ctx.locate(child.sourceline, full):
                name, value = _field_value(ctx, model, child)
            values[name] = value
        if model._name == "ir.ui.view":
            _complete_view(ctx, values, node.sourceline)
        if xmlid:
            record = ctx.upsert(model, xmlid, values, noupdate=noupdate, forcecreate=_flag(node.get("forcecreate"), True))
        else:
            record = model.create(values)
        if model._name == "ir.ui.view" and record:
            ctx.view_ids.append(record.id)


def _complete_view(ctx: LoadContext, values: dict[str, Any], line: int | None) -> None:
    """Fill what a view record may leave out: model and type come from its parent or its root tag."""
    parent = ctx.env["ir.ui.view"].browse(values["inherit_id"]) if values.get("inherit_id") else None
    if parent is not None:
        values.setdefault("model", parent.model)
        values.setdefault("type", parent.type)
    arch = values.get("arch")
    if isinstance(arch, str) and arch.strip() and not values.get("type"):
        root_tag = parse_arch(arch).tag
        values["type"] = "list" if root_tag == "tree" else root_tag
    values.setdefault("mode", "extension" if values.get("inherit_id") else "primary")
    values.setdefault("source", f"{ctx.addon}/{ctx.file}:{line}")
    values.setdefault("name", values.get("model", "view"))


def _field_value(ctx: LoadContext, model: Any, node: etree._Element) -> tuple[str, Any]:
    name = node.get("name")
    if not name:
        raise ctx.error("<field> needs a name", node.sourceline)
    field = model._fields.get(name)
    if field is None:
        raise ctx.error(unknown_field(model._name, name, model._fields), node.sourceline)
    kind = node.get("type")
    if node.get("ref") is not None:
        target = ctx.ref(node.get("ref"))
        return name, [(6, 0, [target])] if field.type in ("many2many", "one2many") else target
    if node.get("eval") is not None:
        return name, ctx.eval(node.get("eval"))
    if node.get("search") is not None:
        comodel = ctx.env[field.comodel_name] if field.relational else model
        found = comodel.search(ctx.eval(node.get("search")))
        if field.type in ("many2many", "one2many"):
            return name, [(6, 0, found.ids)]
        return name, found.ids[0] if found else False
    if node.get("file") is not None:
        content = _read_file(ctx, node.get("file"))
        if kind == "base64" or field.type == "binary":
            return name, base64.b64encode(content).decode()
        return name, content.decode("utf-8")
    if kind == "xml" or (field.type in ("text", "html") and len(node)):
        return name, _inner_xml(node)
    return name, _convert_text(ctx, field, node.text or "", node.sourceline, kind)


def _inner_xml(node: etree._Element) -> str:
    parts = [node.text or ""] if (node.text or "").strip() else []
    parts.extend(etree.tostring(child, encoding="unicode") for child in node)
    return "".join(parts).strip()


def _read_file(ctx: LoadContext, reference: str) -> bytes:
    module, _, relative = reference.partition("/")
    manifests = ctx.env.services.manifests
    base = manifests[module].path if module in manifests else ctx.folder
    target = (base / relative if module in manifests else ctx.folder / reference).resolve()
    if not target.is_relative_to(base.resolve()):
        raise ctx.error(f"file {reference!r} is outside its addon")
    try:
        return target.read_bytes()
    except OSError as exc:
        raise ctx.error(f"cannot read file {reference!r}: {exc.strerror}") from None


def _convert_text(ctx: LoadContext, field: Any, text: str, line: int | None, kind: str | None) -> Any:
    text = text.strip() if field.type not in ("text", "html", "char") else text
    if kind == "int" or field.type == "integer":
        return int(text) if text.strip() else False
    if kind == "float" or field.type == "float":
        return float(text) if text.strip() else False
    if field.type == "boolean":
        if text.strip() not in TRUE_TEXT | FALSE_TEXT:
            raise ctx.error(f"field {field.name!r}: {text!r} is not a boolean", line)
        return text.strip() in TRUE_TEXT
    if field.type == "date" and text.strip():
        return dt.date.fromisoformat(text.strip())
    if field.type in ("many2one", "one2many", "many2many"):
        raise ctx.error(f"field {field.name!r} is relational: give it with ref=, eval= or search=", line)
    return text


def _menuitem(ctx: LoadContext, node: etree._Element, noupdate: bool, parent_id: int | None = None) -> None:
    xmlid = node.get("id")
    if not xmlid:
        raise ctx.error("<menuitem> needs an id", node.sourceline)
    full = ctx.full_id(xmlid)
    with ctx.locate(node.sourceline, full):
        values: dict[str, Any] = {}
        if node.get("parent"):
            values["parent_id"] = ctx.ref(node.get("parent"))
        elif parent_id is not None:
            values["parent_id"] = parent_id
        if node.get("action"):
            values["action_id"] = ctx.ref(node.get("action"))
        name = node.get("name")
        if not name and values.get("action_id"):
            name = ctx.env["ir.actions.window"].browse(values["action_id"]).name
        if not name:
            raise ctx.error("<menuitem> needs a name (or an action to take it from)", node.sourceline, full)
        values["name"] = name
        if node.get("sequence"):
            values["sequence"] = int(node.get("sequence"))
        if node.get("web_icon"):
            values["web_icon"] = node.get("web_icon")
        if node.get("groups"):
            values["group_ids"] = _groups(ctx, node.get("groups"))
        menu = ctx.upsert(ctx.env["ir.ui.menu"], xmlid, values, noupdate=noupdate)
    for child in node:
        if isinstance(child.tag, str):
            if child.tag != "menuitem":
                raise ctx.error(f"<menuitem> holds <menuitem> elements, not <{child.tag}>", child.sourceline)
            _menuitem(ctx, child, noupdate, menu.id)


def _groups(ctx: LoadContext, text: str) -> list[tuple]:
    """``"base.group_user,-base.group_portal"`` as many2many commands."""
    commands: list[tuple] = []
    for part in (p.strip() for p in text.split(",")):
        if part.startswith("-"):
            commands.append((3, ctx.ref(part[1:]), 0))
        elif part:
            commands.append((4, ctx.ref(part), 0))
    return commands


def _delete(ctx: LoadContext, node: etree._Element, noupdate: bool) -> None:
    xmlid = node.get("id")
    model = _model(ctx, node, xmlid)
    with ctx.locate(node.sourceline, xmlid):
        if xmlid:
            full = ctx.full_id(xmlid)
            row = ctx._data_row(full)
            records = model.browse(row.res_id).exists() if row is not None else model.browse()
        elif node.get("search"):
            records = model.search(ctx.eval(node.get("search")))
        else:
            raise ctx.error("<delete> needs an id or a search", node.sourceline)
        records.unlink()


def _function(ctx: LoadContext, node: etree._Element, noupdate: bool) -> None:
    model = _model(ctx, node, None)
    method_name = node.get("name") or ""
    with ctx.locate(node.sourceline):
        if method_name.startswith("_") or not callable(getattr(model, method_name, None)):
            raise ctx.error(f"{model._name} has no public method {method_name!r}", node.sourceline)
        if node.get("eval") is not None:
            args = ctx.eval(node.get("eval"))
            args = list(args) if isinstance(args, (list, tuple)) else [args]
        else:
            args = [ctx.eval(value.get("eval")) if value.get("eval") is not None else (value.text or "")
                    for value in node if value.tag == "value"]
        getattr(model, method_name)(*args)


Handler = Callable[[LoadContext, etree._Element, bool], None]
HANDLERS: dict[str, Handler] = {
    "data": _data, "record": _record, "menuitem": _menuitem, "delete": _delete, "function": _function,
}
