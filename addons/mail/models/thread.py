"""``mail.thread``: the mixin that gives a model a chatter.

A model inheriting it (``_inherit = ["mail.thread"]`` with its own ``_name``,
or ``_inherit = ["basepartner", "mail.thread"]`` to give an existing model a
chatter) gets:

- messages: ``message_post`` (comments and internal notes), ``message_fetch``
  (the timeline, newest first), all checked against the user's access to the
  record, then read and written as the superuser;
- tracked changes: each ``write`` that changes fields declared
  ``tracking=True`` posts one message listing every changed field, old → new;
- followers: the creator and the assignee (``user_id``) follow automatically;
  a comment tells every follower but its author, by their preference.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from kernel import AbstractModel
from kernel.exceptions import MissingError, ValidationError

from .notify import notify_followers

PAGE_SIZE = 50  # messages per page of the timeline
MESSAGE_KINDS = ("comment", "note", "notification")


class MailThread(AbstractModel):
    _name = "mail.thread"
    _description = "Discussion Thread"
    _supports_tracking = True

    # -- lifecycle ---------------------------------------------------------------------------

    def create(self, vals_list: Any) -> Any:
        records = super().create(vals_list)
        if records and not self.env.context.get("mail_create_nosubscribe"):
            rows = [{"res_model": self._name, "res_id": record.id, "user_id": uid}
                    for record in records for uid in sorted({self.env.uid, *record._assignee_ids()})]
            self.env(su=True)["mail.followers"].create(rows)        # new records: nobody follows them yet
        return records

    def write(self, vals: Mapping[str, Any]) -> bool:
        tracked = [] if self.env.context.get("mail_notrack") else self._tracked_field_names(vals)
        before = {record.id: record._tracking_snapshot(tracked) for record in self} if tracked else {}
        result = super().write(vals)
        for record in self:
            if tracked:
                record._post_tracking(before[record.id], record._tracking_snapshot(tracked))
            if "user_id" in vals and (assignees := record._assignee_ids()):
                record._subscribe(user_ids=assignees)
        return result

    def unlink(self) -> bool:
        """A record's messages, followers, activities and notifications go with it."""
        model, ids = self._name, self.ids
        result = super().unlink()
        root = self.env(su=True)
        for name, field in (("mail.message", "model"), ("mail.followers", "res_model"),
                            ("mail.activity", "res_model"), ("mail.notification", "res_model")):
            root[name].search([(field, "=", model), ("res_id", "in", ids)]).unlink()
        return result

    # -- tracking ----------------------------------------------------------------------------

    def _tracked_field_names(self, vals: Mapping[str, Any]) -> list[str]:
        return [name for name in vals if (field := self._fields.get(name)) is not None and field.tracking]

    def _tracking_snapshot(self, names: Iterable[str]) -> dict[str, str]:
        """How each field shows to a user now (names of related records, selection labels)."""
        record = self.sudo()
        return {name: display_value(record, name) for name in names}

    def _post_tracking(self, before: Mapping[str, str], after: Mapping[str, str]) -> None:
        changes = [(name, before[name], after[name]) for name in after if before[name] != after[name]]
        if not changes:
            return
        lines = [(0, 0, {"field_name": name, "field_desc": self.env._(self._fields[name].string),
                         "old_value": old, "new_value": new}) for name, old, new in changes]
        self.env(su=True)["mail.message"].create({
            "model": self._name, "res_id": self.id, "record_name": self.sudo().display_name,
            "message_type": "notification", "body": "", "tracking_value_ids": lines,
        })

    # -- messages ----------------------------------------------------------------------------

    def _readable(self) -> Any:
        """This record if the user may read it; the same error as a deleted one otherwise."""
        self.ensure_one()
        self.check_access_rights("read")
        if not self.exists():
            raise MissingError(self.env._("%(model)s (%(name)s): records %(ids)s do not exist or you may not see them",
                                          model=self._description, name=self._name, ids=self.ids))
        return self

    def message_post(self, body: str = "", message_type: str = "comment", subject: str | None = None,
                     attachment_ids: Iterable[int] = (), author_id: int | None = None) -> int:
        """Post a comment (followers are told) or an internal note (they are not); returns the message's id."""
        self._readable()
        if message_type not in ("comment", "note"):
            raise ValidationError(self.env._("A message is posted as a comment or a note, not %(kind)r",
                                             kind=message_type))
        if not (body or "").strip() and not list(attachment_ids):
            raise ValidationError(self.env._("A message needs a text or an attachment"))
        root = self.env(su=True)
        subtype = "mail.mt_comment" if message_type == "comment" else "mail.mt_note"
        values: dict[str, Any] = {
            "model": self._name, "res_id": self.id, "record_name": self.sudo().display_name, "body": body,
            "subject": subject or False, "message_type": message_type,
            "author_id": author_id or self.env.user.partner_id.id or False,
            "subtype_id": root.ref(subtype).id,
        }
        if attachment_ids:
            values["attachment_ids"] = [(6, 0, self._own_attachments(attachment_ids))]
        message = root["mail.message"].create(values)
        if message_type == "comment":
            notify_followers(self, message)
        return message.id

    def _own_attachments(self, attachment_ids: Iterable[int]) -> list[int]:
        """Attachments the user may read, moved onto this record (an upload is made before its message)."""
        attachments = self.env["ir.attachment"].browse(list(attachment_ids)).exists()
        if len(attachments) != len(set(attachment_ids)):
            raise ValidationError(self.env._("Some attachments do not exist or you may not see them"))
        attachments.sudo().write({"res_model": self._name, "res_id": self.id})
        return attachments.ids

    def message_fetch(self, kind: str | None = None, offset: int = 0, limit: int = PAGE_SIZE) -> dict[str, Any]:
        """The timeline, newest first: ``{"messages": [...], "more": bool}``; ``kind`` filters by type."""
        self._readable()
        if kind and kind not in MESSAGE_KINDS:
            raise ValidationError(self.env._("Unknown kind of message %(kind)r; use one of %(kinds)s",
                                             kind=kind, kinds=", ".join(MESSAGE_KINDS)))
        domain: list[Any] = [("model", "=", self._name), ("res_id", "=", self.id)]
        if kind:
            domain.append(("message_type", "=", kind))
        root = self.env(su=True)
        messages = root["mail.message"].search(domain, offset=offset, limit=limit + 1)
        return {"messages": [message_summary(message) for message in messages[:limit]],
                "more": len(messages) > limit}

    # -- activities --------------------------------------------------------------------------

    def activity_schedule(self, activity_type_id: int, summary: str | None = None, note: str | None = None,
                          user_id: int | None = None, date_deadline: Any = None) -> int:
        """Plan an activity on this record (for the user, or ``user_id``); the due date defaults from the type."""
        self._readable()
        values = {"res_model": self._name, "res_id": self.id, "activity_type_id": activity_type_id,
                  "user_id": user_id or self.env.uid}
        values.update({key: value for key, value in (("summary", summary), ("note", note),
                                                     ("date_deadline", date_deadline)) if value})
        return int(self.env["mail.activity"].create(values).id)

    def activity_list(self) -> list[dict[str, Any]]:
        """The record's planned activities, soonest first, with their state against each assignee's today."""
        self._readable()
        activities = self.env(su=True)["mail.activity"].search([("res_model", "=", self._name),
                                                                ("res_id", "=", self.id)])
        return [{"id": a.id, "type": a.activity_type_id.name, "summary": a.summary or "", "note": a.note or "",
                 "date_deadline": a.date_deadline.isoformat(), "state": a.state, "user": a.user_id.name,
                 "user_id": a.user_id.id} for a in activities]

    # -- followers ---------------------------------------------------------------------------

    def _assignee_ids(self) -> list[int]:
        field = self._fields.get("user_id")
        if field is None or getattr(field, "comodel_name", None) != "res.users":
            return []
        return self.sudo().user_id.ids

    def _subscribe(self, user_ids: Iterable[int] = (), partner_ids: Iterable[int] = ()) -> None:
        followers = self.env(su=True)["mail.followers"]
        existing = followers.search([("res_model", "=", self._name), ("res_id", "=", self.id)])
        users = set(existing.mapped("user_id").ids)
        partners = set(existing.mapped("partner_id").ids)
        rows = [{"res_model": self._name, "res_id": self.id, "user_id": uid} for uid in set(user_ids) - users if uid]
        rows += [{"res_model": self._name, "res_id": self.id, "partner_id": pid}
                 for pid in set(partner_ids) - partners if pid]
        if rows:
            followers.create(rows)

    def message_subscribe(self, partner_ids: Iterable[int] = (), user_ids: Iterable[int] = ()) -> bool:
        """Add followers (users or partners) to the records the user may read."""
        for record in self:
            record._readable()
            record._subscribe(user_ids=user_ids, partner_ids=partner_ids)
        return True

    def message_unsubscribe(self, partner_ids: Iterable[int] = (), user_ids: Iterable[int] = ()) -> bool:
        for record in self:
            record._readable()
            self.env(su=True)["mail.followers"].search([
                ("res_model", "=", record._name), ("res_id", "=", record.id),
                "|", ("partner_id", "in", list(partner_ids)), ("user_id", "in", list(user_ids)),
            ]).unlink()
        return True

    def message_followers(self) -> list[dict[str, Any]]:
        """Who follows the record: ``[{"id", "name", "kind": "user" | "partner"}]``."""
        self._readable()
        followers = self.env(su=True)["mail.followers"].search([("res_model", "=", self._name),
                                                                ("res_id", "=", self.id)])
        return [{"id": f.id, "name": f.follower_name(), "kind": "user" if f.user_id else "partner",
                 "user_id": f.user_id.id or False, "partner_id": f.partner_id.id or False} for f in followers]


def display_value(record: Any, name: str) -> str:
    """A field's value as shown to a user, for the old → new line of a tracked change."""
    field = record._fields[name]
    value = record[name]
    if field.type == "many2one":
        return value.display_name or ""
    if field.type in ("one2many", "many2many"):
        return ", ".join(sorted(value.mapped("display_name")))
    if field.type == "selection":
        labels = dict(field.get_selection(record))
        return str(labels.get(value, value or ""))
    if field.type == "boolean":
        return record.env._("Yes") if value else record.env._("No")
    if value is False or value is None:
        return ""
    return str(value)


def message_summary(message: Any) -> dict[str, Any]:
    """What the chatter shows of a message."""
    return {
        "id": message.id, "body": message.body or "", "subject": message.subject or "",
        "message_type": message.message_type, "date": message.date.isoformat() if message.date else "",
        "author": message.author_name(),
        "subtype": message.subtype_id.name or "",
        "tracking": [{"field": line.field_desc, "old": line.old_value or "", "new": line.new_value or ""}
                     for line in message.tracking_value_ids],
        "attachments": [{"id": a.id, "name": a.name, "mimetype": a.mimetype or "", "url": f"/web/content/{a.id}"}
                        for a in message.attachment_ids],
    }
