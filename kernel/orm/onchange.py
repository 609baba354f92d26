"""``onchange``: what a form gets back while the user edits, as Odoo's clients call it.

The client sends the form's values, the fields the user just changed and the
fields the form shows.  The server builds a new record (:mod:`.new_records`)
from the values, with the changed fields still empty, takes a snapshot, sets
the changed fields, runs the ``@api.onchange`` methods of each changed field
(and of the fields those methods change, each once), and answers the shown
fields whose value differs from the snapshot: computed fields recomputed from
the edited values, and whatever the methods set.  A method may also return
``{"warning": {"title", "message"}, "domain": {field: domain}}``; warnings are
merged into one.  With no changed field (a form opening on a new record) the
answer holds the defaults and every shown field.

Both calling conventions are accepted: Odoo 17's ``onchange(values,
field_names, fields_spec)`` with ``fields_spec`` as ``{"partner_id":
{"fields": {"display_name": {}}}, "order_line": {"fields": {...}}}``, and
Odoo 16's ``onchange(values, field_name, field_onchange)`` with a flat
``{"partner_id": "1", "order_line.name": ""}`` (many2one values then come back
as ``(id, name)`` pairs).  x2many values come back as ``[(5,), (1, id, values),
(0, 0, values)]``: the lines as they now are.

Nothing an onchange does is kept: it runs in a savepoint rolled back at its end.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

from ..exceptions import ValidationError
from ..hints import unknown_field
from .newid import NewId

if TYPE_CHECKING:
    from .models import BaseModel

Spec = dict[str, "Spec"]


class OnchangeMixin:
    """The ``onchange`` method of :class:`~kernel.orm.models.BaseModel`."""

    def onchange(self: BaseModel, values: Mapping[str, Any], field_names: str | Sequence[str] | bool | None,
                 fields_spec: Mapping[str, Any] | None = None) -> dict[str, Any]:
        """The changes a form shows after the user changed ``field_names`` (see the module's docstring)."""
        if len(self) > 1:
            raise ValidationError(f"{self._name}.onchange works on one record or none, got {len(self)}",
                                  code="ONCHANGE_INVALID")
        if not isinstance(values, Mapping):
            raise ValidationError("onchange: values must be a dictionary of field values", code="ONCHANGE_INVALID")
        legacy = fields_spec is not None and bool(fields_spec) and all(isinstance(i, str) for i in fields_spec.values())
        spec = _parse_spec(self, fields_spec, legacy) if fields_spec else {name: {} for name in values}
        names = [field_names] if isinstance(field_names, str) else list(field_names) if isinstance(field_names, Sequence) \
            else []
        for name in [*values, *names, *spec]:
            _known_field(self, name)
        self.check_access_rights("write" if self else "create")
        connection = self.env.connection
        savepoint = connection.begin_nested()
        try:
            return _onchange(self, dict(values), names, spec, legacy)
        finally:
            savepoint.rollback()
            self.env.transaction.invalidate()
            self.env.transaction.new_ids.clear()


def _onchange(model: BaseModel, values: dict[str, Any], names: list[str], spec: Spec, legacy: bool) -> dict[str, Any]:
    first_call = not names
    if first_call:
        missing = [name for name in spec if name not in values]
        values = {**_defaults(model, missing), **values}
    values = {name: _as_write_value(model, name, value) for name, value in values.items()}
    # the changed fields start empty, x2many ones as the origin holds them (their commands apply to those lines)
    initial = {name: value for name, value in values.items() if name not in names}
    initial.update((name, False) for name in names if model._fields[name].type not in ("one2many", "many2many"))
    record = model.new(initial, origin=model if model else None)
    before = {} if first_call else _snapshot(record, spec)
    for name in names:
        record._set_new(model._fields[name], values.get(name, False))
    warnings: list[Mapping[str, Any]] = []
    domains: dict[str, Any] = {}
    methods = type(model)._onchange_methods
    todo = list(names) if not first_call else [name for name in spec if name in methods]
    done: set[str] = set()
    while todo:
        name = todo.pop(0)
        if name in done:
            continue
        done.add(name)
        if name not in methods:
            continue
        start = _snapshot(record, spec)
        for method in methods[name]:
            answer = method(record)
            if isinstance(answer, Mapping):
                if answer.get("warning"):
                    warnings.append(answer["warning"])
                domains.update(answer.get("domain") or {})
                for key, item in (answer.get("value") or {}).items():
                    record._set_new(model._fields[_known_field(model, key)], item)
        end = _snapshot(record, spec)
        todo += [other for other in spec if end.get(other) != start.get(other) and other not in done]
    after = _snapshot(record, spec)
    changed = [name for name in spec if first_call or after.get(name) != before.get(name)]
    moved = set(names) | set(changed)
    changed = [name for name in changed if first_call or not _typed_related(model, name, values, moved)]
    result: dict[str, Any] = {"value": {name: _answer(record, name, spec[name], legacy) for name in changed}}
    if warnings:
        result["warning"] = _merged_warning(warnings)
    if domains:
        result["domain"] = domains
    return result


def _typed_related(model: BaseModel, name: str, values: Mapping[str, Any], moved: set[str]) -> bool:
    """An editable related field the user typed keeps the typed value while the record it reads from stays the
    same: on a new record that record is not written yet, so recomputing would blank what is being typed."""
    field = model._fields[name]
    related = field.related
    return bool(related) and not field.readonly and name in values and str(related).split(".")[0] not in moved


def _parse_spec(model: BaseModel, fields_spec: Mapping[str, Any], legacy: bool) -> Spec:
    """``{field: {subfield: {...}}}`` from either convention."""
    if legacy:
        spec: Spec = {}
        for dotted in fields_spec:
            node = spec
            for part in dotted.split("."):
                node = node.setdefault(part, {})
        return spec
    parsed: Spec = {}
    for name, item in fields_spec.items():
        inner = item.get("fields") if isinstance(item, Mapping) else None
        parsed[name] = _parse_spec(model, inner, False) if isinstance(inner, Mapping) else {}
    return parsed


def _known_field(model: BaseModel, name: str) -> str:
    if name not in model._fields:
        raise ValidationError(f"onchange: {unknown_field(str(model._name), name, model._fields)}", code="FIELD_UNKNOWN")
    return name


def _defaults(model: BaseModel, names: list[str]) -> dict[str, Any]:
    defaults = model.default_get(names)
    for name in names:
        field = model._fields[name]
        if name not in defaults and field.type in ("one2many", "many2many") and not (field.compute or field.related):
            defaults[name] = []
    return defaults


def _as_write_value(model: BaseModel, name: str, value: Any) -> Any:
    """Values as clients send them, as ``create`` takes them: ``(id, name)`` and ``{"id": ...}`` become ids,
    and x2many lines ``(1, id, values)`` keep only the fields the line model has."""
    field = model._fields[name]
    if field.type == "many2one":
        if isinstance(value, Mapping):
            return value.get("id") or False
        if isinstance(value, (list, tuple)) and value:
            return value[0]
    if field.type in ("one2many", "many2many") and isinstance(value, (list, tuple)):
        comodel = model.env[getattr(field, "comodel_name")]
        lines = []
        for command in value:
            if isinstance(command, (list, tuple)) and len(command) > 2 and isinstance(command[2], Mapping):
                payload = {key: _as_write_value(comodel, key, item) for key, item in command[2].items()
                           if _known_field(comodel, key) and key != "id"}
                command = (command[0], command[1] if isinstance(command[1], int) else 0, payload)
            lines.append(command)
        return lines
    return value


def _snapshot(record: BaseModel, spec: Spec) -> dict[str, Any]:
    """The shown values of ``record`` in a comparable form (x2many lines by their values)."""
    snapshot: dict[str, Any] = {}
    for name, inner in spec.items():
        field = record._fields[name]
        value = record[name]
        if field.type in ("one2many", "many2many"):
            snapshot[name] = tuple(
                (_stored_id(line), tuple(sorted(_snapshot(line, inner).items(), key=lambda pair: pair[0])))
                for line in value
            )
        elif field.type == "many2one":
            snapshot[name] = _stored_id(value) if value else None
        else:
            snapshot[name] = repr(field.convert_to_read(record.env.transaction.cache_for(field).get(record._ids[0]),
                                                        record))
    return snapshot


def _stored_id(record: BaseModel) -> Any:
    record_id = record._ids[0]
    return record_id.origin if type(record_id) is NewId else record_id


def _answer(record: BaseModel, name: str, inner: Spec, legacy: bool) -> Any:
    """One field's value as the client takes it."""
    field = record._fields[name]
    value = record[name]
    if field.type == "many2one":
        if not value:
            return False
        record_id = _stored_id(value) or False
        if legacy:
            return (record_id, value.display_name)
        return {"id": record_id, "display_name": value.display_name} if "display_name" in inner else record_id
    if field.type in ("one2many", "many2many"):
        if not inner:
            return [(6, 0, [line_id for line_id in map(_stored_id, value) if line_id])]
        commands: list[Any] = [(5, 0, 0)]
        for line in value:
            line_values = {sub: _answer(line, sub, inner[sub], legacy) for sub in inner if sub != "id"}
            stored = _stored_id(line)
            commands.append((1, stored, line_values) if stored else (0, 0, line_values))
        return commands
    return field.convert_to_read(record.env.transaction.cache_for(field).get(record._ids[0]), record)


def _merged_warning(warnings: list[Mapping[str, Any]]) -> dict[str, Any]:
    """One warning from several: the first title, every message, the first type."""
    return {
        "title": next((str(w["title"]) for w in warnings if w.get("title")), ""),
        "message": "\n\n".join(str(w["message"]) for w in warnings if w.get("message")),
        "type": next((str(w["type"]) for w in warnings if w.get("type")), "dialog"),
    }
