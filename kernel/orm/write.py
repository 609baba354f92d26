"""Creating, updating, copying and deleting records."""

from __future__ import annotations

import weakref
from collections.abc import Mapping, Sequence
from itertools import chain
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError

from ..db import utcnow
from ..exceptions import UserError, ValidationError
from ..hints import unknown_field
from . import arguments, integrity, translations
from .compute import ComputeMixin, Targets
from .policy import unavailable
from .relations import RelationsMixin

if TYPE_CHECKING:
    from .fields import Field
    from .models import BaseModel

WRITE_CHUNK = 1000
LOG_FIELDS = ("create_date", "write_date", "create_uid", "write_uid")
# where a value given to create goes (WriteMixin._create_plan)
COLUMN, RELATION, INVERSE, IGNORED = "column", "relation", "inverse", "ignored"
# ids for a batch of rows, reserved from the table's sequence in one round trip
RESERVE_IDS = sa.text(
    "SELECT nextval(sequence) FROM (SELECT pg_get_serial_sequence(:table, 'id')::regclass AS sequence) AS serial, "
    "generate_series(1, :count)"
)


class WriteMixin(ComputeMixin, RelationsMixin):
    """``create``, ``write``, ``unlink``, ``copy``, ``default_get`` and ``name_create``."""

    # -- defaults --------------------------------------------------------------------

    def default_get(self: BaseModel, fields_list: Sequence[str]) -> dict[str, Any]:
        """Default values: ``default_<field>`` context keys first, then the fields' defaults."""
        result: dict[str, Any] = {}
        context = self.env.context
        for name in arguments.names("fields_list", fields_list) or ():
            field = self._fields.get(name)
            if field is None:
                continue
            if f"default_{name}" in context:
                result[name] = context[f"default_{name}"]
            elif field.default is not None:
                result[name] = field.default_value(self)
        return result

    def _with_defaults(self: BaseModel, vals_list: list[dict[str, Any]]) -> list[dict[str, Any]]:
        context_defaults = {k[8:]: v for k, v in self.env.context.items() if k.startswith("default_") and k[8:] in self._fields}
        static: dict[str, Any] = {}
        dynamic: list[Field] = []
        for name, field in self._fields.items():
            if name in context_defaults:
                static[name] = context_defaults[name]
            elif field.default is not None and not getattr(field, "magic", False):
                if callable(field.default):
                    dynamic.append(field)
                else:
                    static[name] = field.default
        if not static and not dynamic:
            return vals_list
        result = []
        for vals in vals_list:
            full = {name: value for name, value in static.items() if name not in vals}
            for field in dynamic:
                if field.name not in vals:
                    full[field.name] = field.default_value(self)
            full.update(vals)
            result.append(full)
        return result

    # -- create ------------------------------------------------------------------------

    def create(self: BaseModel, vals_list: Mapping[str, Any] | Sequence[Mapping[str, Any]]) -> BaseModel:
        """Create records from one dict or a list of dicts: one multi-row INSERT per batch."""
        if self._abstract:
            raise ValidationError(f"{self._name} is abstract: it has no records", code="MODEL_ABSTRACT")
        single = isinstance(vals_list, Mapping)
        vals_list = arguments.values_list("create", vals_list)
        if not vals_list:
            return self.browse()
        self.env.policy.check_create(self, vals_list)
        vals_list = self._with_defaults(vals_list)
        vals_list = self._create_delegated_parents(vals_list)
        rows, x2many, inverses, written = self._split_create_values(vals_list)
        ids = self._insert_rows(rows)
        records = self._browse(tuple(ids))
        self._cache_rows(ids, rows)
        records._invalidate_one2many_of(written)
        for group, commands in _shared_x2many(records, x2many):
            for field, value in commands:
                group._write_x2many(field, value)
        for record, values in zip(records, inverses):
            for field, value in values:
                record._write_inverse(field, value)
        if self._parent_store:
            records._update_parent_path()
        computed = records._compute_stored_on_create(written)
        records._recompute(records._modified(written + computed))
        records._validate_constraints({f.name for f in written})
        records.env.policy.created(records, [f.name for f in written])
        return records[0] if single else records

    def _create_delegated_parents(self: BaseModel, vals_list: list[dict[str, Any]]) -> list[dict[str, Any]]:
        for parent_name, link in self._inherits.items():
            parent_fields = self.env[parent_name]._fields
            parent_vals = []
            for vals in vals_list:
                if vals.get(link):
                    parent_vals.append(None)
                    continue
                own = {k: vals.pop(k) for k in list(vals) if k in parent_fields and getattr(self._fields[k], "delegated_to", None) == link}
                parent_vals.append(own)
            todo = [v for v in parent_vals if v is not None]
            if todo:
                created = iter(self.env[parent_name].create(todo)._ids)
                for vals, own in zip(vals_list, parent_vals):
                    if own is not None:
                        vals[link] = next(created)
        return vals_list

    def _check_table_writable(self: BaseModel) -> None:
        """A model read from a SQL view (``_table_query``) has no rows of its own to change."""
        if self._table_query:
            raise ValidationError(f"{self._name} is a SQL view: its records are read-only", code="MODEL_READONLY")

    def _split_create_values(self: BaseModel, vals_list: list[dict[str, Any]]):
        """Column rows (same keys on every row), x2many commands, inverse writes, fields written."""
        self._check_table_writable()
        now, uid = utcnow(), self.env.uid
        log = self._log_access and "create_date" in self._fields
        plan = self._create_plan()
        rows: list[dict[str, Any]] = []
        x2many: list[list[tuple[Field, Any]]] = []
        inverses: list[list[tuple[Field, Any]]] = []
        written: dict[str, Field] = {}
        for index, vals in enumerate(vals_list):
            row: dict[str, Any] = {}
            relational: list[tuple[Field, Any]] = []
            inverse: list[tuple[Field, Any]] = []
            for name, value in vals.items():
                try:
                    kind, field = plan[name]
                except KeyError:
                    error = ValidationError(unknown_field(str(self._name), name, self._fields), code="FIELD_UNKNOWN", field=name)
                    raise _in_row(error, index, len(vals_list)) from None
                if kind is COLUMN:
                    try:
                        row[name] = field.convert_to_column(value, self)
                    except UserError as exc:
                        exc.field = exc.field or name
                        raise _in_row(exc, index, len(vals_list)) from None
                    written[name] = field
                elif kind is RELATION:
                    relational.append((field, value))
                    written[name] = field
                elif kind is INVERSE:
                    inverse.append((field, value))
            if log:
                row.update(create_date=now, write_date=now)
                if "create_uid" in self._fields:
                    row.update(create_uid=uid, write_uid=uid)
            rows.append(row)
            x2many.append(relational)
            inverses.append(inverse)
        keys = list(dict.fromkeys(chain.from_iterable(rows)))
        for row in rows:
            if len(row) != len(keys):
                for key in keys:
                    row.setdefault(key, None)
        self._check_required(rows, keys)
        return rows, x2many, inverses, list(written.values())

    @classmethod
    def _create_plan(cls) -> dict[str, tuple[str, Field]]:
        """Where each field's value goes on create (computed once per composed class): a column, the
        x2many commands, an inverse or related write, or nowhere (id and log fields are the ORM's)."""
        plan = cls.__dict__.get("_create_plan_cache")
        if plan is None:
            plan = {}
            for name, field in cls._fields.items():
                if name == "id" or name in LOG_FIELDS:
                    kind = IGNORED
                elif field.column_name and not (field.compute and not field.inverse) and not field.related:
                    kind = COLUMN
                elif field.store and field.type in ("one2many", "many2many"):
                    kind = RELATION
                elif field.inverse or field.related:
                    kind = INVERSE
                else:
                    kind = IGNORED
                plan[name] = (kind, field)
            cls._create_plan_cache = plan
        return plan

    def _cache_rows(self: BaseModel, ids: Sequence[int], rows: list[dict[str, Any]]) -> None:
        """Put the values just written into the cache, a column at a time."""
        names = list(rows[0])
        values = [(record_id, *map(row.__getitem__, names)) for record_id, row in zip(ids, rows)]
        self._fill_cache([self._fields[name] for name in names], values)

    def _check_required(self: BaseModel, rows: list[dict[str, Any]], keys: list[str]) -> None:
        for field in self._fields.values():
            if not field.required or not field.column_name or field.compute or field.related:
                continue
            empty = next((index for index, row in enumerate(rows) if row.get(field.name) is None), None)
            if empty is not None:
                error = ValidationError(f"{self._description}: {field.string} ({field.name}) is required",
                                        code="FIELD_REQUIRED", field=field.name)
                raise _in_row(error, empty, len(rows))

    def _insert_rows(self: BaseModel, rows: list[dict[str, Any]]) -> list[int]:
        """Insert the rows in batches and return their ids, in order."""
        connection = self.env.connection
        insert = self._insert_batch_sqlite if connection.dialect.name == "sqlite" else self._insert_batch_reserved
        ids: list[int] = []
        for start in range(0, len(rows), WRITE_CHUNK):
            chunk = rows[start:start + WRITE_CHUNK]
            try:
                with connection.begin_nested():
                    ids.extend(insert(chunk))
            except IntegrityError as exc:
                if len(rows) == 1:
                    raise integrity.translate(self, exc, chunk) from None
                # the batch's earlier chunks roll back with it: they are rows, never records to name
                raise integrity.translate(self, exc, rows[:start + len(chunk)], exclude_ids=ids,
                                          batch_from=start) from None
        return ids

    def _insert_batch_reserved(self: BaseModel, rows: list[dict[str, Any]]) -> list[int]:
        """Reserve the ids from the table's sequence, then insert with one executemany (which psycopg
        pipelines): a multi-row ``INSERT ... RETURNING`` with thousands of placeholders costs psycopg
        more to parse than PostgreSQL to run."""
        table = self._sql
        ids = list(self.env.execute(RESERVE_IDS, {"table": table.name, "count": len(rows)}).scalars())
        if ids[0] is None:
            raise ValidationError(f"cannot create {self._name} records: table {table.name} has no id sequence",
                                  code="MODEL_READONLY")
        self.env.execute(table.insert(), [{**row, "id": record_id} for row, record_id in zip(rows, ids)])
        return ids

    def _insert_batch_sqlite(self: BaseModel, rows: list[dict[str, Any]]) -> list[int]:
        """One executemany; SQLite gives the rows of one statement consecutive rowids after the
        largest one (the transaction holds the write lock), so the ids follow from the last one."""
        table = self._sql
        if not rows[0]:
            rows = [{"id": None} for _ in rows]
        self.env.execute(table.insert(), rows)
        last = self.env.execute(sa.text("SELECT last_insert_rowid()")).scalar_one()
        return list(range(last - len(rows) + 1, last + 1))

    # -- write ---------------------------------------------------------------------------

    def write(self: BaseModel, vals: Mapping[str, Any]) -> bool:
        """Set the same values on every record: one UPDATE for all of them."""
        arguments.field_values("write", vals)
        if not self._ids:
            return True
        audit_before = self.env.policy.check_write(self, vals)
        columns: dict[str, Any] = {}
        relational: list[tuple[Field, Any]] = []
        inverse: list[tuple[Field, Any]] = []
        written: list[Field] = []
        for name, value in vals.items():
            field = self._fields.get(name)
            if field is None:
                raise ValidationError(unknown_field(str(self._name), name, self._fields), code="FIELD_UNKNOWN")
            if name == "id" or name in LOG_FIELDS:
                continue
            if field.column_name and not (field.compute and not field.inverse) and not field.related:
                converted = field.convert_to_column(value, self)
                if converted is None and field.required:
                    raise ValidationError(f"{self._description}: {field.string} ({name}) is required", code="FIELD_REQUIRED",
                                          field=name)
                columns[name] = converted
                written.append(field)
            elif field.store and field.type in ("one2many", "many2many"):
                relational.append((field, value))
                written.append(field)
            elif field.inverse or field.related:
                inverse.append((field, value))
        before = self._modified([f for f in written if f.relational])
        if columns or (relational and self._log_access and "write_date" in self._fields):
            self._update_columns(columns)  # a change of relations only still moves write_date (conflict checks)
            self._invalidate_one2many_of(written)
        for field, value in relational:
            self._write_x2many(field, value)
        for field, value in inverse:
            for record in self:
                record._write_inverse(field, value)
        if self._parent_store and self._parent_name in columns:
            self._update_parent_path()
        targets = self._modified(written)
        targets.merge(before)
        self._recompute(targets)
        self._validate_constraints(set(vals))
        self.env.policy.written(self, vals, audit_before)
        return True

    def _update_columns(self: BaseModel, columns: dict[str, Any]) -> None:
        self._check_table_writable()
        table = self._sql
        values = dict(columns)
        if self._log_access and "write_date" in self._fields:
            values["write_date"] = utcnow()
            if "write_uid" in self._fields:
                values["write_uid"] = self.env.uid
        dialect = self.env.connection.dialect.name
        translated = [name for name, value in columns.items() if isinstance(value, translations.OneLanguage)]
        for name in translated:  # the user's language set, the others kept
            values[name] = translations.merge_expression(table.c[name], columns[name], dialect)
        ids = list(dict.fromkeys(self._ids))
        guarded = bool(self._unique) or any(name in _unique_keys(type(self)) or self._fields[name].type == "many2one"
                                            for name in columns)
        connection = self.env.connection
        updated = 0
        for start in range(0, len(ids), WRITE_CHUNK):
            chunk = ids[start:start + WRITE_CHUNK]
            statement = sa.update(table).where(table.c.id.in_(chunk)).values(values)
            try:
                if guarded:
                    with connection.begin_nested():
                        updated += connection.execute(statement).rowcount
                else:
                    updated += connection.execute(statement).rowcount
            except IntegrityError as exc:
                raise integrity.translate(self, exc, [columns], exclude_ids=chunk) from None
        if updated < len(ids):
            missing = sorted(set(ids) - set(self.exists()._ids))
            raise unavailable(self, missing)
        transaction = self.env.transaction
        transaction.invalidate([self._fields[name] for name in translated], ids)
        for name, value in values.items():
            if name in translated:
                continue
            field = self._fields[name]
            cache = transaction.cache_for(field)
            cached = field.convert_to_cache(value)
            for record_id in ids:
                cache[record_id] = cached

    def _invalidate_one2many_of(self: BaseModel, written: list[Field]) -> None:
        """Forget cached one2many values whose inverse many2one was just written."""
        inverse = self.env.registry.inverse_one2many
        stale = [o2m for field in written if field.type == "many2one" for o2m in inverse.get(field, ())]
        if stale:
            self.env.transaction.invalidate(stale)

    def _write_inverse(self: BaseModel, field: Field, value: Any) -> None:
        if field.related:
            names = field.related.split(".")
            target = self
            for name in names[:-1]:
                target = target[name]
            if target:
                target.write({names[-1]: value})
            self.env.transaction.invalidate([field], self._ids)
            return
        cache = self.env.transaction.cache_for(field)
        cache[self._ids[0]] = field.convert_assigned(value, self)
        method = getattr(self, field.inverse) if isinstance(field.inverse, str) else None
        if method is not None:
            method()
        else:
            field.inverse(self)

    # -- unlink ----------------------------------------------------------------------------

    def unlink(self: BaseModel) -> bool:
        """Delete the records, applying each referring many2one's ``ondelete`` first."""
        if not self._ids:
            return True
        self.env.policy.check_unlink(self)
        ids = list(dict.fromkeys(self._ids))
        watched = [f for f in self._fields.values() if f in self.env.registry.triggers]
        before = self._modified(watched) if watched else Targets()
        self._apply_ondelete()
        table = self._sql
        data = self.env.registry.models.get("ir.model.data")
        connection = self.env.connection
        for start in range(0, len(ids), WRITE_CHUNK):
            chunk = ids[start:start + WRITE_CHUNK]
            try:
                with connection.begin_nested():
                    connection.execute(sa.delete(table).where(table.c.id.in_(chunk)))
            except IntegrityError as exc:
                raise integrity.translate(self, exc, []) from None
            if data is not None and self._name != "ir.model.data":
                xml = data._sql
                connection.execute(sa.delete(xml).where(xml.c.model == self._name, xml.c.res_id.in_(chunk)))
        transaction = self.env.transaction
        transaction.invalidate(self._fields.values(), ids)
        transaction.invalidate(self.env.registry.x2many_to.get(self._name, ()))
        transaction.xmlid_cache.clear()
        before.forget(self._name, ids)
        self._recompute(before)
        return True

    # -- copy and name_create ------------------------------------------------------------------

    def copy_data(self: BaseModel, default: Mapping[str, Any] | None = None) -> list[dict[str, Any]]:
        self.ensure_one()
        default = dict(default or {})
        values: dict[str, Any] = {}
        for name, field in self._fields.items():
            if name in default or not field.copy or getattr(field, "magic", False) or name == "id":
                continue
            if not self.env.policy.field_visible(self, field):  # a copy leaves out what its author may not see
                continue
            if field.compute and not field.store or field.related:
                continue
            value = self[name]
            if getattr(field, "translate", False):  # every language, not only the reader's
                value = self.env.transaction.cache_for(field).get(self._ids[0]) or False
            if field.type == "many2many":
                values[name] = [(6, 0, value.ids)]
            elif field.type == "one2many":
                values[name] = [(0, 0, line) for child in value for line in child.copy_data({field.inverse_name: False})]
                for line in values[name]:
                    line[2].pop(field.inverse_name, None)
            elif field.type == "many2one":
                values[name] = value.id or False
            else:
                values[name] = value
        values.update(default)
        return [values]

    def copy(self: BaseModel, default: Mapping[str, Any] | None = None) -> BaseModel:
        """A new record with this one's copyable values, overridden by ``default``."""
        return self.create(self.copy_data(default)[0])

    def name_create(self: BaseModel, name: str) -> tuple[int, str]:
        if not self._rec_name:
            raise ValidationError(f"{self._name} cannot be created from a name alone", code="NAME_CREATE")
        record = self.create({self._rec_name: name})
        return record.id, record.display_name

    # -- constraints and trees -----------------------------------------------------------------

    def _duplicate_error(self, columns: list[str], holder: Any) -> UserError | None:
        """The error for values the unique index on ``columns`` refused because ``holder`` has them;
        ``None`` keeps the ORM's wording.  A model words it as its own rule's check does, naming the
        holder with :func:`.integrity.holder_text` (``holder`` is in the user's environment)."""
        return None

    def _validate_constraints(self: BaseModel, names: set[str]) -> None:
        """Run the constraints on ``names``; an error of a constraint on one field is about that field."""
        for method in self._constraint_methods:
            watched = list(dict.fromkeys(n.split(".")[0] for n in method._constrains))
            if names.intersection(watched):
                try:
                    method(self)
                except UserError as exc:
                    if exc.field is None and len(watched) == 1:
                        exc.field = watched[0]
                    raise

    def _update_parent_path(self: BaseModel) -> None:
        """Recompute ``parent_path`` ("1/4/9/") of these records and their descendants; refuse cycles."""
        table = self._sql
        path = table.c.parent_path
        for record in self.sudo().with_context(active_test=False):
            parent = record[self._parent_name]
            prefix = parent.parent_path if parent else ""
            if prefix and f"/{record.id}/" in f"/{prefix}":
                raise ValidationError(
                    f"{self._description}: {record.display_name!r} cannot be its own ancestor", code="TREE_CYCLE"
                )
            old = self.env.execute(sa.select(path).where(table.c.id == record.id)).scalar() or ""
            new = f"{prefix}{record.id}/"
            self.env.execute(sa.update(table).where(table.c.id == record.id).values(parent_path=new))
            if old and old != new:
                self.env.execute(
                    sa.update(table)
                    .where(path.like(f"{old}%"), table.c.id != record.id)
                    .values(parent_path=sa.literal(new) + sa.func.substr(path, len(old) + 1))
                )
            self.env.transaction.invalidate([self._fields["parent_path"]])


def _in_row(error: UserError, index: int, count: int) -> UserError:
    """``error`` saying which row of a bulk create it is about (its index in the list given)."""
    if count > 1:
        error.args = (f"row {index}: {error.args[0]}", *error.args[1:])
    return error


_UNIQUE_KEYS: weakref.WeakKeyDictionary[type, frozenset[str]] = weakref.WeakKeyDictionary()


def _unique_keys(model: type[BaseModel]) -> frozenset[str]:
    """The fields of a composed model that a unique index covers (``unique``, ``unique_per`` and what it names)."""
    keys = _UNIQUE_KEYS.get(model)
    if keys is None:
        names: set[str] = set()
        for name, field in model._fields.items():
            per: tuple[str, ...] = getattr(field, "unique_per", ())
            if field.unique or per:
                names.update((name, *per))
        keys = _UNIQUE_KEYS[model] = frozenset(names)
    return keys


def _shared_x2many(records: BaseModel, x2many: list[list[tuple[Field, Any]]]) -> list[tuple[BaseModel, list[tuple[Field, Any]]]]:
    """The x2many commands of freshly created records, records given the same link-only commands grouped,
    so that a batch tagging every record alike writes its relation rows once, not once per record."""
    grouped: dict[Any, list[int]] = {}
    commands_of: dict[Any, list[tuple[Field, Any]]] = {}
    singles: list[tuple[BaseModel, list[tuple[Field, Any]]]] = []
    for record_id, commands in zip(records._ids, x2many):
        if not commands:
            continue
        key = _link_only_key(commands)
        if key is None:
            singles.append((records._browse((record_id,)), commands))
            continue
        grouped.setdefault(key, []).append(record_id)
        commands_of[key] = commands
    return singles + [(records._browse(tuple(ids)), commands_of[key]) for key, ids in grouped.items()]


def _link_only_key(commands: list[tuple[Field, Any]]) -> Any:
    """A hashable form of many2many commands that only link ids (4, 6, 3, 5), else ``None``."""
    key = []
    for field, value in commands:
        if field.type != "many2many" or not isinstance(value, (list, tuple)):
            return None
        for command in value:
            if not isinstance(command, (list, tuple)) or not command or command[0] not in (3, 4, 5, 6):
                return None
            if command[0] == 6:
                payload = command[2] if len(command) > 2 else ()
                if not isinstance(payload, (list, tuple)) or not all(isinstance(i, int) for i in payload):
                    return None
                key.append((field.name, 6, tuple(payload)))
            else:
                target = command[1] if len(command) > 1 else 0
                if not isinstance(target, int):
                    return None
                key.append((field.name, command[0], target))
    return tuple(key)
