"""The "Add categories" wizard: tags several partners with categories at once, from a partner or a list."""

from __future__ import annotations

from typing import Any

from kernel import TransientModel, api, fields
from kernel.exceptions import UserError


class PartnerCategoryWizard(TransientModel):
    """Opened on the active partners (the context's ``active_ids``); adds the chosen categories to each."""

    _name = "basepartner.category.wizard"
    _description = "Add Categories to Partners"

    partner_ids = fields.Many2many("basepartner", string="Partners", default=lambda self: self._default_partners())
    category_ids = fields.Many2many("basepartnercategory", string="Categories to Add")

    @api.model
    def _default_partners(self) -> list[Any]:
        """The partners the dialog was opened on: the context's active records when they are partners."""
        if self.env.context.get("active_model") != "basepartner":
            return []
        ids = self.env.context.get("active_ids") or []
        return [(6, 0, self.env["basepartner"].browse([i for i in ids if isinstance(i, int)]).exists().ids)]

    def action_apply(self) -> None:
        """Add the categories to every partner (those it already has stay); refused without a category."""
        self.ensure_one()
        if not self.category_ids:
            raise UserError(self.env._("Choose at least one category to add"), code="WIZARD_NO_CATEGORY",
                            field="category_ids")
        if not self.partner_ids:
            raise UserError(self.env._("No partner to add categories to"), code="WIZARD_NO_PARTNER")
        self.partner_ids.write({"categories": [(4, category.id) for category in self.category_ids]})
