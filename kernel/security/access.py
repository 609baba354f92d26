"""Who may do what to which model: effective groups, model access (``ir.model.access``), field groups.

Every answer is computed once per transaction and kept in the transaction's
``access_cache``; models whose rows define security (groups, users, access
rows, record rules) clear that cache when they change.  Everything here reads
with plain SQL: checking access must never itself be access-checked.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa

from ..exceptions import AccessError
from ..orm.policy import OPERATIONS

if TYPE_CHECKING:
    from ..orm.env import Environment
    from ..orm.fields import Field
    from ..orm.models import BaseModel

VERBS = {"read": "read", "write": "modify", "create": "create", "unlink": "delete"}


def cached(env: Environment, key: tuple[Any, ...], compute: Any) -> Any:
    """The transaction's cached value for ``key``, computed by ``compute()`` the first time."""
    cache = env.transaction.access_cache
    try:
        return cache[key]
    except KeyError:
        value = cache[key] = compute()
        return value


def clear_cache(env: Environment) -> None:
    """Forget every access decision of this transaction (security data changed)."""
    env.transaction.access_cache.clear()


# -- groups ------------------------------------------------------------------------------


def user_groups(env: Environment, uid: int | None = None) -> frozenset[int]:
    """The ids of the groups of a user, with every group they imply (transitively)."""
    uid = env.uid if uid is None else uid
    return cached(env, ("groups", uid), lambda: _effective_groups(env, uid))


def _effective_groups(env: Environment, uid: int) -> frozenset[int]:
    registry = env.registry
    membership = registry.metadata.tables[registry["res.users"]._fields["group_ids"].relation]
    users = registry["res.users"]._fields["group_ids"]
    direct = set(env.execute(sa.select(membership.c[users.column2]).where(membership.c[users.column1] == uid)).scalars())
    implied_field = registry["res.groups"]._fields["implied_ids"]
    implied = registry.metadata.tables[implied_field.relation]
    edges: dict[int, list[int]] = {}
    for group, implies in env.execute(sa.select(implied.c[implied_field.column1], implied.c[implied_field.column2])):
        edges.setdefault(group, []).append(implies)
    result, todo = set(direct), list(direct)
    while todo:
        for implies in edges.get(todo.pop(), ()):
            if implies not in result:
                result.add(implies)
                todo.append(implies)
    return frozenset(result)


def group_id(env: Environment, xmlid: str) -> int | None:
    """The id of the group of external id ``xmlid``, or None when no such group exists."""
    def find() -> int | None:
        module, _, name = xmlid.partition(".")
        data = env.registry["ir.model.data"]._sql
        return env.execute(
            sa.select(data.c.res_id).where(data.c.module == module, data.c.name == name, data.c.model == "res.groups")
        ).scalar()

    return cached(env, ("group", xmlid), find)


def in_groups(env: Environment, spec: str, uid: int | None = None) -> bool:
    """Whether the user belongs to one of the comma-separated groups of ``spec``
    (``"base.group_system,sales.group_manager"``) and to none of its ``!``-prefixed ones."""
    groups = user_groups(env, uid)
    wanted = [part.strip() for part in spec.split(",") if part.strip()]
    positive = [g for g in wanted if not g.startswith("!")]
    if any(group_id(env, g[1:]) in groups for g in wanted if g.startswith("!")):
        return False
    return not positive or any(group_id(env, g) in groups for g in positive)


# -- model access ----------------------------------------------------------------------------


def allowed_operations(env: Environment, model_name: str) -> frozenset[str]:
    """The operations the environment's user may perform on ``model_name`` per ``ir.model.access``."""
    return cached(env, ("acl", env.uid, model_name), lambda: _allowed_operations(env, model_name))


def _allowed_operations(env: Environment, model_name: str) -> frozenset[str]:
    registry = env.registry
    access, models = registry["ir.model.access"]._sql, registry["ir.model"]._sql
    query = (
        sa.select(access.c.group_id, *(access.c[f"perm_{op}"] for op in OPERATIONS))
        .join(models, models.c.id == access.c.model_id)
        .where(models.c.model == model_name, access.c.active.is_(True))
    )
    groups = user_groups(env)
    allowed: set[str] = set()
    for row in env.execute(query):
        if row.group_id is None or row.group_id in groups:
            allowed.update(op for op in OPERATIONS if getattr(row, f"perm_{op}"))
    return frozenset(allowed)


def check_access(model: BaseModel, operation: str) -> None:
    """Raise :class:`AccessError` unless the user may ``operation`` records of ``model``.

    The superuser and ``sudo()`` environments may do anything; a model without
    any access row is reachable by them only.
    """
    env = model.env
    if env.su:
        return
    if operation not in allowed_operations(env, model._name):
        raise AccessError(
            f"You are not allowed to {VERBS[operation]} {model._description} ({model._name}) records.",
            code="ACCESS_MODEL",
        )


def has_access(model: BaseModel, operation: str) -> bool:
    return model.env.su or operation in allowed_operations(model.env, model._name)


# -- field groups --------------------------------------------------------------------------------


def field_allowed(model: BaseModel, field: Field) -> bool:
    """Whether the user may see ``field`` (its ``groups``, if any, include them)."""
    env = model.env
    if env.su or not field.groups:
        return True
    return cached(env, ("field", env.uid, field.groups), lambda: in_groups(env, field.groups))


def check_fields(model: BaseModel, names: Iterable[str], operation: str = "read") -> None:
    """Raise :class:`AccessError` if one of the fields is restricted to groups the user is not in."""
    if model.env.su:
        return
    for name in names:
        field = model._fields.get(name)
        if field is not None and not field_allowed(model, field):
            raise AccessError(
                f"You are not allowed to {VERBS[operation]} the field {name!r} of {model._description} "
                f"({model._name}) records.",
                code="ACCESS_FIELD",
            )
