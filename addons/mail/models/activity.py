"""Activities: a call, a meeting, an email or a to-do planned on a record for a user, by a due date.

An activity is ``planned``, due ``today`` or ``overdue``, against the
assignee's own today (their time zone). Marking it done posts a message on
the record (with the feedback) and removes it, as Odoo does. A daily job
(:func:`remind_due_activities`) reminds each assignee once a day of what is
due or late.
"""

from __future__ import annotations

import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from kernel import Model, api, fields
from kernel.exceptions import MissingError, ValidationError

from .notify import in_language, notify_user
from .sanitize import sanitize_html

DELAY_UNITS = [("days", "days"), ("weeks", "weeks")]
ACTIVITY_STATES = [("overdue", "Overdue"), ("today", "Today"), ("planned", "Planned")]


def user_today(user: Any) -> dt.date:
    """Today where the user is (their ``tz``, UTC when unknown)."""
    try:
        zone = ZoneInfo(user.tz or "UTC")
    except (ZoneInfoNotFoundError, ValueError):
        zone = ZoneInfo("UTC")
    return dt.datetime.now(zone).date()


class ActivityType(Model):
    _name = "mail.activity.type"
    _description = "Activity Type"
    _order = "sequence, id"

    name = fields.Char("Name", required=True, translate=True)
    summary = fields.Char("Default Summary", translate=True)
    delay_count = fields.Integer("Schedule", default=0, help="Due this many units after it is planned")
    delay_unit = fields.Selection(DELAY_UNITS, "Delay Units", required=True, default="days")
    icon = fields.Char("Icon", size=32)
    sequence = fields.Integer("Sequence", default=10)
    active = fields.Boolean("Active", default=True)

    @api.constrains("delay_count")
    def _check_delay(self) -> None:
        for kind in self:
            if kind.delay_count < 0:
                raise ValidationError(self.env._("Activity type %(name)s: the delay cannot be negative",
                                                 name=kind.name), field="delay_count")

    def deadline_from(self, day: dt.date) -> dt.date:
        self.ensure_one()
        days = self.delay_count * (7 if self.delay_unit == "weeks" else 1)
        return day + dt.timedelta(days=days)


class Activity(Model):
    _name = "mail.activity"
    _description = "Activity"
    _order = "date_deadline, id"
    _rec_name = "summary"

    res_model = fields.Char("Related Document Model", size=128, required=True, index=True)
    res_id = fields.Integer("Related Document ID", required=True, index=True)
    res_name = fields.Char("Document Name")
    activity_type_id = fields.Many2one("mail.activity.type", "Activity Type", required=True, ondelete="restrict")
    summary = fields.Char("Summary")
    note = fields.Html("Note")
    date_deadline = fields.Date("Due Date", required=True, index=True)
    user_id = fields.Many2one("res.users", "Assigned To", required=True, index=True, ondelete="cascade",
                              default=lambda model: model.env.uid)
    state = fields.Selection(ACTIVITY_STATES, "State", compute="_compute_state")
    reminded_on = fields.Date("Reminded On", readonly=True, copy=False)

    @api.depends("date_deadline", "user_id")
    def _compute_state(self) -> None:
        for activity in self:
            if not activity.date_deadline:
                activity.state = False
                continue
            today = user_today(activity.sudo().user_id)
            activity.state = ("overdue" if activity.date_deadline < today
                              else "today" if activity.date_deadline == today else "planned")

    def create(self, vals_list: Any) -> Any:
        vals_list = [vals_list] if isinstance(vals_list, dict) else list(vals_list)
        prepared = [self._prepare(dict(vals)) for vals in vals_list]
        activities = super().create(prepared)
        for activity in activities:
            if activity.user_id.id != self.env.uid:
                assignee = activity.sudo().user_id
                told = in_language(self.env, assignee)
                notify_user(assignee, "activity",
                            told._("%(type)s assigned to you: %(summary)s",
                                   type=activity.with_env(told).activity_type_id.name,
                                   summary=activity.summary or activity.res_name or ""),
                            activity.res_model, activity.res_id)
        return activities

    def _prepare(self, vals: dict[str, Any]) -> dict[str, Any]:
        """The document must exist and be readable; the due date and summary default from the type."""
        model, res_id = vals.get("res_model"), vals.get("res_id")
        if not model or model not in self.env.registry or not res_id:
            raise ValidationError(self.env._("An activity is planned on a record: %(model)s,%(id)s is none",
                                             model=model, id=res_id), field="res_model")
        document = self.env[model].browse(res_id)
        document.check_access_rights("read")
        if not document.exists():
            raise MissingError(self.env._("%(model)s,%(id)s does not exist or you may not see it",
                                          model=model, id=res_id))
        vals["res_name"] = document.sudo().display_name
        kind = self.env["mail.activity.type"].browse(vals.get("activity_type_id") or [])
        if kind:
            if not vals.get("date_deadline"):
                vals["date_deadline"] = kind.deadline_from(user_today(self.env.user))
            vals.setdefault("summary", kind.summary or False)
        if vals.get("note"):
            vals["note"] = sanitize_html(vals["note"])
        return vals

    def action_done(self, feedback: str = "") -> list[int]:
        """Post "<type> done" with the feedback on each activity's record, then remove the activities."""
        root = self.env(su=True)
        messages: list[int] = []
        for activity in self:
            body = self.env._("%(type)s done: %(summary)s", type=activity.activity_type_id.name,
                              summary=activity.summary or "")
            parts = [f"<p>{sanitize_html(body)}</p>"]
            if activity.note:
                parts.append(activity.note)
            if feedback and feedback.strip():
                line = self.env._("Feedback: %(text)s", text=feedback.strip())
                parts.append(f"<p>{sanitize_html(line)}</p>")
            messages.append(root["mail.message"].create({
                "model": activity.res_model, "res_id": activity.res_id, "record_name": activity.res_name,
                "message_type": "notification", "body": "".join(parts),
                "subtype_id": root.ref("mail.mt_activities").id,
            }).id)
        self.unlink()
        return messages

    def action_open_document(self) -> dict[str, Any]:
        """The record the activity is about, as a window action."""
        self.ensure_one()
        return {"type": "ir.actions.window", "res_model": self.res_model, "res_id": self.res_id,
                "view_mode": "form", "views": [[False, "form"]]}


def remind_due_activities(env: Any) -> int:
    """The daily job: tell each assignee of their activities due today or late, once a day; returns how many."""
    root = env(su=True)
    reminded = 0
    latest_today = dt.datetime.now(dt.timezone.utc).date() + dt.timedelta(days=1)   # the furthest time zone's
    for activity in root["mail.activity"].search([("date_deadline", "<=", latest_today)]):
        today = user_today(activity.user_id)
        if activity.date_deadline > today or activity.reminded_on == today:
            continue
        told = in_language(root, activity.user_id)
        title = told._("Reminder: %(type)s %(summary)s on %(record)s is %(state)s",
                       type=activity.with_env(told).activity_type_id.name, summary=activity.summary or "",
                       record=activity.res_name or "", state=told._(dict(ACTIVITY_STATES)[activity.state]))
        notify_user(activity.user_id, "activity", title, activity.res_model, activity.res_id)
        activity.reminded_on = today
        reminded += 1
    return reminded
