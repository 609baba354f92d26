"""Which groups the acting user belongs to, implied groups included.

Views, menus and actions are filtered by groups; a user is in a group when it
is one of their groups or implied by one of them, at any depth.  ``None``
stands for "every group": the superuser environment sees everything.
"""

from __future__ import annotations

from collections.abc import Iterable

from ..orm.env import Environment


def user_group_ids(env: Environment) -> frozenset[int] | None:
    """The ids of the groups of ``env``'s user (implied ones too); ``None`` when ``env`` is superuser."""
    if env.su:
        return None
    groups = env(su=True)["res.groups"]
    found: set[int] = set()
    pending = set(env(su=True)["res.users"].browse(env.uid).group_ids.ids)
    while pending:
        found |= pending
        pending = set(groups.browse(sorted(pending)).mapped("implied_ids").ids) - found
    return frozenset(found)


def allowed(required: Iterable[int], user_groups: frozenset[int] | None) -> bool:
    """Whether a user with ``user_groups`` passes a ``group_ids`` restriction (empty: everyone)."""
    required = set(required)
    return not required or user_groups is None or bool(required & user_groups)
