"""Screens as data: views (``ir.ui.view``), window actions and menus."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from ..data.safe_eval import UnsafeExpression, safe_eval
from ..exceptions import ValidationError
from ..orm import api, fields
from ..orm.models import Model
from ..views import menus as menu_service
from ..views import service as view_service

VIEW_TYPES = [("form", "Form"), ("list", "List"), ("search", "Search"), ("kanban", "Kanban"),
              ("calendar", "Calendar"), ("graph", "Graph"), ("pivot", "Pivot"), ("qweb", "QWeb")]


class IrUiView(Model):
    """A view arch; an extension view (``inherit_id``) holds inheritance specs for its parent."""

    _name = "ir.ui.view"
    _description = "View"
    _order = "priority, name, id"

    name = fields.Char("View Name", required=True)
    model = fields.Char("Model", index=True)
    type = fields.Selection(VIEW_TYPES, "View Type")
    arch = fields.Text("Architecture", required=True)
    inherit_id = fields.Many2one("ir.ui.view", "Inherited View", ondelete="cascade", index=True)
    inherit_children_ids = fields.One2many("ir.ui.view", "inherit_id", "Views Inheriting")
    mode = fields.Selection([("primary", "Base view"), ("extension", "Extension View")], "View Inheritance Mode")
    priority = fields.Integer("Sequence", default=16)
    active = fields.Boolean("Active", default=True)
    group_ids = fields.Many2many("res.groups", "ir_ui_view_group_rel", "view_id", "group_id", "Groups")
    source = fields.Char("Source", help="addon/file:line the view was loaded from")

    @api.model
    def get_view(self, model: str, view_type: str = "form", view_id: int | None = None) -> dict[str, Any]:
        """The combined, translated view of ``model`` for the user (see :func:`kernel.views.get_view`)."""
        return view_service.get_view(self.env, model, view_type, view_id)

    @api.model
    def get_views(self, model: str, views: Iterable[tuple[int | bool | None, str]]) -> dict[str, Any]:
        """Several views of ``model`` at once, as Odoo's ``get_views`` answers."""
        return view_service.get_views(self.env, model, views)


class IrActionsWindow(Model):
    """Opens a model in views: what a menu or a button runs."""

    _name = "ir.actions.window"
    _description = "Window Action"
    _order = "name"

    name = fields.Char("Action Name", required=True)
    res_model = fields.Char("Model", required=True)
    view_mode = fields.Char("View Modes", default="list,form", required=True)
    view_id = fields.Many2one("ir.ui.view", "View", ondelete="set null")
    search_view_id = fields.Many2one("ir.ui.view", "Search View", ondelete="set null")
    domain = fields.Text("Domain", help="An Odoo domain, as Python literal text")
    context = fields.Text("Context", default="{}")
    target = fields.Selection([("current", "Main window"), ("new", "Dialog")], "Target", default="current")
    limit = fields.Integer("Page Size", default=80)
    binding_model_id = fields.Many2one("ir.model", "Shown in the Action Menu of", ondelete="cascade",
                                       help="A dialog (target new) opened on the selected records of that model")
    help = fields.Html("Help")

    @api.constrains("res_model", "view_mode", "domain", "context")
    def _check_action(self) -> None:
        """Refuse actions a client could not run: unknown model, no view mode, domain or context not literal."""
        for action in self:
            if action.res_model not in self.env.registry:
                raise ValidationError(f"action {action.name!r}: unknown model {action.res_model!r}")
            if not [mode for mode in (action.view_mode or "").split(",") if mode.strip()]:
                raise ValidationError(f"action {action.name!r}: view_mode names no view type")
            for what in ("domain", "context"):
                text = action[what]
                if text and text.strip():
                    try:
                        safe_eval(text, menu_service.expression_names(self.env))
                    except (UnsafeExpression, ValueError, TypeError, KeyError) as exc:
                        raise ValidationError(f"action {action.name!r}, {what}: {exc}") from None

    def read_action(self) -> dict[str, Any]:
        """The dictionary a client runs this action from (domain and context evaluated for the user)."""
        self.ensure_one()
        return menu_service.read_action(self)


class IrUiMenu(Model):
    """The menu tree; a user sees the menus of their groups (and those without groups)."""

    _name = "ir.ui.menu"
    _description = "Menu"
    _order = "sequence, id"
    _parent_store = True

    name = fields.Char("Menu", required=True)
    parent_id = fields.Many2one("ir.ui.menu", "Parent Menu", ondelete="cascade", index=True)
    child_ids = fields.One2many("ir.ui.menu", "parent_id", "Child Menus")
    sequence = fields.Integer("Sequence", default=10)
    action_id = fields.Many2one("ir.actions.window", "Action", ondelete="set null")
    group_ids = fields.Many2many("res.groups", "ir_ui_menu_group_rel", "menu_id", "group_id", "Groups")
    web_icon = fields.Char("Icon")
    active = fields.Boolean("Active", default=True)
    complete_name = fields.Char("Full Path", compute="_compute_complete_name")

    @api.model
    def load_menus(self) -> list[dict[str, Any]]:
        """The root menus the user may see, with their visible children (see :func:`kernel.views.menu_tree`)."""
        return menu_service.menu_tree(self.env)

    def _compute_complete_name(self) -> None:
        for menu in self:
            names, current = [], menu
            while current:
                names.append(current.name)
                current = current.parent_id
            menu.complete_name = " / ".join(reversed(names))
