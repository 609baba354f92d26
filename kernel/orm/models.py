"""Recordsets: the model classes addons define, and what every record can do.

A recordset is an instance of a composed model class holding an
environment, a tuple of ids and the ids to prefetch with.  Reading a field on
one record fetches that field (and the model's other prefetchable columns) for
all the records it was prefetched with, in one query.  Writing, searching and
reading in bulk live in :mod:`.write` and :mod:`.query`.
"""

from __future__ import annotations

import difflib
from collections.abc import Callable, Iterable, Iterator, Mapping
from typing import TYPE_CHECKING, Any, ClassVar

import sqlalchemy as sa

from ..exceptions import ModelDefinitionError, ValidationError
from . import api
from . import fields as F
from .new_records import NewRecordsMixin
from .newid import NewId
from .onchange import OnchangeMixin
from .policy import OPERATIONS, unavailable
from .query import QueryMixin
from .write import WriteMixin

if TYPE_CHECKING:
    from .env import Environment
    from .registry import Registry

PREFETCH_MAX = 1000


class BaseModel(QueryMixin, WriteMixin, NewRecordsMixin, OnchangeMixin):
    """What every model shares; addons subclass :class:`Model` or :class:`AbstractModel`."""

    _name: ClassVar[str | None] = None
    _inherit: ClassVar[str | list[str] | tuple[str, ...]] = ()
    _inherits: ClassVar[Mapping[str, str]] = {}
    _description: ClassVar[str | None] = None
    _order: ClassVar[str] = "id"
    _rec_name: ClassVar[str | None] = None
    # whether a client may offer to create a record from just its name (an autocompletion's "Create ...")
    _quick_create: ClassVar[bool] = True
    _table: ClassVar[str | None] = None
    _table_query: ClassVar[str | None] = None
    _parent_store: ClassVar[bool] = False
    _parent_name: ClassVar[str] = "parent_id"
    _auto: ClassVar[bool] = True
    _abstract: ClassVar[bool] = True
    _log_access: ClassVar[bool] = True
    _unique: ClassVar[tuple[tuple[str, ...], ...]] = ()
    _active_rule: ClassVar[bool | None] = None
    _company_rule: ClassVar[bool] = True  # False: no company rule although the model has a company_id
    # True on a wizard's model (:class:`TransientModel`): its records belong to their creator and are vacuumed
    _transient: ClassVar[bool] = False
    _duplicate_code: ClassVar[str] = "DUPLICATE_VALUE"
    # True on a mixin that logs field changes (the mail addon's ``mail.thread``): fields of the models
    # inheriting it may say ``tracking=True``; on any other model the argument is refused
    _supports_tracking: ClassVar[bool] = False
    # record methods the REST API offers as ``POST /api/v1/<model>/<id>/<method>`` (name -> summary); each
    # takes no argument and returns JSON-serialisable values (a state change's ``{"state", "warnings"}``)
    _api_actions: ClassVar[Mapping[str, str]] = {}

    # set on composed classes by the registry
    _fields: ClassVar[dict[str, F.Field]] = {}
    _addon: ClassVar[str | None] = None
    _layers: ClassVar[tuple[str, ...]] = ()
    _sql: ClassVar[sa.Table]
    _constraint_methods: ClassVar[tuple[Callable, ...]] = ()
    _onchange_methods: ClassVar[dict[str, tuple[Callable, ...]]] = {}

    env: Environment
    _ids: tuple[int, ...]
    _prefetch_ids: Iterable[int]

    if TYPE_CHECKING:
        # The typing story of records: fields are descriptors the registry adds to composed
        # classes, so a type checker sees them as ``Any`` (``record.name``, ``record.partner_id.id``)
        # unless a definition annotates them; methods and ORM attributes keep their real types.
        id: int

        def __getattr__(self, name: str) -> Any: ...

    # -- construction ----------------------------------------------------------

    @classmethod
    def _browse_env(cls, env: Environment, ids: tuple[int, ...], prefetch: Iterable[int] | None = None) -> Any:
        record = object.__new__(cls)
        record.env = env
        record._ids = ids
        record._prefetch_ids = ids if prefetch is None else prefetch
        return record

    def _browse(self, ids: tuple[int, ...], prefetch: Iterable[int] | None = None) -> Any:
        return self._browse_env(self.env, ids, prefetch)

    def browse(self, ids: int | Iterable[int] | None = ()) -> Any:
        """The records of these ids (not checked to exist; see :meth:`exists`)."""
        if ids is None or ids is False:
            ids = ()
        elif isinstance(ids, int):
            ids = (ids,)
        else:
            ids = tuple(ids)
        for record_id in ids:
            if (isinstance(record_id, bool) or not isinstance(record_id, int)) and type(record_id) is not NewId:
                raise ValidationError(f"{self._name}: record ids are integers, got {record_id!r}")
        return self._browse(ids)

    # -- recordset protocol ------------------------------------------------------

    @property
    def ids(self) -> list[int]:
        return list(self._ids)

    def __len__(self) -> int:
        return len(self._ids)

    def __bool__(self) -> bool:
        return bool(self._ids)

    def __iter__(self) -> Iterator[Any]:
        prefetch = self._prefetch_ids
        env, cls = self.env, type(self)
        for record_id in self._ids:
            record = object.__new__(cls)
            record.env = env
            record._ids = (record_id,)
            record._prefetch_ids = prefetch
            yield record

    def __getitem__(self, key: int | slice | str) -> Any:
        if isinstance(key, str):
            if key not in self._fields:
                raise KeyError(f"{self._name} has no field {key!r}")
            return getattr(self, key)
        if isinstance(key, slice):
            return self._browse(self._ids[key], self._prefetch_ids)
        return self._browse((self._ids[key],), self._prefetch_ids)

    def __contains__(self, item: Any) -> bool:
        if isinstance(item, BaseModel) and item._name == self._name:
            return len(item._ids) == 1 and item._ids[0] in self._ids
        raise TypeError(f"cannot test whether {item!r} is in a {self._name} recordset")

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, BaseModel):
            return NotImplemented
        return self._name == other._name and set(self._ids) == set(other._ids)

    def __hash__(self) -> int:
        return hash((self._name, frozenset(self._ids)))

    def _check_same_model(self, other: Any) -> None:
        if not isinstance(other, BaseModel) or other._name != self._name:
            raise TypeError(f"cannot combine {self._name} records with {other!r}")

    def __or__(self, other: Any) -> Any:
        self._check_same_model(other)
        return self._browse(tuple(dict.fromkeys(self._ids + other._ids)))

    def __and__(self, other: Any) -> Any:
        self._check_same_model(other)
        keep = set(other._ids)
        return self._browse(tuple(i for i in dict.fromkeys(self._ids) if i in keep))

    def __sub__(self, other: Any) -> Any:
        self._check_same_model(other)
        drop = set(other._ids)
        return self._browse(tuple(i for i in self._ids if i not in drop))

    def __add__(self, other: Any) -> Any:
        self._check_same_model(other)
        return self._browse(self._ids + other._ids)

    def __repr__(self) -> str:
        return f"{self._name}{self._ids}"

    def ensure_one(self) -> Any:
        if len(self._ids) != 1:
            raise ValueError(f"expected a single record of {self._name}, got {len(self._ids)}: {self}")
        return self

    @api.model
    def check_access_rights(self, operation: str, raise_exception: bool = True) -> bool:
        """Whether the user may ``operation`` (read, write, create, unlink) records of this model, as Odoo's
        clients ask it; raises :class:`AccessError` instead of answering ``False`` unless told not to."""
        if operation not in OPERATIONS:
            raise ValidationError(f"unknown operation {operation!r}: use one of {', '.join(OPERATIONS)}")
        if raise_exception:
            self.env.policy.check_access(self, operation)
            return True
        return self.env.policy.has_access(self, operation)

    def exists(self) -> Any:
        """The records of this set that are still in the database; for a user, only those within their
        read rules (a hidden record looks missing)."""
        if not self._ids:
            return self
        table = self._sql
        found: set[int] = set()
        ids = list(dict.fromkeys(self._ids))
        for start in range(0, len(ids), PREFETCH_MAX):
            chunk = ids[start:start + PREFETCH_MAX]
            found.update(self.env.execute(sa.select(table.c.id).where(table.c.id.in_(chunk))).scalars())
        if not self.env.su and found:
            found &= self.env.policy.within_read_rules(self._browse(tuple(found)))
        return self._browse(tuple(i for i in self._ids if i in found), self._prefetch_ids)

    def mapped(self, path: str | Callable[[Any], Any]) -> Any:
        """Follow a dotted field path (a recordset for relational ends, else a list), or map a function."""
        if callable(path):
            values = [path(record) for record in self]
            if values and all(isinstance(v, BaseModel) for v in values):
                result = values[0].browse(())
                for value in values:
                    result = result | value
                return result
            return values
        records: Any = self
        for name in path.split("."):
            field = records._fields.get(name)
            if field is None:
                raise ValidationError(f"{records._name} has no field {name!r}")
            if field.relational:
                ids: dict[int, None] = {}
                for record in records:
                    ids.update(dict.fromkeys(record[name]._ids))
                records = records.env[field.comodel_name]._browse(tuple(ids))
            else:
                return [record[name] for record in records]
        return records

    def filtered(self, predicate: str | Callable[[Any], Any]) -> Any:
        """The records for which the function (or the dotted field path) is truthy."""
        if isinstance(predicate, str):
            path = predicate
            predicate = lambda record: any(record.mapped(path))  # noqa: E731
        return self._browse(tuple(r._ids[0] for r in self if predicate(r)), self._prefetch_ids)

    def sorted(self, key: str | Callable[[Any], Any] | None = None, reverse: bool = False) -> Any:
        """Sorted by a function, a field name, or (no key) the model's ``_order``."""
        if key is None:
            ordered = self.search([("id", "in", list(self._ids))], order=self._order).with_env(self.env)
            result = ordered._ids[::-1] if reverse else ordered._ids
            return self._browse(result, self._prefetch_ids)
        if isinstance(key, str):
            name = key
            key = lambda record: record[name]  # noqa: E731
        records = sorted(self, key=key, reverse=reverse)
        return self._browse(tuple(r._ids[0] for r in records), self._prefetch_ids)

    # -- environments ------------------------------------------------------------

    def with_env(self, env: Environment) -> Any:
        return self._browse_env(env, self._ids, self._prefetch_ids)

    def sudo(self, flag: bool = True) -> Any:
        return self.with_env(self.env(su=flag))

    def with_context(self, *args: Mapping[str, Any], **overrides: Any) -> Any:
        """``with_context(key=value)`` adds to the context; ``with_context(ctx)`` replaces it."""
        context = dict(args[0]) if args else dict(self.env.context)
        context.update(overrides)
        return self.with_env(self.env(context=context))

    def with_user(self, user: int | BaseModel) -> Any:
        uid = user.id if isinstance(user, BaseModel) else user
        return self.with_env(self.env(uid=uid, su=False))

    # -- reading one field for the prefetch set ---------------------------------------

    def _fetch(self, field: F.Field) -> None:
        """Load ``field`` for this record and the records prefetched with it."""
        if type(self._ids[0]) is NewId:
            self._fetch_new(field)
            return
        if not field.store:
            self._compute_into_cache(field)
            return
        ids = self._ids_to_fetch(field)
        if field.column_stored:
            self._fetch_columns(field, ids)
        elif field.type == "one2many":
            self._fetch_one2many(field, ids)
        else:
            self._fetch_many2many(field, ids)
        if self._ids[0] not in self.env.transaction.cache_for(field):
            raise unavailable(self, self._ids[:1])

    def _ids_to_fetch(self, field: F.Field) -> list[int]:
        cached = self.env.transaction.cache_for(field)
        own = self._ids[0]
        ids = [own]
        seen = {own}
        for record_id in self._prefetch_ids:
            if record_id not in seen and record_id not in cached and type(record_id) is int:
                seen.add(record_id)
                ids.append(record_id)
                if len(ids) >= PREFETCH_MAX:
                    break
        return ids

    def _prefetch_fields(self, field: F.Field) -> list[F.Field]:
        if not field.prefetch:
            return [field]
        return [f for f in self._fields.values() if f.prefetch and f.column_name and f.name != "id"]

    def _fetch_columns(self, field: F.Field, ids: list[int]) -> None:
        transaction = self.env.transaction
        fetched = self._prefetch_fields(field)
        table = self._sql
        query = sa.select(table.c.id, *(table.c[f.column_name] for f in fetched)).where(table.c.id.in_(ids))
        caches = [(transaction.cache_for(f), f.convert_to_cache) for f in fetched]
        for row in self.env.execute(query):
            record_id = row[0]
            for index, (cache, convert) in enumerate(caches, start=1):
                if record_id not in cache:
                    cache[record_id] = convert(row[index])

    def _fetch_one2many(self, field: F.Field, ids: list[int]) -> None:
        comodel = self.env[field.comodel_name].with_context(active_test=self.env.context.get("active_test", True))
        inverse = field.inverse_name
        children = comodel.sudo().search([(inverse, "in", ids)] + list(field.domain or []))
        grouped: dict[int, list[int]] = {record_id: [] for record_id in ids}
        inverse_cache = self.env.transaction.cache_for(comodel._fields[inverse])
        missing = [child for child in children._ids if child not in inverse_cache]
        if missing:
            children._browse(tuple(missing))._fetch_columns(comodel._fields[inverse], missing)
        for child in children._ids:
            grouped[inverse_cache[child]].append(child)
        cache = self.env.transaction.cache_for(field)
        for record_id, values in grouped.items():
            cache[record_id] = tuple(values)

    def _fetch_many2many(self, field: F.Field, ids: list[int]) -> None:
        comodel = self.env[field.comodel_name]
        relation = self.env.registry.metadata.tables[field.relation]
        column1, column2 = relation.c[field.column1], relation.c[field.column2]
        target = comodel._sql
        query = (
            sa.select(column1, column2)
            .join(target, target.c.id == column2)
            .where(column1.in_(ids))
            .order_by(*comodel._order_by_clauses(comodel._order, target))
        )
        if "active" in comodel._fields and self.env.context.get("active_test", True):
            query = query.where(target.c.active.is_(True))
        grouped: dict[int, list[int]] = {record_id: [] for record_id in ids}
        for left, right in self.env.execute(query):
            grouped[left].append(right)
        cache = self.env.transaction.cache_for(field)
        for record_id, values in grouped.items():
            cache[record_id] = tuple(values)

    # -- composition hooks called by the registry ------------------------------------

    @classmethod
    def _add_magic_fields(cls, registry: Registry) -> None:
        """Add ``id``, ``display_name``, log-access fields, parent_path and delegated fields."""
        if cls._abstract:
            return
        if cls._transient and not (cls._log_access and cls._auto):
            raise ModelDefinitionError(f"addon {cls._addon!r}, model {cls._name!r}: a transient model keeps "
                                       "create_uid and create_date (its owner and age): do not turn _log_access off")
        magic: dict[str, F.Field] = {"id": F.Id()}
        magic["display_name"] = F.Char("Display Name", compute="_compute_display_name", store=False)
        if cls._log_access and cls._auto:
            magic["create_date"] = F.Datetime("Created on", readonly=True, copy=False)
            magic["write_date"] = F.Datetime("Last Updated on", readonly=True, copy=False)
            if "res.users" in registry:
                magic["create_uid"] = F.Many2one("res.users", "Created by", readonly=True, copy=False, ondelete="set null")
                magic["write_uid"] = F.Many2one("res.users", "Last Updated by", readonly=True, copy=False, ondelete="set null")
        if cls._parent_store and "parent_path" not in cls._fields:
            magic["parent_path"] = F.Char("Parent Path", index=True, readonly=True, copy=False)
        for name, field in magic.items():
            if name in cls._fields:
                continue
            bound = field.bind(cls._name, name, cls._addon)
            bound.magic = True
            cls._fields[name] = bound
            setattr(cls, name, bound)
        cls._add_delegated_fields(registry)

    @classmethod
    def _add_delegated_fields(cls, registry: Registry) -> None:
        for parent_name, link in cls._inherits.items():
            link_field = cls._fields.get(link)
            if link_field is None or link_field.type != "many2one" or link_field.comodel_name != parent_name:
                raise ModelDefinitionError(
                    f"addon {cls._addon!r}, model {cls._name!r}: _inherits needs a many2one {link!r} to {parent_name!r}"
                )
            for name, parent_field in registry[parent_name]._fields.items():
                if name in cls._fields or getattr(parent_field, "magic", False):
                    continue
                related = type(parent_field)(related=f"{link}.{name}", **{
                    k: v for k, v in parent_field.args.items() if k in ("string", "help", "comodel_name", "selection", "size", "digits", "required")
                })
                bound = related.bind(cls._name, name, cls._addon)
                bound.delegated_to = link
                bound.readonly = False
                bound.required = False
                cls._fields[name] = bound
                setattr(cls, name, bound)

    @classmethod
    def _setup_complete(cls, registry: Registry) -> None:
        if cls._rec_name is None and "name" in cls._fields:
            cls._rec_name = "name"
        if cls._rec_name is not None and cls._rec_name not in cls._fields:
            raise ModelDefinitionError(f"addon {cls._addon!r}, model {cls._name!r}: _rec_name {cls._rec_name!r} is no field")
        for names in cls._unique:
            unknown = [n for n in names if n not in cls._fields or not cls._fields[n].column_name]
            if unknown:
                raise ModelDefinitionError(f"addon {cls._addon!r}, model {cls._name!r}: _unique names unknown field {unknown[0]!r}")
        if cls._parent_store and cls._parent_name not in cls._fields:
            raise ModelDefinitionError(f"addon {cls._addon!r}, model {cls._name!r}: _parent_store needs a field {cls._parent_name!r}")
        constraints = []
        for attr in dir(cls):
            method = getattr(cls, attr, None)
            names = getattr(method, "_constrains", None)
            if names:
                for name in names:
                    if name.split(".")[0] not in cls._fields:
                        raise ModelDefinitionError(
                            f"addon {cls._addon!r}, model {cls._name!r}, field {name!r}: "
                            f"@constrains of {attr} names an unknown field{_close_hint(name.split('.')[0], cls._fields)}"
                        )
                constraints.append(method)
        cls._constraint_methods = tuple(constraints)
        cls._onchange_methods = cls._collect_onchange_methods()

    @classmethod
    def _collect_onchange_methods(cls) -> dict[str, tuple[Callable, ...]]:
        """``{field: (method, ...)}`` from ``@api.onchange``; a name that is no field is refused."""
        methods: dict[str, list[Callable]] = {}
        for attr in dir(cls):
            method = getattr(cls, attr, None)
            for name in getattr(method, "_onchange", ()) if callable(method) else ():
                if name not in cls._fields:
                    raise ModelDefinitionError(
                        f"addon {cls._addon!r}, model {cls._name!r}, field {name!r}: "
                        f"@onchange of {attr} names an unknown field{_close_hint(name, cls._fields)}"
                    )
                methods.setdefault(name, []).append(method)
        return {name: tuple(found) for name, found in methods.items()}

    def _compute_display_name(self) -> None:
        rec_name = self._rec_name
        for record in self:
            value = record[rec_name] if rec_name else None
            record.display_name = str(value) if value not in (None, False, "") else f"{self._description},{record.id}"


def _close_hint(name: str, known: Iterable[str]) -> str:
    close = difflib.get_close_matches(name, list(known), n=1)
    return f"; did you mean {close[0]!r}?" if close else ""


class Model(BaseModel):
    """A model with a table: subclass it with ``_name`` to define one or ``_inherit`` to extend one."""

    _abstract = False


class TransientModel(Model):
    """A wizard's model: each record is its creator's only (a record rule every user is under) and is
    deleted by the vacuum once older than ``[transient] max_age_hours`` (see :mod:`kernel.models.transient`)."""

    _transient = True


class AbstractModel(BaseModel):
    """A mixin without a table, meant to be inherited (``_inherit = ["my.mixin"]``)."""

    _abstract = True
