"""Companies and users: the minimum every record's ``create_uid`` and sequences need.

The ``base`` addon and :mod:`kernel.security` extend them (passwords, groups,
branches, currencies).
"""

from __future__ import annotations

from ..orm import fields
from ..orm.models import Model


class ResCompany(Model):
    _name = "res.company"
    _description = "Company"
    _order = "name"

    name = fields.Char("Company Name", required=True, unique=True)
    active = fields.Boolean("Active", default=True)


class ResUsers(Model):
    _name = "res.users"
    _description = "User"
    _order = "login"

    name = fields.Char("Name", required=True)
    login = fields.Char("Login", required=True, unique=True, size=128)
    active = fields.Boolean("Active", default=True)
    company_id = fields.Many2one("res.company", "Company", ondelete="restrict")
