"""Messages of a record's chatter, their tracked values, and who follows a record.

A message hangs on any record through ``model`` and ``res_id`` (Odoo's names),
not through a foreign key: every model inheriting ``mail.thread`` shares the
one table. Users reach messages and followers through the thread's methods
(``message_post``, ``message_fetch``, ``message_subscribe``), which check the
user's access to the record first. Messages may also be read directly (RPC
``search_read``): a user reads those of the records they may read (the
model's ``_access_where``); tracked values and followers are for the
superuser only (access rows at 0).
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa

from kernel import Model, api, fields
from kernel.db import utcnow
from kernel.exceptions import ValidationError

from .sanitize import sanitize_html

MESSAGE_TYPES = [("comment", "Comment"), ("note", "Note"), ("notification", "System notification")]


class MessageSubtype(Model):
    """What a message is about (a discussion, an internal note, an activity), as followers see it."""

    _name = "mail.message.subtype"
    _description = "Message Subtype"
    _order = "sequence, id"

    name = fields.Char("Name", required=True, translate=True)
    internal = fields.Boolean("Internal Only", help="Messages of this subtype are not sent to partners by email")
    sequence = fields.Integer("Sequence", default=10)


class Message(Model):
    _name = "mail.message"
    _description = "Message"
    _order = "date desc, id desc"
    _rec_name = "subject"

    model = fields.Char("Related Document Model", size=128, index=True)
    res_id = fields.Integer("Related Document ID", index=True)
    record_name = fields.Char("Record Name")
    subject = fields.Char("Subject")
    body = fields.Html("Contents")
    message_type = fields.Selection(MESSAGE_TYPES, "Type", required=True, default="comment")
    subtype_id = fields.Many2one("mail.message.subtype", "Subtype", ondelete="set null")
    author_id = fields.Many2one("basepartner", "Author", ondelete="set null",
                                default=lambda model: model.env.user.partner_id.id or False,
                                help="The partner who wrote it: the posting user's own, or an outside author's")
    date = fields.Datetime("Date", default=lambda model: utcnow(), index=True)
    tracking_value_ids = fields.One2many("mail.tracking.value", "message_id", "Tracking Values")
    attachment_ids = fields.Many2many("ir.attachment", "mail_message_attachment_rel", "message_id", "attachment_id",
                                      "Attachments")

    @api.constrains("model", "res_id")
    def _check_document(self) -> None:
        for message in self:
            if message.model and message.model not in self.env.registry:
                raise ValidationError(self.env._("Message: unknown model %(model)s", model=message.model))

    def _access_where(self, table: sa.FromClause, operation: str) -> sa.ColumnElement[bool]:
        """A user reads the messages of the records they may read; writing messages is the threads' work
        (``message_post``), done as the superuser."""
        if operation != "read":
            return sa.false()
        models = self.env.execute(sa.select(table.c.model).where(table.c.model.is_not(None)).distinct()).scalars()
        clauses = []
        for name in sorted(models):
            if name not in self.env.registry or name == self._name:
                continue
            target = self.env[name]
            if target._abstract or not target.check_access_rights("read", raise_exception=False):
                continue
            target_table = target._sql.alias()
            ids = sa.select(target_table.c.id)
            restriction = self.env.policy.subquery_where(target, target_table)
            if restriction is not None:
                ids = ids.where(restriction)
            clauses.append(sa.and_(table.c.model == name, table.c.res_id.in_(ids)))
        return sa.or_(*clauses) if clauses else sa.false()

    def create(self, vals_list: Any) -> Any:
        """Bodies are sanitised whoever writes them (a client, an import, a template)."""
        vals_list = [vals_list] if isinstance(vals_list, dict) else list(vals_list)
        vals_list = [{**vals, "body": sanitize_html(vals["body"])} if "body" in vals else vals for vals in vals_list]
        return super().create(vals_list)

    def write(self, vals: Any) -> bool:
        if isinstance(vals, dict) and "body" in vals:
            vals = {**vals, "body": sanitize_html(vals["body"])}
        return super().write(vals)

    def author_name(self) -> str:
        """Who wrote it: the partner, else the user who posted it."""
        self.ensure_one()
        return self.author_id.name or self.create_uid.name or ""


class TrackingValue(Model):
    """One changed field of a tracked change, as the user saw it: old and new shown values."""

    _name = "mail.tracking.value"
    _description = "Tracked Value"
    _order = "id"

    message_id = fields.Many2one("mail.message", "Message", required=True, ondelete="cascade", index=True)
    field_name = fields.Char("Field", required=True, size=128)
    field_desc = fields.Char("Field Label", required=True)
    old_value = fields.Text("Old Value")
    new_value = fields.Text("New Value")


class Followers(Model):
    """A user or a partner following a record: told of its new messages by their preference."""

    _name = "mail.followers"
    _description = "Document Follower"
    _rec_name = "res_model"
    _unique = (("res_model", "res_id", "partner_id"), ("res_model", "res_id", "user_id"))

    res_model = fields.Char("Related Document Model", size=128, required=True, index=True)
    res_id = fields.Integer("Related Document ID", required=True, index=True)
    partner_id = fields.Many2one("basepartner", "Partner", ondelete="cascade", index=True)
    user_id = fields.Many2one("res.users", "User", ondelete="cascade", index=True)

    @api.constrains("partner_id", "user_id")
    def _check_follower(self) -> None:
        for follower in self:
            if bool(follower.partner_id) == bool(follower.user_id):
                raise ValidationError(self.env._("A follower is either a user or a partner, not both and not neither"))

    def follower_name(self) -> str:
        self.ensure_one()
        return self.user_id.name or self.partner_id.name or ""
