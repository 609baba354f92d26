"""Combined views: a primary view with every extension that applies to it, as one arch.

How a view tree combines (Odoo's rules)::

    R  primary, the model's form ---------------- its arch is the starting point
    |-- E1 extension, priority 10 --------------- applied 1st
    |   `-- E1a extension of E1 ----------------- applied 2nd (extensions of extensions follow their parent)
    |-- E2 extension, priority 20, groups=mgr --- applied 3rd, only for users in ``mgr``
    `-- D  primary, inherit_id R ---------------- a boundary: R's arch ignores D and its extensions;
        `-- D1 extension of D                     D's arch = R's combined arch + D's specs + D1

Siblings apply in (priority, id) order, depth first; a view's extensions
apply before the primary view derived from it.  Inactive extensions never
apply; extensions restricted to groups apply only for users in one of them
(the superuser environment gets them all).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from lxml import etree

from ..exceptions import ViewError
from ..orm.env import Environment
from .groups import allowed, user_group_ids
from .inheritance import apply_inheritance, parse_arch

#: Called after each step of a combination with the view just applied and the arch so far.
StepCheck = Callable[[Any, etree._Element], None]

VIEW_ORDER = "priority, id"


def primary_of(view: Any) -> Any:
    """The primary view an extension (or an extension of an extension) ends up in."""
    current = view
    while current.mode != "primary" and current.inherit_id:
        current = current.inherit_id
    return current


def combined_arch(env: Environment, view: Any, step: StepCheck | None = None) -> etree._Element:
    """The arch of ``view`` (an ``ir.ui.view`` record) with everything that applies to it for ``env``'s user.

    An extension view stands for the primary view it extends.  ``step``, when
    given, is called with the root view and its arch, then after each applied
    view: install-time validation uses it to blame the view that broke the arch.
    A spec that cannot be applied raises :class:`ViewError` naming its view
    (``error.view`` holds the record).
    """
    views = env["ir.ui.view"].sudo().with_context(active_test=False)
    target = views.browse(primary_of(view).id)
    chain = [target]
    while chain[-1].inherit_id:
        chain.append(chain[-1].inherit_id)
    chain.reverse()
    root = chain[0]
    try:
        arch = parse_arch(root.arch)
    except ViewError as exc:
        raise _blame(exc, root) from exc
    if step is not None:
        step(root, arch)
    context = _Combination(views, {v.id for v in chain}, user_group_ids(env), step)
    return context.apply_descendants(arch, root)


class _Combination:
    """What one combination needs at every level: the chain of primary views and the user's groups."""

    def __init__(self, views: Any, chain_ids: set[int], user_groups: frozenset[int] | None,
                 step: StepCheck | None):
        self.views = views
        self.chain_ids = chain_ids
        self.user_groups = user_groups
        self.step = step

    def children(self, parent: Any) -> list[Any]:
        """Children that apply, extensions first, then the next primary view of the chain."""
        found = self.views.search([("inherit_id", "=", parent.id)], order=VIEW_ORDER)
        extensions = [child for child in found if child.mode != "primary" and child.active
                      and allowed(child.group_ids.ids, self.user_groups)]
        return extensions + [child for child in found if child.mode == "primary" and child.id in self.chain_ids]

    def apply_descendants(self, arch: etree._Element, parent: Any) -> etree._Element:
        for child in self.children(parent):
            try:
                arch = apply_inheritance(arch, parse_arch(child.arch))
            except ViewError as exc:
                raise _blame(exc, child) from exc
            if self.step is not None:
                self.step(child, arch)
            arch = self.apply_descendants(arch, child)
        return arch


def view_xmlid(view: Any) -> str | None:
    """The external id of a view record, if it has one."""
    data = view.env["ir.model.data"].sudo().search([("model", "=", "ir.ui.view"), ("res_id", "=", view.id)], limit=1)
    return f"{data.module}.{data.name}" if data else None


def view_label(view: Any) -> str:
    """How errors name a view: its external id when it has one, else its name and id."""
    return view_xmlid(view) or f"{view.name!r} (id {view.id})"


def _blame(error: ViewError, view: Any) -> ViewError:
    if getattr(error, "view", None) is not None:
        return error
    blamed = ViewError(f"view {view_label(view)}: {error}")
    blamed.view = view  # type: ignore[attr-defined]
    return blamed


# -- default views -----------------------------------------------------------------------------------


def default_arch(model: Any, view_type: str) -> etree._Element:
    """A usable arch for a model without a view of that type: every stored field in a form, the name elsewhere."""
    label = model._rec_name or "id"
    if view_type == "form":
        names = [name for name, field in model._fields.items()
                 if field.store and not getattr(field, "magic", False) and name != "id"]
        group = "".join(f'<field name="{name}"/>' for name in names)
        return parse_arch(f"<form><sheet><group>{group}</group></sheet></form>")
    simple = {
        "list": f'<list><field name="{label}"/></list>',
        "search": f'<search><field name="{label}"/></search>',
        "kanban": f'<kanban><templates><t t-name="card"><field name="{label}"/></t></templates></kanban>',
    }
    if view_type not in simple:
        raise ViewError(f"model {model._name!r} has no {view_type} view and none can be generated "
                        f"(defaults exist for form, {', '.join(simple)})")
    return parse_arch(simple[view_type])
