"""Companies, branches, groups and users: who works where, with which rights.

Users' groups, companies and branches feed :mod:`kernel.security`; changing
them makes the transaction's access decisions be taken again.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping, Sequence
from typing import Any

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from ..exceptions import AccessError, ValidationError
from ..orm import api, fields
from ..orm.models import Model
from ..security.access import group_id, user_groups
from .access import SecurityData

LOGIN_FAILED = "Wrong login/password"
# OWASP's Argon2id setting (19 MiB, 2 passes): argon2-cffi's default takes 64 MiB per hash, which would
# push every web worker past its memory budget at each login.
_hasher = PasswordHasher(time_cost=2, memory_cost=19 * 1024, parallelism=1)


@functools.cache
def _dummy_hash() -> str:
    """Verified against when the login is unknown, so that a wrong login costs as long as a wrong password."""
    return _hasher.hash("not a password")

SELF_WRITEABLE = frozenset({"company_id", "branch_id", "lang", "tz"})


class ResCompany(Model):
    _name = "res.company"
    _description = "Company"
    _order = "name"
    _quick_create = False  # a company made from a name is one its creator is not allowed in yet

    name = fields.Char("Company Name", required=True, unique=True)
    currency_id = fields.Many2one("res.currency", "Currency", ondelete="restrict")
    branch_ids = fields.One2many("res.branch", "company_id", "Branches")
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


class ResGroups(SecurityData, Model):
    _name = "res.groups"
    _description = "Access Group"
    _order = "name"

    name = fields.Char("Name", required=True)
    implied_ids = fields.Many2many("res.groups", "res_groups_implied_rel", "gid", "hid", "Inherits")
    user_ids = fields.Many2many("res.users", "res_groups_users_rel", "gid", "uid", "Users")
    comment = fields.Text("Comment")


class ResUsers(SecurityData, Model):
    _name = "res.users"
    _description = "User"
    _order = "login"
    _company_rule = False  # company_id is the user's current company, not an owner: colleagues stay visible

    name = fields.Char("Name", required=True)
    login = fields.Char("Login", required=True, unique=True, size=128)
    active = fields.Boolean("Active", default=True)
    password = fields.Char("Password", copy=False, size=255, groups="base.group_system")
    lang = fields.Char("Language", default="en_US", size=16)
    tz = fields.Char("Time Zone", default="UTC", size=64)
    company_id = fields.Many2one("res.company", "Company", ondelete="restrict")
    company_ids = fields.Many2many("res.company", "res_company_users_rel", "user_id", "cid", "Allowed Companies")
    branch_id = fields.Many2one("res.branch", "Branch", ondelete="set null")
    branch_ids = fields.Many2many("res.branch", "res_branch_users_rel", "user_id", "bid", "Allowed Branches")
    group_ids = fields.Many2many("res.groups", "res_groups_users_rel", "uid", "gid", "Groups")

    def create(self, vals_list: Mapping[str, Any] | Sequence[Mapping[str, Any]]) -> "ResUsers":
        many = [vals_list] if isinstance(vals_list, Mapping) else list(vals_list)
        for vals in many:
            if isinstance(vals, Mapping) and "lang" in vals:
                self.env.services.translations.check_lang(vals["lang"])
        return super().create([_allow_current(_hash_password(vals)) for vals in many])

    def write(self, vals: Mapping[str, Any]) -> bool:
        """Users may change their own preferences (current company and branch, language, time zone)."""
        if isinstance(vals, Mapping) and "lang" in vals:
            self.env.services.translations.check_lang(vals["lang"])
        if not self.env.su and self._ids == (self.env.uid,) and set(vals) <= SELF_WRITEABLE:
            self._check_switch(vals)
            return super(ResUsers, self.sudo()).write(vals)
        return super().write(_hash_password(vals))

    def _read_cached(self, wanted: Sequence[Any], load: str = "_classic_read") -> list[dict[str, Any]]:
        """Password hashes never leave the server: ``password`` reads as ``False`` in ``read`` and
        ``search_read``, for everyone."""
        rows = super()._read_cached(wanted, load)
        for row in rows:
            if "password" in row:
                row["password"] = False
        return rows

    def _check_switch(self, vals: Mapping[str, Any]) -> None:
        """A user switches only to one of their allowed companies and branches."""
        user = self.sudo()
        for current, allowed in (("company_id", "company_ids"), ("branch_id", "branch_ids")):
            value = vals.get(current)
            value = value.id if hasattr(value, "_ids") else value
            if value and value not in user[allowed].ids:
                raise AccessError(f"You may not switch to a {current[:-3]} you are not allowed.",
                                  code=f"ACCESS_{current[:-3].upper()}")

    def has_group(self, xmlid: str) -> bool:
        """Whether the user is in the group of external id ``xmlid``, directly or through implied groups."""
        self.ensure_one()
        group = group_id(self.env, xmlid)
        return group is not None and group in user_groups(self.env, self.id)

    @api.model
    def change_password(self, old_password: str, new_password: str) -> bool:
        """The current user's new password, once the old one is confirmed."""
        if not isinstance(old_password, str) or not isinstance(new_password, str):
            raise ValidationError("the old and new passwords must be text", code="PASSWORD_INVALID")
        user = self.env.user
        if self.authenticate(user.login, old_password) != user.id:
            raise AccessError(LOGIN_FAILED, code="AUTH_FAILED")
        if not new_password:
            raise ValidationError("the new password cannot be empty", code="PASSWORD_EMPTY")
        user.write({"password": new_password})
        return True

    @api.constrains("company_id", "company_ids", "branch_id", "branch_ids")
    def _check_companies(self) -> None:
        """A user works only in allowed companies and branches, and branches of allowed companies."""
        for user in self.sudo():
            if user.company_id and user.company_id not in user.company_ids:
                raise ValidationError(
                    f"User {user.login}: company {user.company_id.name!r} is not one of the allowed companies",
                    code="USER_COMPANY_NOT_ALLOWED")
            if user.branch_id and user.branch_id not in user.branch_ids:
                raise ValidationError(
                    f"User {user.login}: branch {user.branch_id.name!r} is not one of the allowed branches",
                    code="USER_BRANCH_NOT_ALLOWED")
            foreign = user.branch_ids.filtered(lambda branch: branch.company_id not in user.company_ids)
            if foreign:
                raise ValidationError(
                    f"User {user.login}: branch {foreign[0].name!r} belongs to a company the user is not allowed",
                    code="USER_BRANCH_NOT_ALLOWED")

    @api.model
    def authenticate(self, login: str, password: str) -> int:
        """The id of the active user with this login and password; one message whatever was wrong."""
        user = self.sudo().with_context(active_test=True).search([("login", "=", login)], limit=1) if login else self.browse()
        stored = user.password if user else None
        try:
            _hasher.verify(stored or _dummy_hash(), password or "")
        except (VerificationError, InvalidHashError):
            raise AccessError(LOGIN_FAILED, code="AUTH_FAILED") from None
        if not stored:
            raise AccessError(LOGIN_FAILED, code="AUTH_FAILED")
        if _hasher.check_needs_rehash(stored):
            user.sudo().write({"password": password})
        return user.id


def _allow_current(vals: dict[str, Any]) -> dict[str, Any]:
    """A new user given a current company (branch) but no allowed ones is allowed that one."""
    for current, allowed in (("company_id", "company_ids"), ("branch_id", "branch_ids")):
        value = vals.get(current)
        if value and allowed not in vals:
            vals[allowed] = [(6, 0, [value.id if hasattr(value, "_ids") else value])]
    return vals


def _hash_password(vals: Mapping[str, Any]) -> dict[str, Any]:
    """Passwords are stored as Argon2 hashes only; an empty one means the user cannot log in."""
    vals = dict(vals)
    if "password" in vals:
        vals["password"] = _hasher.hash(vals["password"]) if vals["password"] else None
    return vals
