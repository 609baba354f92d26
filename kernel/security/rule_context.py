"""What record rule domains are evaluated with: the user's record, companies, branches, ``time``."""

from __future__ import annotations

import time
from typing import TYPE_CHECKING, Any

from ..data.safe_eval import SafeObject, safe_eval
from ..exceptions import ValidationError
from ..orm import domain as orm_domain
from .companies import allowed_ids, current_id

if TYPE_CHECKING:
    from ..orm.env import Environment
    from ..orm.models import BaseModel


class RecordView(SafeObject):
    """Records as rule expressions see them: fields by name, ``id``, ``ids``; nothing else."""

    def __init__(self, records: BaseModel):
        self._records = records

    def __getattr__(self, name: str) -> Any:
        if name.startswith("_"):
            raise AttributeError(name)
        records = self._records
        if name == "id":
            return records.id
        if name == "ids":
            return records.ids
        field = records._fields.get(name)
        if field is None:
            raise AttributeError(f"{records._name} has no field {name!r}")
        value = records[name]
        return RecordView(value) if field.relational else value


class TimeView(SafeObject):
    """``time.strftime('%Y-%m-%d')`` in rule domains, as Odoo's rules write it."""

    strftime = staticmethod(time.strftime)


def eval_context(env: Environment) -> dict[str, Any]:
    """The names a rule domain may use."""
    return {
        "user": RecordView(env(su=True)["res.users"].with_context(active_test=False).browse(env.uid)),
        "company_ids": list(allowed_ids(env, "company")),
        "company_id": current_id(env, "company") or False,
        "branch_ids": list(allowed_ids(env, "branch")),
        "branch_id": current_id(env, "branch") or False,
        "time": TimeView(),
    }


def evaluate(model_name: str, rule_id: int, text: str, names: dict[str, Any]) -> list[Any]:
    """The normalized domain of a rule; a broken one is a ValidationError naming the rule."""
    try:
        value = safe_eval(text, names)
        if not isinstance(value, (list, tuple)):
            raise ValueError(f"a domain is a list, got {type(value).__name__}")
        return orm_domain.normalize(list(value)) or [orm_domain.TRUE_LEAF]
    except (ValueError, TypeError, AttributeError, KeyError, ValidationError) as exc:
        raise ValidationError(f"record rule {rule_id} of {model_name} has an invalid domain: {exc}",
                              code="RULE_INVALID") from None
