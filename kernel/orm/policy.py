"""The access policy the ORM asks at each entry point, and its do-nothing default.

The ORM knows no groups, rules or companies: it calls the registry's policy
(``env.policy``) before and after each operation, and the policy decides.
:mod:`kernel.security.guards` is the product's policy; the kernel plugs it in
when it builds a registry (``Registry(layers, policy=guards)``).  A registry
built without one, as the ORM's own tests do, gets :class:`OpenPolicy`:
everything allowed, nothing recorded.  Late binding instead of imports keeps
the layers one-way (docs/architecture.md).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any, Protocol

import sqlalchemy as sa

from ..exceptions import MissingError

if TYPE_CHECKING:
    from .env import Environment
    from .fields import Field
    from .models import BaseModel

OPERATIONS = ("read", "write", "create", "unlink")
RESTRICTED = "Restricted"  # what a relational value shows instead of the name of a record the user may not read


def unavailable(model: BaseModel, ids: Sequence[int]) -> MissingError:
    """The error for ids that do not exist *or* that the policy hides from the user: the same text for
    both, so that nobody learns which ids exist in a company they cannot see."""
    return MissingError(model.env._("%(model)s (%(name)s): records %(ids)s do not exist or you may not see them",
                                    model=model._description, name=model._name, ids=sorted(ids)[:10]))


class AccessPolicy(Protocol):
    """What the ORM calls; ``kernel.security.guards`` implements it as a module of functions."""

    def search_where(self, model: BaseModel, where: sa.ColumnElement[bool] | None, /) -> sa.ColumnElement[bool] | None:
        """The WHERE clause of a user's search, with the rows they may not read left out."""

    def subquery_where(self, model: BaseModel, table: sa.FromClause, /) -> sa.ColumnElement[bool] | None:
        """The rows of ``table`` (a related model's) the user may read, inside a domain on ``model``."""

    def check_search_field(self, model: BaseModel, field: Field, /) -> None: ...
    def field_visible(self, model: BaseModel, field: Field, /) -> bool: ...
    def check_read(self, records: BaseModel, /) -> None: ...
    def check_field_read(self, record: BaseModel, field: Field, /) -> None: ...
    def check_field_names(self, model: BaseModel, specs: Iterable[str], /) -> None: ...
    def check_create(self, model: BaseModel, vals_list: Sequence[Mapping[str, Any]], /) -> None: ...
    def created(self, records: BaseModel, names: Iterable[str], /) -> None: ...

    def check_write(self, records: BaseModel, vals: Mapping[str, Any], /) -> Any:
        """Refuse the write or let it pass; what it returns is handed to :meth:`written` (e.g. an audit snapshot)."""

    def written(self, records: BaseModel, vals: Mapping[str, Any], before: Any, /) -> None: ...
    def check_unlink(self, records: BaseModel, /) -> None: ...
    def check_access(self, model: BaseModel, operation: str, /) -> None: ...
    def has_access(self, model: BaseModel, operation: str, /) -> bool: ...

    def within_read_rules(self, records: BaseModel, /) -> set[int]:
        """Which ids of ``records`` the user's read rules let through (missing ids may be among them)."""

    def current_records(self, env: Environment, scope: str, /) -> BaseModel:
        """The current company (``scope="company"``) or branch of ``env``."""

    def allowed_records(self, env: Environment, scope: str, /) -> BaseModel:
        """The companies (or branches) ``env`` works in."""


class OpenPolicy:
    """The default policy: every operation allowed; the current company is the user's own."""

    def search_where(self, model: BaseModel, where: sa.ColumnElement[bool] | None) -> sa.ColumnElement[bool] | None:
        return where

    def subquery_where(self, model: BaseModel, table: sa.FromClause) -> sa.ColumnElement[bool] | None:
        return None

    def check_search_field(self, model: BaseModel, field: Field) -> None:
        return None

    def field_visible(self, model: BaseModel, field: Field) -> bool:
        return True

    def check_read(self, records: BaseModel) -> None:
        return None

    def check_field_read(self, record: BaseModel, field: Field) -> None:
        return None

    def check_field_names(self, model: BaseModel, specs: Iterable[str]) -> None:
        return None

    def check_create(self, model: BaseModel, vals_list: Sequence[Mapping[str, Any]]) -> None:
        return None

    def created(self, records: BaseModel, names: Iterable[str]) -> None:
        return None

    def check_write(self, records: BaseModel, vals: Mapping[str, Any]) -> None:
        return None

    def written(self, records: BaseModel, vals: Mapping[str, Any], before: Any) -> None:
        return None

    def check_unlink(self, records: BaseModel) -> None:
        return None

    def check_access(self, model: BaseModel, operation: str) -> None:
        return None

    def has_access(self, model: BaseModel, operation: str) -> bool:
        return True

    def within_read_rules(self, records: BaseModel) -> set[int]:
        return set(records._ids)

    def current_records(self, env: Environment, scope: str) -> BaseModel:
        return self._users_own(env, scope)

    def allowed_records(self, env: Environment, scope: str) -> BaseModel:
        return self._users_own(env, scope)

    @staticmethod
    def _users_own(env: Environment, scope: str) -> BaseModel:
        model = "res.company" if scope == "company" else "res.branch"
        user = env.user
        field = f"{scope}_id"
        return user[field] if field in user._fields else env[model]
