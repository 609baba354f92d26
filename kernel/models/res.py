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


class ResGroups(Model):
    _name = "res.groups"
    _description = "Access Group"
    _order = "name"

    name = fields.Char("Name", required=True)
    implied_ids = fields.Many2many("res.groups", "res_groups_implied_rel", "gid", "hid", "Inherits")
    user_ids = fields.Many2many("res.users", "res_groups_users_rel", "gid", "uid", "Users")
    comment = fields.Text("Comment")


class ResUsers(Model):
    _name = "res.users"
    _description = "User"
    _order = "login"

    name = fields.Char("Name", required=True)
    login = fields.Char("Login", required=True, unique=True, size=128)
    active = fields.Boolean("Active", default=True)
    company_id = fields.Many2one("res.company", "Company", ondelete="restrict")
    group_ids = fields.Many2many("res.groups", "res_groups_users_rel", "uid", "gid", "Groups")


class IrModelAccess(Model):
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
