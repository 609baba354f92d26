"""Sales orders in the portal: a portal user sees the quotations and orders of their own commercial partner
(``security/portal_rules.xml`` says which; this says how they are listed)."""

from __future__ import annotations

from typing import Any

from kernel import Model


class SalePortalHome(Model):
    _inherit = "portal.home"

    def _portal_pages(self) -> list[dict[str, Any]]:
        return [*super()._portal_pages(), {
            "key": "orders", "title": self.env._("Quotations and Sales Orders"), "model": "sale.order",
            "fields": ["name", "date_order", "state", "amount_total", "currency"], "order": "date_order desc, id desc",
        }]
