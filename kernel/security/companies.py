"""Companies and branches: the current ones of an environment, the auto-rule domains, cross-company links.

A user works in the companies listed by the context's ``allowed_company_ids``
(the company switcher's choice, the first one being the current company), or
by default in all their allowed companies with ``company_id`` current.
Branches work the same with ``allowed_branch_ids``, ``branch_ids`` and
``branch_id``.  Asking for a company or branch the user is not allowed is an
:class:`AccessError`.

The company/branch auto-rules (:mod:`.active_rule`) limit every user to
those companies and branches; records without a company or branch are shared.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any

from ..exceptions import AccessError, ValidationError
from .access import cached

if TYPE_CHECKING:
    from ..orm.env import Environment
    from ..orm.models import BaseModel

AUTO_FIELDS = ("company_id", "branch_id")
# (user field holding the current one, user field holding the allowed ones, context key, model)
SCOPES = {
    "company": ("company_id", "company_ids", "allowed_company_ids", "res.company"),
    "branch": ("branch_id", "branch_ids", "allowed_branch_ids", "res.branch"),
}


# -- current companies and branches ------------------------------------------------------------


def _user_scope(env: Environment, scope: str) -> tuple[int | None, tuple[int, ...]]:
    """The user's current and allowed ids of ``scope`` (``company`` or ``branch``), read as superuser."""
    current_name, allowed_name, _, _ = SCOPES[scope]

    def read() -> tuple[int | None, tuple[int, ...]]:
        user = env(su=True)["res.users"].with_context(active_test=False).browse(env.uid)
        return user[current_name].id or None, tuple(user[allowed_name].ids)

    return cached(env, ("scope", env.uid, scope), read)


def allowed_ids(env: Environment, scope: str) -> tuple[int, ...]:
    """The ids of the companies (or branches) the environment works in, the current one first."""
    _, _, context_key, _ = SCOPES[scope]
    requested = env.context.get(context_key)
    current, allowed = _user_scope(env, scope)
    if requested:
        requested = tuple(requested)
        if not env.su and not set(requested) <= set(allowed):
            raise AccessError(f"Access to unauthorized or invalid {scope} ids in {context_key}.",
                              code=f"ACCESS_{scope.upper()}")
        return requested
    if current in allowed:
        return (current,) + tuple(i for i in allowed if i != current)
    return allowed


def current_id(env: Environment, scope: str) -> int | None:
    """The current company (or branch) id: the first of the context's choice, else the user's own."""
    _, _, context_key, _ = SCOPES[scope]
    if env.context.get(context_key):
        return allowed_ids(env, scope)[0]
    return _user_scope(env, scope)[0]


def current_records(env: Environment, scope: str) -> BaseModel:
    return env[SCOPES[scope][3]].browse(current_id(env, scope))


def allowed_records(env: Environment, scope: str) -> BaseModel:
    return env[SCOPES[scope][3]].browse(allowed_ids(env, scope))


# -- the auto-rules ----------------------------------------------------------------------------------


def company_ruled(model: BaseModel) -> bool:
    """Whether ``model`` is under the company rule: every model with a stored ``company_id`` many2one to
    ``res.company`` is, unless it opts out with ``_company_rule = False`` (listed in docs/security.md)."""
    cls = type(model)
    if getattr(cls, "_active_rule", None):
        return True
    field = model._fields.get("company_id")
    return (bool(getattr(cls, "_company_rule", True)) and field is not None and field.type == "many2one"
            and getattr(field, "comodel_name", None) == "res.company" and bool(field.store))


def _ruled_fields(model: BaseModel) -> list[tuple[str, str]]:
    """The (field, scope) pairs the auto-rules of ``model`` limit: the company, and the branch of
    ``active_rule`` models."""
    pairs = []
    if company_ruled(model):
        pairs.append(("company_id", "company"))
    if getattr(type(model), "_active_rule", None) and "branch_id" in model._fields:
        pairs.append(("branch_id", "branch"))
    return pairs


def auto_rule_domains(model: BaseModel) -> list[list[Any]]:
    """The global domains of the company/branch auto-rules of ``model`` (none when it is not under them):
    records of the environment's companies (branches), and records without one."""
    env = model.env
    return [["|", (name, "=", False), (name, "in", list(allowed_ids(env, scope)))]
            for name, scope in _ruled_fields(model)]


# -- consistency between companies --------------------------------------------------------------------


def company_checked_fields(model: BaseModel, names: Iterable[str]) -> list[Any]:
    """The written fields whose company must agree with the record's (``check_company`` or auto fields)."""
    auto = bool(getattr(type(model), "_active_rule", None))
    result = []
    for name in names:
        field = model._fields.get(name)
        if field is None or field.type != "many2one":
            continue
        if field.check_company or (auto and name in AUTO_FIELDS):
            result.append(field)
    return result


def check_allowed_values(model: BaseModel, vals: Mapping[str, Any]) -> None:
    """Before a write: a user may only put records of a company-ruled model in their allowed companies
    (and branches)."""
    if model.env.su:
        return
    for name, scope in _ruled_fields(model):
        value: Any = vals.get(name)
        if hasattr(value, "_ids"):
            value = value._ids[0] if value._ids else None
        if value and value not in allowed_ids(model.env, scope):
            raise AccessError(f"You may not assign a {scope} you are not allowed to {model._description} "
                              f"({model._name}) records.", code=f"ACCESS_{scope.upper()}")


def check_company(records: BaseModel, names: Iterable[str]) -> None:
    """Refuse links between records of different companies (checked once the records are written).

    A record's ``check_company`` many2ones must point to records of its company
    or of none (a record without company: to records without company), and its
    branch must belong to its company.
    """
    checked = company_checked_fields(records, names)
    if not checked or "company_id" not in records._fields:
        return
    for record in records.sudo():
        company = record.company_id.id
        for field in checked:
            if field.name == "company_id":
                continue
            target = record[field.name]
            if not target or "company_id" not in target._fields:
                continue
            target_company = target.company_id.id
            if target_company and company and target_company != company:
                raise ValidationError(
                    f"{records._description}: {field.string} ({field.name}) belongs to another company "
                    f"than the record.", code="COMPANY_MISMATCH",
                )
            if target_company and not company:
                raise ValidationError(
                    f"{records._description}: {field.string} ({field.name}) belongs to a company; the record "
                    f"must belong to it too.", code="COMPANY_MISMATCH",
                )
