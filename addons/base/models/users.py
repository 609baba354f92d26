"""Every user has a partner: the person the user is, with the email that mail, followers and password
resets use.

A user created without ``partner_id`` gets a new partner named after it
(its ``email``, if given, goes to that partner); the system user, made before
any user exists to own a partner, gets its partner with the data.  Users from before this
layer get theirs when ``base`` is installed or upgraded
(:meth:`UserPartner.complete_partners`, run from ``data/user_partner_data.xml``).
Portal users (``base.group_portal``) are linked to a contact of a customer or
supplier: the record rules give them that partner's commercial documents only.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from kernel import Model, api, fields
from kernel.exceptions import AccessError, ValidationError


class UserPartner(Model):
    _inherit = "res.users"

    partner_id = fields.Many2one("basepartner", "Related Partner", ondelete="restrict", index=True,
                                 help="The partner this user is: its name and email")
    email = fields.Char("Email", related="partner_id.email")

    def create(self, vals_list: Mapping[str, Any] | Sequence[Mapping[str, Any]]) -> Any:
        many = [dict(vals) for vals in ([vals_list] if isinstance(vals_list, Mapping) else vals_list)]
        missing = [vals for vals in many if not vals.get("partner_id")]
        if missing and self.sudo().browse(self.env.uid).exists():  # not the system user's own bootstrap
            partners = self.env["basepartner"].sudo().create(
                [{"name": vals.get("name") or vals.get("login"), "email": vals.pop("email", None) or False}
                 for vals in missing])
            for vals, partner in zip(missing, partners):
                vals["partner_id"] = partner.id
        return super().create(many)

    def write(self, vals: Mapping[str, Any]) -> bool:
        """A user's new name is its partner's too (the partner is the user as others see it)."""
        result = super().write(vals)
        if vals.get("name"):
            self.sudo().mapped("partner_id").write({"name": vals["name"]})
        return result

    @api.model
    def complete_partners(self) -> Any:
        """Give the users that have none (archived ones too) a partner; returns those users.

        Run when ``base`` is installed or upgraded; superuser only.
        """
        if not self.env.su:
            raise AccessError(self.env._("Only the installer completes users' partners"), code="ACCESS_DENIED")
        users = self.with_context(active_test=False).search([("partner_id", "=", False)])
        if users:
            # an archived user's partner (the system user's) is archived too: nobody picks it as a contact
            partners = self.env["basepartner"].create([{"name": user.name or user.login, "active": user.active}
                                                       for user in users])
            for user, partner in zip(users, partners):
                super(UserPartner, user).write({"partner_id": partner.id})
        return users


class PartnerUsers(Model):
    _inherit = "basepartner"

    user_ids = fields.One2many("res.users", "partner_id", "Users", help="The users this partner is")

    def grant_portal_access(self, password: str | None = None) -> Any:
        """Give each partner a portal user (003 "portal_users_get_roles"): its user joins ``base.group_portal``,
        or a new user is made, logging in with the partner's email.  Administrators only; returns the users."""
        self._check_portal_manager()
        portal = self.env.ref("base.group_portal")
        users = self.env["res.users"].sudo()
        for partner in self:
            found = partner.sudo().with_context(active_test=False).user_ids
            if found:
                found.write({"active": True, "group_ids": [(4, portal.id)]})
                users |= found
                continue
            if not partner.email:
                raise ValidationError(self.env._("Partner %(name)s has no email: a portal user logs in with it",
                                                 name=repr(partner.name)), code="PORTAL_EMAIL_REQUIRED", field="email")
            # the companies the partner deals with: its own, else every company (the portal rules keep the user
            # to the partner's documents; the company rules would otherwise hide them)
            companies = partner.company_id or self.env["res.company"].sudo().search([])
            users |= users.create({
                "name": partner.name, "login": partner.email, "partner_id": partner.id, "password": password or "",
                "group_ids": [(6, 0, [portal.id])], "company_id": companies[:1].id,
                "company_ids": [(6, 0, companies.ids)]})
        return users

    def revoke_portal_access(self) -> Any:
        """Take the portal away from the partners' portal users (archived, out of the group); returns them."""
        self._check_portal_manager()
        portal = self.env.ref("base.group_portal")
        users = self.sudo().with_context(active_test=False).mapped("user_ids").filtered(
            lambda user: portal in user.group_ids)
        users.write({"group_ids": [(3, portal.id)], "active": False})
        return users

    def _check_portal_manager(self) -> None:
        if not self.env.su and not self.env.user.has_group("base.group_system"):
            raise AccessError(self.env._("Only administrators give or take portal access"), code="ACCESS_DENIED")
