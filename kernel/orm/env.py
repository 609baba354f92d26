"""Environments and transactions.

A :class:`Transaction` is one database transaction with its record cache;
every :class:`Environment` on it (other user, other context, ``sudo()``)
shares that cache, so a value read once is read once per transaction.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from types import MappingProxyType
from typing import TYPE_CHECKING, Any, Literal, overload

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from ..exceptions import MissingError, ValidationError
from ..hints import close_names, model_hint

if TYPE_CHECKING:
    from .fields import Field
    from .models import BaseModel
    from .policy import AccessPolicy
    from .registry import Registry
    from .services import Services

SUPERUSER_ID = 1


class Transaction:
    """What the environments of one database transaction share: connection, registry, cache."""

    def __init__(self, services: Services, connection: Connection, registry: Registry):
        self.services = services
        self.connection = connection
        self.registry = registry
        self.cache: dict[Field, dict[int, Any]] = {}
        self.computing: dict[Field, set[int]] = {}
        self.new_ids: list[Any] = []  # ids of the records in memory only (kernel.orm.new_records)
        self.xmlid_cache: dict[str, tuple[str, int]] = {}
        self.access_cache: dict[tuple[Any, ...], Any] = {}  # kernel.security's decisions
        self.done_once: set[str] = set()  # work queued at most once per transaction (the event delivery job)
        # who hears env.progress(): a job's row, a command's progress bar; nobody by default
        self.progress_listener: Callable[[float, str], None] | None = None

    def cache_for(self, field: Field) -> dict[int, Any]:
        try:
            return self.cache[field]
        except KeyError:
            values = self.cache[field] = {}
            return values

    def invalidate(self, fields: Iterable[Field] | None = None, ids: Iterable[int] | None = None) -> None:
        """Forget cached values: of ``fields`` (default all), for ``ids`` (default all records)."""
        if fields is None and ids is None:
            self.cache.clear()
            return
        targets = list(self.cache) if fields is None else [f for f in fields if f in self.cache]
        if ids is None:
            for field in targets:
                del self.cache[field]
            return
        ids = list(ids)
        for field in targets:
            values = self.cache[field]
            for record_id in ids:
                values.pop(record_id, None)

    def is_computing(self, field: Field, ids: Iterable[int]) -> bool:
        computing = self.computing.get(field)
        return bool(computing) and all(record_id in computing for record_id in ids)


class Environment:
    """Where addon code runs: a transaction, the acting user, a read-only context.

    ``env["basepartner"]`` is the model as an empty recordset; ``env.ref(xmlid)``
    the record of an external id.
    """

    def __init__(
        self,
        transaction: Transaction,
        uid: int = SUPERUSER_ID,
        context: Mapping[str, Any] | None = None,
        su: bool | None = None,
    ):
        self.transaction = transaction
        self.uid = uid
        self.context: Mapping[str, Any] = MappingProxyType(dict(context or {}))
        self.su = (uid == SUPERUSER_ID) if su is None else su

    def __repr__(self) -> str:
        return f"<Environment uid={self.uid}{' su' if self.su else ''}>"

    @property
    def services(self) -> Services:
        """Translations, hooks and addon files of the kernel that opened this environment."""
        return self.transaction.services

    @property
    def policy(self) -> AccessPolicy:
        """The registry's access policy (see :mod:`kernel.orm.policy`)."""
        return self.transaction.registry.policy

    @property
    def connection(self) -> Connection:
        return self.transaction.connection

    @property
    def registry(self) -> Registry:
        return self.transaction.registry

    def __getitem__(self, model_name: str) -> BaseModel:
        try:
            model = self.transaction.registry.models[model_name]
        except KeyError:
            raise ValidationError(f"unknown model {model_name!r}{model_hint(model_name, self.transaction.registry.models)}",
                                  code="MODEL_UNKNOWN") from None
        return model._browse_env(self, ())

    def __contains__(self, model_name: str) -> bool:
        return model_name in self.transaction.registry

    def execute(self, statement: sa.Executable, parameters: Any = None) -> sa.CursorResult:
        """Run a SQLAlchemy statement in this transaction."""
        return self.transaction.connection.execute(statement, parameters)

    # -- derived environments ------------------------------------------------

    def __call__(
        self, uid: int | None = None, context: Mapping[str, Any] | None = None, su: bool | None = None
    ) -> Environment:
        uid = self.uid if uid is None else uid
        context = self.context if context is None else context
        if su is None:
            su = self.su if uid == self.uid else None
        return Environment(self.transaction, uid, context, su)

    @property
    def user(self) -> BaseModel:
        return self(su=True)["res.users"].browse(self.uid)

    @property
    def company(self) -> BaseModel:
        """The current company: the first of the context's ``allowed_company_ids``, else the user's."""
        return self.policy.current_records(self, "company")

    @property
    def companies(self) -> BaseModel:
        """The companies the environment works in (checked against the user's allowed ones)."""
        return self.policy.allowed_records(self, "company")

    @property
    def branch(self) -> BaseModel:
        return self.policy.current_records(self, "branch")

    @property
    def branches(self) -> BaseModel:
        return self.policy.allowed_records(self, "branch")

    @property
    def lang(self) -> str | None:
        """The language of the context, else the user's."""
        lang = self.context.get("lang")
        if lang is None and "lang" in self.registry["res.users"]._fields:
            lang = self.user.lang or None
        return lang

    def _(self, msgid: str, **params: Any) -> str:
        """``msgid`` in the environment's language, with ``%(name)s`` parameters filled in."""
        text = self.services.translations.gettext(self.lang, msgid)
        return text % params if params else text

    # -- external ids --------------------------------------------------------

    @overload
    def ref(self, xmlid: str, raise_if_not_found: Literal[True] = True) -> BaseModel: ...

    @overload
    def ref(self, xmlid: str, raise_if_not_found: bool) -> BaseModel | None: ...

    def ref(self, xmlid: str, raise_if_not_found: bool = True) -> BaseModel | None:
        """The record of external id ``module.name``; an unknown id raises :class:`MissingError`."""
        found = self.transaction.xmlid_cache.get(xmlid)
        if found is None:
            module, _, name = xmlid.partition(".")
            if not name:
                raise ValidationError(f"external id {xmlid!r} must be 'module.name'", code="XMLID_INVALID")
            data = self.registry["ir.model.data"]
            table = data._sql
            row = self.transaction.connection.execute(
                sa.select(table.c.model, table.c.res_id).where(table.c.module == module, table.c.name == name)
            ).first()
            if row is None:
                if raise_if_not_found:
                    raise MissingError(f"external id {xmlid!r} not found{self.xmlid_hint(xmlid)}", code="XMLID_UNKNOWN")
                return None
            found = self.transaction.xmlid_cache[xmlid] = (row.model, row.res_id)
        model, res_id = found
        record = self[model].browse(res_id)
        if raise_if_not_found and not record.exists():
            raise MissingError(f"external id {xmlid!r} points to a deleted {model} record ({res_id})", code="XMLID_UNKNOWN")
        return record

    def xmlid_hint(self, xmlid: str, model: str | None = None) -> str:
        """``"; did you mean 'base.group_user'?"`` for an external id that does not exist: the close ids of
        its module (of ``model`` only, when given), else of every module."""
        module, _, name = xmlid.partition(".")
        table = self.registry["ir.model.data"]._sql
        query = sa.select(table.c.module, table.c.name)
        if model is not None:
            query = query.where(table.c.model == model)
        known = [f"{row.module}.{row.name}" for row in self.transaction.connection.execute(query)]
        same_module = [full for full in known if full.startswith(f"{module}.")]
        return close_names(xmlid, same_module) or close_names(xmlid, known)

    def enqueue(self, job: Any, *args: Any, key: str | None = None, eta: Any = None) -> BaseModel:
        """Queue a background job (a ``Job`` an addon declares, or its name) with JSON ``args``; returns its
        ``ir.job`` record.  The job runs after this transaction commits (never if it rolls back), in an
        environment with this one's user, company and context.  ``key``: queued once per key.  ``eta``: not
        before this datetime (UTC when naive), timedelta or number of seconds from now."""
        return self["ir.job"].enqueue(job, args, key=key, eta=eta)

    def progress(self, percent: float, message: str = "") -> None:
        """Report how far the work is (0-100) to whoever listens: the running job's ``ir.job`` row, the
        command's progress bar; nobody otherwise."""
        listener = self.transaction.progress_listener
        if listener is not None:
            listener(max(0.0, min(100.0, float(percent))), message)

    def publish(self, name: str, payload: dict[str, Any]) -> None:
        """Publish a business event to every installed addon implementing ``kernel_event``, and write it to
        the event outbox (``event.outbox``) in this transaction: subscribers outside the process get it
        once the transaction commits, and never when it rolls back."""
        self.publish_many(name, [payload])

    def publish_many(self, name: str, payloads: Iterable[dict[str, Any]]) -> None:
        """:meth:`publish` one event per payload, written to the outbox together (a batch costs what one does)."""
        payloads = list(payloads)
        for payload in payloads:
            self.services.plugins.hook.kernel_event(env=self, name=name, payload=payload)
        if payloads and "event.outbox" in self.registry:
            self["event.outbox"].record(name, payloads)
