"""Computed fields: computing into the cache, and recomputing what a change affects."""

from __future__ import annotations

import enum
from collections import defaultdict
from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa

from ..exceptions import ValidationError

if TYPE_CHECKING:
    from .fields import Field
    from .models import BaseModel

MAX_RECOMPUTE_ROUNDS = 20
FEW_VALUES = 2  # distinct values of a stored computed field written with one UPDATE each


class Every(enum.Enum):
    """Every record of a model: what a non-stored field is invalidated for, without a search."""

    RECORD = "every record"


EVERY_RECORD = Every.RECORD


class Targets(dict["Field", "set[int] | Every"]):
    """Computed fields to refresh, each for a set of record ids or for :data:`EVERY_RECORD`.

    Merging goes through :meth:`add`, where "every record" absorbs any set of ids (a plain set
    union would lose it).
    """

    def add(self, field: Field, ids: Iterable[int] | Every) -> None:
        current = self.get(field)
        if ids is EVERY_RECORD or current is EVERY_RECORD:
            self[field] = EVERY_RECORD
        elif current is None:
            self[field] = set(ids)
        else:
            current.update(ids)

    def merge(self, other: Mapping[Field, Iterable[int] | Every]) -> None:
        for field, ids in other.items():
            self.add(field, ids)

    def forget(self, model_name: str, ids: Iterable[int]) -> None:
        """Drop deleted records of ``model_name`` from the explicit id sets."""
        ids = set(ids)
        for field, targeted in self.items():
            if field.model_name == model_name and targeted is not EVERY_RECORD:
                targeted.difference_update(ids)


class ComputeMixin:
    """Compute and recompute methods of :class:`~kernel.orm.models.BaseModel`."""

    def _compute_into_cache(self: BaseModel, field: Field) -> None:
        """Compute ``field`` for this record and its prefetched records that lack a value."""
        cache = self.env.transaction.cache_for(field)
        ids = [self._ids[0]] + [i for i in self._prefetch_ids if i not in cache and i != self._ids[0]]
        self._browse(tuple(dict.fromkeys(ids)), self._prefetch_ids)._run_compute(field)

    def _fields_computed_with(self: BaseModel, field: Field) -> list[Field]:
        if field.related or not isinstance(field.compute, str):
            return [field]
        return [f for f in self._fields.values() if f.compute == field.compute]

    def _run_compute(self: BaseModel, field: Field) -> None:
        """Run the compute of ``field`` on these records, values going to the cache only."""
        transaction = self.env.transaction
        fields = self._fields_computed_with(field)
        ids = set(self._ids)
        for f in fields:
            transaction.computing.setdefault(f, set()).update(ids)
            transaction.cache_for(f)  # make sure assignments have a place to go
        try:
            if field.related:
                self._compute_related(field)
            else:
                method = getattr(self, field.compute) if isinstance(field.compute, str) else None
                if method is not None:
                    method()
                else:
                    field.compute(self)
        finally:
            for f in fields:
                transaction.computing[f].difference_update(ids)
                cache = transaction.cache_for(f)
                for record_id in ids:
                    cache.setdefault(record_id, None)

    def _compute_related(self: BaseModel, field: Field) -> None:
        names = field.related.split(".")
        cache = self.env.transaction.cache_for(field)
        for record in self.sudo():
            value: Any = record
            for name in names:
                value = value[name] if value else value._fields[name].convert_to_record(None, value)
            cache[record._ids[0]] = _to_cache(field, value)

    # -- recomputation -------------------------------------------------------------

    def _modified(self: BaseModel, fields: Iterable[Field]) -> Targets:
        """The records whose computed fields depend on ``fields`` of these records."""
        targets = Targets()
        triggers = self.env.registry.triggers
        ids = list(self._ids)
        if not ids:
            return targets
        for field in fields:
            for trigger in triggers.get(field, ()):
                if not trigger.target.store:
                    targets.add(trigger.target, EVERY_RECORD)
                    continue
                source_ids = ids
                if trigger.via is not None:
                    source_ids = [i for i in self._browse(tuple(ids)).sudo().mapped(trigger.via.name)._ids]
                    if not source_ids:
                        continue
                model = self.env[trigger.target.model_name].sudo().with_context(active_test=False)
                if trigger.path:
                    found = model.search([(trigger.path_name, "in", source_ids)])._ids
                else:
                    found = source_ids
                targets.add(trigger.target, found)
        return targets

    def _recompute(self: BaseModel, targets: Mapping[Field, Iterable[int] | Every]) -> None:
        """Invalidate non-stored targets; recompute and store stored ones, following chains."""
        transaction = self.env.transaction
        rounds = 0
        while targets:
            rounds += 1
            if rounds > MAX_RECOMPUTE_ROUNDS:
                raise ValidationError("computed fields depend on each other in a loop", code="COMPUTE_LOOP")
            following = Targets()
            for field, ids in targets.items():
                if not field.store:
                    transaction.invalidate([field], None if ids is EVERY_RECORD else ids)
                    continue
                if ids is EVERY_RECORD:
                    ids = self.env[field.model_name].sudo().with_context(active_test=False).search([])._ids
                if not ids:
                    continue
                model = self.env[field.model_name].sudo().with_context(active_test=False)
                records = model._browse(tuple(ids)).exists()
                if not records:
                    continue
                transaction.invalidate([field], records._ids)
                records._run_compute(field)
                changed = records._store_computed(field)
                if changed:
                    following.merge(model._browse(tuple(changed))._modified([field]))
            targets = following

    def _store_computed(self: BaseModel, field: Field) -> list[int]:
        """Write the cached values of a stored computed field: one UPDATE per distinct value when they are
        few, else one executemany of per-row UPDATEs (a value per record, such as a record pointing at itself)."""
        cache = self.env.transaction.cache_for(field)
        if not field.column_name:
            return []
        by_value: dict[Any, list[int]] = defaultdict(list)
        for record_id in self._ids:
            value = cache.get(record_id)
            by_value[_hashable(value)].append(record_id)
        table = self._sql
        column = field.column_name
        if len(by_value) > FEW_VALUES:
            statement = sa.update(table).where(table.c.id == sa.bindparam("b_id")).values(
                {column: sa.bindparam("b_value")})
            self.env.execute(statement, [{"b_id": record_id, "b_value": cache.get(record_id)}
                                         for record_id in dict.fromkeys(self._ids)])
            return list(self._ids)
        for key, ids in by_value.items():
            value = cache.get(ids[0])
            self.env.execute(sa.update(table).where(table.c.id.in_(ids)).values({column: value}))
        return list(self._ids)

    def _compute_stored_on_create(self: BaseModel, written: Iterable[Field]) -> list[Field]:
        """Compute every stored computed field of freshly created records; returns them."""
        stored = [f for f in self._fields.values() if f.store and (f.compute or f.related)]
        done: set[str] = set()
        for field in stored:
            key = field.compute if isinstance(field.compute, str) else field.name
            if key in done:
                continue
            done.add(key)
            self._run_compute(field)
            for f in self._fields_computed_with(field):
                self._store_computed(f)
        return stored


def _to_cache(field: Field, value: Any) -> Any:
    if hasattr(value, "_ids"):
        if field.type == "many2one":
            return value._ids[0] if value._ids else None
        return tuple(value._ids)
    if value is False and field.type not in ("boolean",):
        return None
    return value


def _hashable(value: Any) -> Any:
    try:
        hash(value)
        return value
    except TypeError:
        return repr(value)
