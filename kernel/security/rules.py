"""Record rules: which records of a model a user may read, write, create or delete.

A rule (``ir.rule``) holds a domain, evaluated with the safe evaluator against
``user`` (the user's record: ``user.id``, ``user.company_id.id``), ``company_ids``,
``company_id``, ``branch_ids``, ``branch_id`` and ``time``.  For one model and
operation, the rules without groups (global) are AND-ed; the rules of the
user's groups are OR-ed, and that is AND-ed with the global ones; the
company/branch auto-rules count as global.  Rules of groups the user is not
in are ignored.  A transient model's records (wizards) are their creator's only:
a global ``create_uid = user`` applies to them.  Domains are evaluated as the superuser: a rule may name
fields and models the user cannot read.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa

from ..exceptions import AccessError
from ..orm import domain as orm_domain
from ..orm.policy import unavailable
from .access import VERBS, cached, user_groups
from .companies import auto_rule_domains

if TYPE_CHECKING:
    from ..orm.env import Environment
    from ..orm.models import BaseModel

CHUNK = 1000


def scope_key(env: Environment) -> tuple[Any, ...]:
    """What the rules of an environment depend on: its user and its choice of companies and branches."""
    context = env.context
    return env.uid, tuple(context.get("allowed_company_ids") or ()), tuple(context.get("allowed_branch_ids") or ())


def _rule_rows(env: Environment, model_name: str, operation: str) -> list[tuple[int, str, frozenset[int]]]:
    """The active rules of a model for an operation: (id, domain text, group ids)."""
    def read() -> list[tuple[int, str, frozenset[int]]]:
        registry = env.registry
        rules, models = registry["ir.rule"]._sql, registry["ir.model"]._sql
        query = (
            sa.select(rules.c.id, rules.c.domain_force)
            .join(models, models.c.id == rules.c.model_id)
            .where(models.c.model == model_name, rules.c.active.is_(True), rules.c[f"perm_{operation}"].is_(True))
            .order_by(rules.c.id)
        )
        rows = env.execute(query).all()
        if not rows:
            return []
        groups_field = registry["ir.rule"]._fields["group_ids"]
        relation = registry.metadata.tables[groups_field.relation]
        groups: dict[int, set[int]] = {}
        link = sa.select(relation.c[groups_field.column1], relation.c[groups_field.column2]).where(
            relation.c[groups_field.column1].in_([row.id for row in rows]))
        for rule_id, group in env.execute(link):
            groups.setdefault(rule_id, set()).add(group)
        return [(row.id, row.domain_force or "[]", frozenset(groups.get(row.id, ()))) for row in rows]

    return cached(env, ("rules", model_name, operation), read)


def combine(operator: str, domains: Sequence[list[Any]]) -> list[Any]:
    """Normalized domains joined with ``&`` or ``|``."""
    return [operator] * (len(domains) - 1) + [item for domain in domains for item in domain]


def rule_domain(model: BaseModel, operation: str) -> list[Any] | None:
    """The domain the user's records of ``model`` must match for ``operation``; None when unrestricted."""
    env = model.env
    if env.su:
        return None
    return cached(env, ("rule_domain", model._name, operation, scope_key(env)), lambda: _rule_domain(model, operation))


def _rule_domain(model: BaseModel, operation: str) -> list[Any] | None:
    env = model.env
    rows = _rule_rows(env, model._name, operation)
    global_domains = [orm_domain.normalize(d) for d in auto_rule_domains(model)]
    if type(model)._transient:  # a wizard's records are its creator's only
        global_domains.append([("create_uid", "=", env.uid)])
    group_domains: list[list[Any]] = []
    if rows:
        from .rule_context import eval_context, evaluate  # reads data expressions: imported when first needed

        names = eval_context(env)
        mine = user_groups(env)
        for rule_id, text, groups in rows:
            if not groups:
                global_domains.append(evaluate(model._name, rule_id, text, names))
            elif groups & mine:
                group_domains.append(evaluate(model._name, rule_id, text, names))
    if group_domains:
        global_domains.append(combine("|", group_domains))
    return combine("&", global_domains) if global_domains else None


def rule_where(model: BaseModel, table: sa.FromClause, operation: str = "read") -> sa.ColumnElement[bool] | None:
    """The WHERE clause of the user's rules on ``table`` (an alias of ``model``'s), or None."""
    domain = rule_domain(model, operation)
    own = own_restriction(model, table, operation)
    if domain is None:
        return own
    where = orm_domain.compile_domain(model.sudo().with_context(active_test=False), domain, table)
    return where if own is None else sa.and_(where, own)


def own_restriction(model: BaseModel, table: sa.FromClause, operation: str) -> sa.ColumnElement[bool] | None:
    """The clause of a model whose access follows other records (``ir.attachment`` follows the record it
    hangs on): its ``_access_where(table, operation)`` method, AND-ed with the record rules."""
    hook = getattr(type(model), "_access_where", None)
    if hook is None or model.env.su:
        return None
    clause: sa.ColumnElement[bool] = hook(model, table, operation)
    return clause


def restricted(model: BaseModel, operation: str) -> bool:
    """Whether the user's records of ``model`` are limited for ``operation`` (by rules or by the model)."""
    if model.env.su:
        return False
    return rule_domain(model, operation) is not None or hasattr(type(model), "_access_where")


def allowed_among(model: BaseModel, ids: Sequence[int], operation: str) -> set[int]:
    """Which of ``ids`` the rules let the user ``operation`` (all of them when there are no rules)."""
    table = model._sql
    where = rule_where(model, table, operation)
    if where is None:
        return set(ids)
    allowed: set[int] = set()
    for start in range(0, len(ids), CHUNK):
        chunk = list(ids[start:start + CHUNK])
        allowed.update(model.env.execute(sa.select(table.c.id).where(table.c.id.in_(chunk), where)).scalars())
    return allowed


def refuse(model: BaseModel, operation: str) -> AccessError:
    """The error for records outside the rules: it names the operation and the model, never the records."""
    return AccessError(
        f"You are not allowed to {VERBS[operation]} some {model._description} ({model._name}) records: "
        f"they are outside your record rules.",
        code="ACCESS_RULE",
    )


def check_records(records: BaseModel, operation: str) -> None:
    """Refuse a set holding records the user cannot read (as if they did not exist: :func:`unavailable`),
    or records that they can read but that are outside the rules of ``operation`` (:class:`AccessError`)."""
    if records.env.su or not records._ids:
        return
    ids = list(dict.fromkeys(records._ids))
    readable = allowed_among(records, ids, "read")
    hidden = [i for i in ids if i not in readable]
    if hidden and records.sudo().browse(hidden).exists():
        raise unavailable(records, hidden)
    if operation == "read":
        return
    allowed = allowed_among(records, ids, operation)
    forbidden = [i for i in ids if i not in allowed and i not in hidden]
    if forbidden and records.sudo().browse(forbidden).exists():
        raise refuse(records, operation)
