"""Records in memory only: what a form holds while the user edits it, before it is saved.

``model.new(values, origin=record)`` returns a record whose id is a
:class:`~kernel.orm.newid.NewId`.  Its values live in the transaction's cache
and never reach the database: a field set on it goes to the cache, a field it
lacks comes from ``origin`` (the stored record the form edits) or is empty,
and computed fields (stored or not) are computed from those values.  Setting
a field forgets the computed values of every new record of the transaction,
so reading one afterwards computes it again from what the user changed (forms
hold a handful of records: recomputing them all is cheaper than tracing
dependencies through records that have no rows).

A one2many value becomes new lines, each standing for its stored line when it
has one, with their many2one back to the new parent set: a compute of the
parent that sums its lines sees the lines as edited.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from ..exceptions import ValidationError
from .commands import Command
from .newid import NewId
from .relations import normalize_commands

if TYPE_CHECKING:
    from .fields import Field
    from .models import BaseModel


def is_new(record: BaseModel) -> bool:
    """Whether ``record`` (one record) lives in memory only."""
    return bool(record._ids) and type(record._ids[0]) is NewId


class NewRecordsMixin:
    """``new`` and the cache plumbing of in-memory records, for :class:`~kernel.orm.models.BaseModel`."""

    def new(self: BaseModel, values: Mapping[str, Any] | None = None, origin: BaseModel | None = None) -> BaseModel:
        """A record in memory only, holding ``values`` (as ``create`` takes them) and standing for ``origin``."""
        if origin is not None and len(origin) and (len(origin) != 1 or is_new(origin)):
            raise ValidationError(f"{self._name}.new(): the origin must be one stored record, got {origin!r}")
        new_id = NewId(origin._ids[0] if origin else None)
        self.env.transaction.new_ids.append(new_id)
        record = self._browse((new_id,))
        for name, value in (values or {}).items():
            field = self._fields.get(name)
            if field is None:
                raise ValidationError(f"{self._name} has no field {name!r}", code="FIELD_UNKNOWN")
            record._set_new(field, value, forget_computed=False)
        return record

    def update(self: BaseModel, values: Mapping[str, Any]) -> None:
        """Set values on these records: in memory for new records, with ``write`` for stored ones."""
        for record in self:
            if is_new(record):
                for name, value in values.items():
                    if name not in self._fields:
                        raise ValidationError(f"{self._name} has no field {name!r}", code="FIELD_UNKNOWN")
                    record._set_new(self._fields[name], value)
            else:
                record.write(values)

    # -- the cache of new records -------------------------------------------------------------

    def _set_new(self: BaseModel, field: Field, value: Any, forget_computed: bool = True) -> None:
        """Put ``value`` in the cache of this new record; by default forget what was computed from it."""
        record_id = self._ids[0]
        if field.type in ("one2many", "many2many"):
            converted: Any = self._new_lines(field, value)
        elif field.type == "many2one" and (type(value) is NewId or (hasattr(value, "_ids") and is_new(value))):
            converted = value if type(value) is NewId else value._ids[0]
        else:
            converted = field.convert_assigned(value, self)
        self.env.transaction.cache_for(field)[record_id] = converted
        if forget_computed:
            self._forget_new_computed()

    def _forget_new_computed(self: BaseModel) -> None:
        transaction = self.env.transaction
        new_ids = transaction.new_ids
        for field, values in transaction.cache.items():
            if (field.compute or field.related) and not transaction.computing.get(field):
                for new_id in new_ids:
                    values.pop(new_id, None)

    def _fetch_new(self: BaseModel, field: Field) -> None:
        """A value this new record lacks: computed, else its origin's, else empty."""
        transaction = self.env.transaction
        cache = transaction.cache_for(field)
        record_id = self._ids[0]
        if field.compute or field.related:
            ids = [i for i in dict.fromkeys([record_id, *self._prefetch_ids]) if type(i) is NewId and i not in cache]
            self._browse(tuple(ids), self._prefetch_ids)._run_compute(field)
            return
        origin = record_id.origin
        if origin is None:
            cache[record_id] = () if field.type in ("one2many", "many2many") else None
            return
        stored = self._browse((origin,))
        if field.type == "one2many":
            cache[record_id] = tuple(self._new_line(field, line) for line in stored[field.name])
        else:
            stored[field.name]  # noqa: B018 - loads the stored value (with the user's access checked)
            cache[record_id] = transaction.cache_for(field)[origin]

    def _new_line(self: BaseModel, field: Field, line: BaseModel, values: Mapping[str, Any] | None = None) -> Any:
        """A new line of this new record's one2many ``field`` standing for ``line`` (when stored)."""
        comodel = self.env[field.comodel_name]
        stored = line if line and not is_new(line) else None
        new_line = line if line and is_new(line) else comodel.new(origin=stored)
        inverse = comodel._fields[field.inverse_name]
        self.env.transaction.cache_for(inverse)[new_line._ids[0]] = self._ids[0]
        for name, value in (values or {}).items():
            if name not in comodel._fields:
                raise ValidationError(f"{comodel._name} has no field {name!r}", code="FIELD_UNKNOWN")
            new_line._set_new(comodel._fields[name], value, forget_computed=False)
        return new_line._ids[0]

    def _new_lines(self: BaseModel, field: Field, value: Any) -> tuple[Any, ...]:
        """The ids an x2many of this new record holds after ``value`` (commands, ids or records)."""
        record_id = self._ids[0]
        cache = self.env.transaction.cache_for(field)
        if record_id not in cache:
            self._fetch_new(field)
        current: list[Any] = list(cache[record_id])
        comodel = self.env[field.comodel_name]
        one2many = field.type == "one2many"

        def matches(item: Any, target: Any) -> bool:
            return item == target or (type(item) is NewId and item.origin is not None and item.origin == target)

        def linked(target: Any) -> Any:
            if one2many:
                return self._new_line(field, comodel.browse((target,)))
            return target

        for code, target, payload in normalize_commands(field, value):
            if code == Command.CREATE:
                current.append(self._new_line(field, comodel.browse(), payload) if one2many
                               else comodel.new(payload)._ids[0])
            elif code == Command.UPDATE:
                found = next((item for item in current if matches(item, target)), None)
                if found is None or type(found) is not NewId:
                    new_item = self._new_line(field, comodel.browse((target,))) if one2many \
                        else comodel.new(origin=comodel.browse((target,)))._ids[0]
                    current = [new_item if matches(item, target) else item for item in current] \
                        if found is not None else [*current, new_item]
                    found = new_item
                line = comodel._browse((found,))
                for name, item in (payload or {}).items():
                    line._set_new(comodel._fields[name], item, forget_computed=False)
            elif code in (Command.DELETE, Command.UNLINK):
                current = [item for item in current if not matches(item, target)]
            elif code == Command.LINK:
                if not any(matches(item, target) for item in current):
                    current.append(linked(target))
            elif code == Command.CLEAR:
                current = []
            elif code == Command.SET:
                current = [linked(item) for item in payload or ()]
        return tuple(current)
