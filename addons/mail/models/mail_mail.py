"""``mail.mail``: the outgoing queue (Odoo's field names), sent by :func:`..outgoing.send_queued`.

A mail is ``outgoing`` until an SMTP server accepted it (``sent``) or refused it
for good (``exception``, with the reason). While the server cannot be reached
it stays ``outgoing``: each failed attempt pushes ``next_try`` further
(backoff), so nothing is lost and nothing hammers a server that is down.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from kernel import Model, api, fields
from kernel.db import utcnow
from kernel.exceptions import UserError, ValidationError

from .sanitize import sanitize_html

MAIL_STATES = [("outgoing", "Outgoing"), ("sent", "Sent"), ("exception", "Delivery Failed"),
               ("cancel", "Cancelled")]
RETRY_BASE_SECONDS = 60
RETRY_MAX_SECONDS = 3600


def retry_delay(attempts: int) -> timedelta:
    """The wait before the next attempt after ``attempts`` failed ones: 1, 2, 4 ... minutes, at most an hour."""
    return timedelta(seconds=min(RETRY_BASE_SECONDS * 2 ** max(attempts - 1, 0), RETRY_MAX_SECONDS))


class MailMail(Model):
    _name = "mail.mail"
    _description = "Outgoing Mail"
    _order = "id desc"
    _rec_name = "subject"

    email_from = fields.Char("From", required=True)
    email_to = fields.Text("To", required=True, help="Addresses separated by commas")
    subject = fields.Char("Subject")
    body_html = fields.Html("Body")
    state = fields.Selection(MAIL_STATES, "Status", required=True, default="outgoing", index=True, readonly=True)
    failure_reason = fields.Text("Failure Reason", readonly=True)
    attempts = fields.Integer("Attempts", readonly=True, default=0)
    next_try = fields.Datetime("Next Try", readonly=True, help="Not sent again before this time")
    sent_date = fields.Datetime("Sent On", readonly=True)
    message_id = fields.Char("Message-Id", readonly=True, copy=False)
    mail_message_id = fields.Many2one("mail.message", "Message", ondelete="set null")
    res_model = fields.Char("Related Document Model", size=128)
    res_id = fields.Integer("Related Document ID")
    attachment_ids = fields.Many2many("ir.attachment", "mail_mail_attachment_rel", "mail_id", "attachment_id",
                                      "Attachments")

    @api.constrains("email_to")
    def _check_recipients(self) -> None:
        for mail in self:
            if not [a for a in (mail.email_to or "").split(",") if a.strip()]:
                raise ValidationError(self.env._("Outgoing mail %(subject)s: it has no recipient",
                                                 subject=mail.subject or ""))

    def create(self, vals_list: Any) -> Any:
        vals_list = [vals_list] if isinstance(vals_list, dict) else list(vals_list)
        vals_list = [{**v, "body_html": sanitize_html(v["body_html"])} if v.get("body_html") else v
                     for v in vals_list]
        mails = super().create(vals_list)
        mails._send_soon()
        return mails

    def _send_soon(self) -> None:
        """Queue the sending job once this transaction commits (the schedule catches up on anything missed)."""
        if self:
            self.env(su=True).enqueue("mail.send_queue")

    def action_retry(self) -> bool:
        """Put failed or cancelled mails back in the queue, to be sent at the next run."""
        if self.filtered(lambda m: m.state == "sent"):
            raise UserError(self.env._("A sent mail cannot be sent again"))
        self.sudo().write({"state": "outgoing", "next_try": False, "failure_reason": False})
        self._send_soon()
        return True

    def action_cancel(self) -> bool:
        """Take outgoing mails out of the queue."""
        if self.filtered(lambda m: m.state == "sent"):
            raise UserError(self.env._("A sent mail cannot be cancelled"))
        self.sudo().write({"state": "cancel"})
        return True

    def due_ids(self, limit: int, now: Any = None) -> list[int]:
        """Outgoing mails whose next try has come, oldest first."""
        now = now or utcnow()
        return self.sudo().search([
            ("state", "=", "outgoing"), "|", ("next_try", "=", False), ("next_try", "<=", now),
        ], order="id", limit=limit).ids
