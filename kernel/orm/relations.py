"""Writing x2many fields with command tuples, and ``ondelete`` when records are deleted."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa

from ..exceptions import ValidationError
from .commands import Command

if TYPE_CHECKING:
    from .fields import Field
    from .models import BaseModel


def normalize_commands(field: Field, value: Any) -> list[tuple]:
    """Commands from what callers pass: command tuples, a list of ids, a recordset or False."""
    if value is None or value is False:
        return [(Command.CLEAR, 0, 0)]
    if hasattr(value, "_ids"):
        return [(Command.SET, 0, list(value._ids))]
    if not isinstance(value, (list, tuple)):
        raise field.invalid(value, "a list of commands or ids")
    commands: list[tuple] = []
    plain_ids = [item for item in value if isinstance(item, int) and not isinstance(item, bool)]
    if plain_ids and len(plain_ids) == len(value):
        return [(Command.SET, 0, plain_ids)]
    for command in value:
        if not isinstance(command, (list, tuple)) or not command or command[0] not in range(7):
            raise field.invalid(command, "a command tuple such as (4, id) or Command.link(id)")
        command = tuple(command) + (0,) * (3 - len(command))
        commands.append(command)
    return commands


class RelationsMixin:
    """x2many writes and delete propagation for :class:`~kernel.orm.models.BaseModel`."""

    def _write_x2many(self: BaseModel, field: Field, value: Any) -> None:
        commands = normalize_commands(field, value)
        if field.type == "one2many":
            self._write_one2many(field, commands)
        else:
            self._write_many2many(field, commands)
        self.env.transaction.invalidate([field], self._ids)

    def _write_one2many(self: BaseModel, field: Field, commands: Sequence[tuple]) -> None:
        comodel = self.env[field.comodel_name]
        inverse = field.inverse_name
        inverse_field = comodel._fields[inverse]
        detach_deletes = inverse_field.required or inverse_field.ondelete == "cascade"

        def detach(children: BaseModel) -> None:
            if detach_deletes:
                children.unlink()
            else:
                children.write({inverse: False})

        for record in self:
            creates: list[dict[str, Any]] = []
            for code, target, payload in commands:
                if code == Command.CREATE:
                    creates.append({**payload, inverse: record.id})
                elif code == Command.UPDATE:
                    comodel.browse(target).write(payload)
                elif code == Command.DELETE:
                    comodel.browse(target).unlink()
                elif code == Command.UNLINK:
                    detach(comodel.browse(target))
                elif code == Command.LINK:
                    comodel.browse(target).write({inverse: record.id})
                elif code == Command.CLEAR:
                    detach(comodel.with_context(active_test=False).search([(inverse, "=", record.id)]))
                elif code == Command.SET:
                    keep = list(payload or [])
                    current = comodel.with_context(active_test=False).search([(inverse, "=", record.id)])
                    detach(current - comodel.browse(keep))
                    comodel.browse(keep).write({inverse: record.id})
            if creates:
                comodel.create(creates)

    def _write_many2many(self: BaseModel, field: Field, commands: Sequence[tuple]) -> None:
        comodel = self.env[field.comodel_name]
        relation = self.env.registry.metadata.tables[field.relation]
        left, right = relation.c[field.column1], relation.c[field.column2]
        ids = list(self._ids)
        add: set[tuple[int, int]] = set()
        remove: set[tuple[int, int]] = set()
        clear_all = False
        for code, target, payload in commands:
            if code == Command.CREATE:
                created = comodel.create(payload)
                add.update((record_id, created.id) for record_id in ids)
            elif code == Command.UPDATE:
                comodel.browse(target).write(payload)
                add.update((record_id, target) for record_id in ids)
            elif code == Command.DELETE:
                comodel.browse(target).unlink()
            elif code == Command.UNLINK:
                remove.update((record_id, target) for record_id in ids)
                add.difference_update((record_id, target) for record_id in ids)
            elif code == Command.LINK:
                add.update((record_id, target) for record_id in ids)
                remove.difference_update((record_id, target) for record_id in ids)
            elif code in (Command.CLEAR, Command.SET):
                clear_all, add, remove = True, set(), set()
                if code == Command.SET:
                    add.update((record_id, target_id) for record_id in ids for target_id in payload or [])
        targets = {target for _, target in add}
        if targets:
            existing = set(comodel.sudo().with_context(active_test=False).browse(sorted(targets)).exists()._ids)
            unknown = sorted(targets - existing)
            if unknown:
                raise ValidationError(
                    f"{self._name}.{field.name}: {field.comodel_name} record(s) {unknown[:10]} do not exist",
                    code="REFERENCE_MISSING",
                )
        if clear_all:
            self.env.execute(sa.delete(relation).where(left.in_(ids)))
        elif remove:
            for record_id, target in remove:
                self.env.execute(sa.delete(relation).where(left == record_id, right == target))
        if add:
            present: set[tuple[int, int]] = set()
            if not clear_all:
                present = {tuple(row) for row in self.env.execute(sa.select(left, right).where(left.in_(ids)))}
            rows = [{field.column1: a, field.column2: b} for a, b in sorted(add - present)]
            if rows:
                self.env.execute(sa.insert(relation), rows)
        inverse_fields = [
            f for f in comodel._fields.values()
            if f.type == "many2many" and f.relation == field.relation and f is not field
        ]
        self.env.transaction.invalidate(inverse_fields)

    def _apply_ondelete(self: BaseModel) -> None:
        """What deleting these records does to the records pointing at them."""
        self._check_table_writable()
        ids = list(self._ids)
        for model in self.env.registry.concrete_models():
            if not model._auto:
                continue
            for field in model._fields.values():
                if field.type != "many2one" or field.comodel_name != self._name or not field.column_name:
                    continue
                referrers = self.env[model._name].sudo().with_context(active_test=False)
                table = model._sql
                column = table.c[field.column_name]
                if field.ondelete == "restrict":
                    holder = self.env.execute(sa.select(table.c.id).where(column.in_(ids)).limit(1)).scalar()
                    if holder is not None and not (model._name == self._name and holder in ids):
                        raise ValidationError(
                            f"cannot delete {self._description}: {model._description} record {holder} still refers "
                            f"to it through {field.string!r}",
                            code="RECORD_IN_USE", status=409,
                        )
                elif field.ondelete == "cascade":
                    children = referrers.search([(field.name, "in", ids)])
                    children = children - self if model._name == self._name else children
                    if children:
                        children.unlink()
                else:
                    holders = tuple(self.env.execute(sa.select(table.c.id).where(column.in_(ids))).scalars())
                    if holders:
                        self.env.execute(sa.update(table).where(column.in_(ids)).values({field.column_name: None}))
                        self.env.transaction.invalidate([field], holders)
                        referrers._recompute(referrers._browse(holders)._modified([field]))

