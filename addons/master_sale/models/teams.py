"""Sales teams: a leader and members selling together; customers name theirs.

CRM (pipelines by team) and the company master reuse this model; a team with
a company belongs to it (the company rule applies), one without is shared.
"""

from __future__ import annotations

from kernel import Model, api, fields
from kernel.exceptions import ValidationError


class SalesTeam(Model):
    _name = "sales.team"
    _description = "Sales Team"
    _order = "name"

    name = fields.Char("Sales Team", required=True, translate=True)
    user_id = fields.Many2one("res.users", "Team Leader", ondelete="set null", index=True)
    member_ids = fields.Many2many("res.users", "sales_team_member_rel", "team_id", "user_id", "Members")
    company_id = fields.Many2one("res.company", "Company", ondelete="cascade", index=True,
                                 default=lambda model: model.env.company.id or False)
    active = fields.Boolean("Active", default=True)

    @api.constrains("company_id", "user_id", "member_ids")
    def _check_members_company(self) -> None:
        """A team of a company is led and staffed by users allowed in that company."""
        for team in self:
            if not team.company_id:
                continue
            for user in (team.user_id | team.member_ids).sudo():
                if team.company_id not in user.company_ids:
                    raise ValidationError(
                        self.env._("Sales team %(team)s belongs to %(company)s, where user %(user)s may not work",
                                   team=repr(team.name), company=repr(team.company_id.name), user=repr(user.name)),
                        code="SALE_TEAM_COMPANY", status=422, field="member_ids")
