"""The product's access policy: what the ORM calls at each entry point, one function per operation.

The ORM stays ignorant of groups, rules and companies; the kernel hands this
module to each registry as its policy (:class:`kernel.orm.policy.AccessPolicy`),
the ORM calls these functions and they decide.  For the superuser and ``sudo()`` environments they
return at once (only company consistency and the audit trail still apply), so
the kernel's own work pays nothing for security.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from itertools import islice
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa

from ..orm.policy import unavailable
from . import access, audit, companies, rules
from .access import check_access, has_access
from .companies import allowed_records, current_records

if TYPE_CHECKING:
    from ..orm.fields import Field
    from ..orm.models import BaseModel

PREFETCH_CHECK = 1000
WORD = re.compile(r"\w+")


def _forget_readable(model: BaseModel) -> None:
    """The records of a model changed: which of them users may read must be asked again."""
    model.env.transaction.access_cache.pop(("readable", model._name), None)


# -- reading -------------------------------------------------------------------------------------


def search_where(model: BaseModel, where: sa.ColumnElement[bool] | None) -> sa.ColumnElement[bool] | None:
    """The WHERE clause of a search by the user: read access required, read rules added."""
    if model.env.su:
        return where
    access.check_access(model, "read")
    restriction = rules.rule_where(model, model._sql)
    if restriction is None:
        return where
    return restriction if where is None else sa.and_(where, restriction)


def subquery_where(model: BaseModel, table: sa.FromClause) -> sa.ColumnElement[bool] | None:
    """The rules limiting a domain's sub-query into ``model`` (a dotted path, ``any``, a name)."""
    if model.env.su:
        return None
    access.check_access(model, "read")
    return rules.rule_where(model, table)


def check_search_field(model: BaseModel, field: Field) -> None:
    """A domain or an order may only name fields the user may read."""
    if not model.env.su and field.groups:
        access.check_fields(model, [field.name])


def field_visible(model: BaseModel, field: Field) -> bool:
    """Whether ``read()`` without field names and ``fields_get`` show the field to the user."""
    return access.field_allowed(model, field)


def check_read(records: BaseModel) -> None:
    """``read()``, and a public method called by a client: read access, and every record existing and
    within the read rules (a hidden id gets the error of a missing one)."""
    if records.env.su:
        return
    access.check_access(records, "read")
    ids = list(dict.fromkeys(records._ids))
    if not rules.restricted(records, "read"):
        return
    readable = rules.allowed_among(records, ids, "read")  # existing and within the rules
    if len(readable) != len(ids):
        raise unavailable(records, [i for i in ids if i not in readable])


def check_callable(records: BaseModel) -> None:
    """Before a client calls a public method on records: the user must be able to read every one of them
    (the method may run as superuser inside); a hidden id gets the error of a missing one."""
    check_read(records)
    present = set(records.exists()._ids)
    absent = [i for i in dict.fromkeys(records._ids) if i not in present]
    if absent:
        raise unavailable(records, absent)


def within_read_rules(records: BaseModel) -> set[int]:
    """Which ids of the records the user's read rules let through (all of them for the superuser and
    for models without rules, missing ids included)."""
    ids = set(records._ids)
    if records.env.su or not ids:
        return ids
    return rules.allowed_among(records, list(ids), "read")

def check_field_read(record: BaseModel, field: Field) -> None:
    """``record.field`` by a user: read access, field groups, and the record within the read rules.

    Which records pass the rules is remembered for the transaction and learnt
    for the whole prefetch set at once, so reading a list costs one query.
    """
    env = record.env
    cache = env.transaction.access_cache
    readable = cache.get(("readable", record._name))
    key = rules.scope_key(env)
    allowed = readable.get(key) if readable is not None else None
    if allowed is None:
        access.check_access(record, "read")
        allowed = True if not rules.restricted(record, "read") else set()
        cache.setdefault(("readable", record._name), {})[key] = allowed
    if field.groups and not access.field_allowed(record, field):
        access.check_fields(record, [field.name])
    if allowed is True:
        return
    record_id = record._ids[0]
    if type(record_id) is not int:  # a record in memory only: its origin was read under the rules
        return
    if record_id in allowed:
        return
    others = (i for i in record._prefetch_ids if i != record_id and i not in allowed)
    ids = [record_id, *islice(others, PREFETCH_CHECK - 1)]
    allowed.update(rules.allowed_among(record, ids, "read"))
    if record_id not in allowed:
        raise unavailable(record, [record_id])


def check_field_names(model: BaseModel, specs: Iterable[str]) -> None:
    """Fields named by ``read`` or by ``read_group``'s aggregates, groupings and order must be readable."""
    if not model.env.su:
        access.check_access(model, "read")
        access.check_fields(model, [word for spec in specs for word in WORD.findall(spec or "") if word in model._fields])


# -- writing -----------------------------------------------------------------------------------


def check_create(model: BaseModel, vals_list: Sequence[Mapping[str, Any]]) -> None:
    """Before ``create``: create access, and only fields the user may see in the values."""
    if model.env.su:
        return
    access.check_access(model, "create")
    access.check_fields(model, {name for vals in vals_list for name in vals}, "write")
    for vals in vals_list:
        companies.check_allowed_values(model, vals)


def created(records: BaseModel, names: Iterable[str]) -> None:
    """After ``create``: the new records within the create rules, companies consistent, audit trail."""
    names = list(names)
    _forget_readable(records)
    if not records.env.su:
        allowed = rules.allowed_among(records, records._ids, "create")
        if any(record_id not in allowed for record_id in records._ids):
            raise rules.refuse(records, "create")
    if companies.company_checked_fields(records, names):
        companies.check_company(records, names)
    if audit.audited(records):
        audit.log_create(records, names)


def check_write(records: BaseModel, vals: Mapping[str, Any]) -> audit.Snapshot | None:
    """Before ``write``: write access, visible fields, records within the write rules; returns the
    values the audit trail compares with afterwards."""
    if not records.env.su:
        access.check_access(records, "write")
        access.check_fields(records, vals, "write")
        rules.check_records(records, "write")
        companies.check_allowed_values(records, vals)
    if audit.audited(records):
        return audit.snapshot(records, audit.audited_fields(records, vals))
    return None


def written(records: BaseModel, vals: Mapping[str, Any], before: audit.Snapshot | None) -> None:
    """After ``write``: companies consistent, audit trail."""
    _forget_readable(records)
    if companies.company_checked_fields(records, vals):
        companies.check_company(records, vals)
    if before is not None:
        audit.log_write(records, vals, before)


def check_unlink(records: BaseModel) -> None:
    """Before ``unlink``: delete access, records within the unlink rules, audit trail."""
    if not records.env.su:
        access.check_access(records, "unlink")
        rules.check_records(records, "unlink")
    _forget_readable(records)
    if audit.audited(records):
        audit.log_unlink(records)
