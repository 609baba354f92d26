"""Hints after an unknown name (kernel/hints.py): close names, and this kernel's name for Odoo's."""

from __future__ import annotations

from kernel.hints import close_names, field_hint, model_hint, unknown_field


def test_close_names_suggest_up_to_three():
    assert close_names("parnter_id", ["partner_id", "name", "company_id"]) == "; did you mean 'partner_id' or 'company_id'?"
    assert close_names("zzz", ["partner_id"]) == ""


def test_odoo_names_point_to_this_kernels_names():
    assert model_hint("res.partner", ["basepartner"]) == "; Odoo's 'res.partner' is 'basepartner' here"
    assert model_hint("ir.actions.act_window", []) == "; Odoo's 'ir.actions.act_window' is 'ir.actions.window' here"
    assert model_hint("sale.ordr", ["sale.order", "sale.order.line"]).startswith("; did you mean 'sale.order'")
    assert field_hint("ir.rule", "groups", ["group_ids", "name"]) == "; Odoo's ir.rule.groups is 'group_ids' here"
    assert unknown_field("basepartner", "phone", ["phone_number"]) == \
        "basepartner has no field 'phone'; Odoo's basepartner.phone is 'phone_number' here"
