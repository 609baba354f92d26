"""Companies and users: the minimum every record's ``create_uid`` and sequences need.

The ``base`` addon and :mod:`kernel.security` extend them (passwords, groups,
branches, currencies).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from ..exceptions import AccessError
from ..orm import api, fields
from ..orm.models import Model

LOGIN_FAILED = "Wrong login/password"
_hasher = PasswordHasher()
# Verified against when the login is unknown, so that a wrong login costs as long as a wrong password.
_DUMMY_HASH = _hasher.hash("not a password")


class ResCompany(Model):
    _name = "res.company"
    _description = "Company"
    _order = "name"

    name = fields.Char("Company Name", required=True, unique=True)
    active = fields.Boolean("Active", default=True)


class ResBranch(Model):
    """A branch of a company; users and records may be limited to some branches."""

    _name = "res.branch"
    _description = "Branch"
    _order = "company_id, name"

    name = fields.Char("Branch Name", required=True)
    company_id = fields.Many2one("res.company", "Company", required=True, ondelete="cascade", index=True)
    active = fields.Boolean("Active", default=True)
    _unique = (("company_id", "name"),)


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
    password = fields.Char("Password", copy=False, size=255)
    lang = fields.Char("Language", default="en_US", size=16)
    tz = fields.Char("Time Zone", default="UTC", size=64)
    company_id = fields.Many2one("res.company", "Company", ondelete="restrict")
    company_ids = fields.Many2many("res.company", "res_company_users_rel", "user_id", "cid", "Allowed Companies")
    branch_id = fields.Many2one("res.branch", "Branch", ondelete="set null")
    branch_ids = fields.Many2many("res.branch", "res_branch_users_rel", "user_id", "bid", "Allowed Branches")
    group_ids = fields.Many2many("res.groups", "res_groups_users_rel", "uid", "gid", "Groups")

    def create(self, vals_list: Mapping[str, Any] | Sequence[Mapping[str, Any]]) -> "ResUsers":
        many = [vals_list] if isinstance(vals_list, Mapping) else list(vals_list)
        return super().create([_hash_password(vals) for vals in many])

    def write(self, vals: Mapping[str, Any]) -> bool:
        return super().write(_hash_password(vals))

    @api.model
    def authenticate(self, login: str, password: str) -> int:
        """The id of the active user with this login and password; one message whatever was wrong."""
        user = self.sudo().with_context(active_test=True).search([("login", "=", login)], limit=1) if login else self.browse()
        stored = user.password if user else None
        try:
            _hasher.verify(stored or _DUMMY_HASH, password or "")
        except (VerificationError, InvalidHashError):
            raise AccessError(LOGIN_FAILED, code="AUTH_FAILED") from None
        if not stored:
            raise AccessError(LOGIN_FAILED, code="AUTH_FAILED")
        if _hasher.check_needs_rehash(stored):
            user.sudo().write({"password": password})
        return user.id


def _hash_password(vals: Mapping[str, Any]) -> dict[str, Any]:
    """Passwords are stored as Argon2 hashes only; an empty one means the user cannot log in."""
    vals = dict(vals)
    if "password" in vals:
        vals["password"] = _hasher.hash(vals["password"]) if vals["password"] else None
    return vals


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
