"""Which groups the acting user belongs to, implied groups included, and what that hides.

Views, view nodes (``groups="..."``) and menus are filtered by groups; a user
is in a group when it is one of their groups or implied by one of them, at
any depth.  ``None`` stands for "every group": the superuser environment sees
everything.
"""

from __future__ import annotations

from collections.abc import Iterable

from lxml import etree

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


def group_refs(spec: str) -> list[tuple[bool, str]]:
    """``"base.group_user,!base.group_portal"`` as ``[(True, "base.group_user"), (False, "base.group_portal")]``."""
    parts = [part.strip() for part in spec.split(",") if part.strip()]
    return [(not part.startswith("!"), part.lstrip("!").strip()) for part in parts]


def node_allowed(env: Environment, spec: str, user_groups: frozenset[int] | None) -> bool:
    """Whether a node's ``groups="..."`` lets the user see it: in one listed group, in none of the ``!`` ones."""
    if user_groups is None:
        return True
    wanted: list[int] = []
    for positive, xmlid in group_refs(spec):
        group = env(su=True).ref(xmlid, raise_if_not_found=False)
        group_id = group.id if group is not None and group._name == "res.groups" else None
        if not positive and group_id in user_groups:
            return False
        if positive:
            wanted.append(group_id or 0)
    return not wanted or bool(set(wanted) & user_groups)


def strip_restricted_nodes(env: Environment, arch: etree._Element) -> etree._Element:
    """Remove the nodes of an arch whose ``groups`` the user is not in; drop the attribute from the others."""
    user_groups = user_group_ids(env)
    for node in list(arch.iter(etree.Element)):
        spec = node.attrib.pop("groups", None)
        if spec is not None and node is not arch and not node_allowed(env, spec, user_groups):
            parent = node.getparent()
            if parent is not None:
                parent.remove(node)
    return arch
