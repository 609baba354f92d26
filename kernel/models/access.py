"""The rows that decide access: model access (``ir.model.access``) and record rules (``ir.rule``).

See :mod:`kernel.security` for how they are applied.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from ..orm import api, fields
from ..orm.models import Model
from ..security.access import clear_cache


class SecurityData:
    """Mixin of the models whose rows decide access: changing them makes the transaction ask again."""

    def create(self, vals_list: Mapping[str, Any] | Sequence[Mapping[str, Any]]) -> Any:
        records = super().create(vals_list)  # type: ignore[misc]
        clear_cache(self.env)  # type: ignore[attr-defined]
        return records

    def write(self, vals: Mapping[str, Any]) -> bool:
        result = super().write(vals)  # type: ignore[misc]
        clear_cache(self.env)  # type: ignore[attr-defined]
        return result

    def unlink(self) -> bool:
        result = super().unlink()  # type: ignore[misc]
        clear_cache(self.env)  # type: ignore[attr-defined]
        return result


class IrModelAccess(SecurityData, Model):
    """Model-level permissions per group (no group: everyone); loaded from ``*.model.access.csv``."""

    _name = "ir.model.access"
    _description = "Model Access"
    _order = "model_id, group_id, name"

    name = fields.Char("Name", required=True)
    model_id = fields.Many2one("ir.model", "Model", required=True, ondelete="cascade", index=True)
    group_id = fields.Many2one("res.groups", "Group", ondelete="cascade", index=True)
    perm_read = fields.Boolean("Read Access", default=False)
    perm_write = fields.Boolean("Write Access", default=False)
    perm_create = fields.Boolean("Create Access", default=False)
    perm_unlink = fields.Boolean("Delete Access", default=False)
    active = fields.Boolean("Active", default=True)


class IrRule(SecurityData, Model):
    """A domain the records of a model must match for some operations, for everyone or for some groups."""

    _name = "ir.rule"
    _description = "Record Rule"
    _order = "model_id, name"

    name = fields.Char("Name", required=True)
    model_id = fields.Many2one("ir.model", "Model", required=True, ondelete="cascade", index=True)
    domain_force = fields.Text("Domain", default="[]",
                               help="Evaluated with user, company_ids, company_id, branch_ids, branch_id and time")
    group_ids = fields.Many2many("res.groups", "rule_group_rel", "rule_group_id", "group_id", "Groups",
                                 help="Without groups the rule is global: it applies to everyone")
    perm_read = fields.Boolean("Apply for Read", default=True)
    perm_write = fields.Boolean("Apply for Write", default=True)
    perm_create = fields.Boolean("Apply for Create", default=True)
    perm_unlink = fields.Boolean("Apply for Delete", default=True)
    active = fields.Boolean("Active", default=True)

    @api.constrains("domain_force")
    def _check_domain(self) -> None:
        """A rule that cannot be evaluated is refused when written, not when a user first meets it."""
        from ..security.rule_context import eval_context, evaluate

        names = eval_context(self.env)
        for rule in self.sudo():
            evaluate(rule.model_id.model, rule.id, rule.domain_force or "[]", names)
