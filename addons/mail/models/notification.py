"""In-app notifications (the bell of the web client) and each user's choice of how to be told."""

from __future__ import annotations

from typing import Any

from kernel import Model, TransientModel, fields
from kernel.db import utcnow
from kernel.exceptions import ValidationError

NOTIFY_CHANNELS = [("inbox", "In the app"), ("email", "By email")]
NOTIFICATION_KINDS = [("message", "New message"), ("activity", "Activity")]


class Users(Model):
    """Where a user is told of new messages and of activities, and the address mails go to."""

    _inherit = "res.users"

    email = fields.Char("Email", size=255)
    notify_message = fields.Selection(NOTIFY_CHANNELS, "New Messages", default="inbox", required=True,
                                      help="How you are told of a message on a record you follow")
    notify_activity = fields.Selection(NOTIFY_CHANNELS, "Activities", default="inbox", required=True,
                                       help="How you are told of an activity assigned to you and of its reminders")


class Notification(Model):
    """One thing a user is told in the app; its owner reads and dismisses it (record rule: own only)."""

    _name = "mail.notification"
    _description = "Notification"
    _order = "id desc"
    _rec_name = "title"

    user_id = fields.Many2one("res.users", "User", required=True, ondelete="cascade", index=True)
    kind = fields.Selection(NOTIFICATION_KINDS, "Kind", required=True, default="message")
    title = fields.Char("Title", required=True)
    message_id = fields.Many2one("mail.message", "Message", ondelete="cascade")
    res_model = fields.Char("Related Document Model", size=128)
    res_id = fields.Integer("Related Document ID")
    is_read = fields.Boolean("Read", default=False, index=True)
    read_date = fields.Datetime("Read On")

    def mark_read(self) -> bool:
        """Mark the user's notifications read (the bell's count drops)."""
        self.filtered(lambda n: not n.is_read).write({"is_read": True, "read_date": utcnow()})
        return True

    def dismiss(self) -> bool:
        """Remove them from the list."""
        return self.unlink()

    def bell(self, limit: int = 20) -> dict[str, Any]:
        """What the bell shows: the unread count and the latest notifications of the user."""
        mine = self.search([("user_id", "=", self.env.uid)], limit=limit)
        return {
            "unread": self.search_count([("user_id", "=", self.env.uid), ("is_read", "=", False)]),
            "items": [{"id": n.id, "title": n.title, "kind": n.kind, "is_read": n.is_read,
                       "res_model": n.res_model or "", "res_id": n.res_id or 0,
                       "date": n.create_date.isoformat() if n.create_date else ""} for n in mine],
        }


class Preferences(TransientModel):
    """The user's own notification choices, as a dialog (users do not write ``res.users`` themselves)."""

    _name = "mail.preferences"
    _description = "Notification Preferences"

    email = fields.Char("Email", size=255, default=lambda model: model.env.user.email)
    notify_message = fields.Selection(NOTIFY_CHANNELS, "New Messages", required=True,
                                      default=lambda model: model.env.user.notify_message or "inbox")
    notify_activity = fields.Selection(NOTIFY_CHANNELS, "Activities", required=True,
                                       default=lambda model: model.env.user.notify_activity or "inbox")

    def action_save(self) -> None:
        """Write the choices on the user's own record (and on no other)."""
        self.ensure_one()
        if "email" in (self.notify_message, self.notify_activity) and not (self.email or "").strip():
            raise ValidationError(self.env._("To be told by email, give your email address"), field="email")
        self.env.user.sudo().write({"email": (self.email or "").strip() or False,
                                    "notify_message": self.notify_message, "notify_activity": self.notify_activity})
