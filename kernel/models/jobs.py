"""Background jobs and their schedules: ``ir.job`` (one row per queued job) and ``ir.cron``.

``env.enqueue(job, *args)`` lands in :meth:`IrJob.enqueue`: the row is
written in the caller's transaction and the broker's message is sent after it
commits (:func:`kernel.db.after_commit`), so a rolled-back transaction queues
nothing.  ``erp worker`` (:mod:`kernel.jobs`) runs the rows; ``erp beat``
queues the jobs of the ``ir.cron`` rows that are due.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Mapping, Sequence
from datetime import datetime, timedelta, timezone
from typing import Any

from ..broker import Job, JobSettings, send
from ..db import after_commit, safe_url, utcnow
from ..exceptions import UserError, ValidationError
from ..hints import close_names
from ..orm import api, fields
from ..orm.models import Model
from .crontab import Crontab

JOB_STATES = [("queued", "Queued"), ("started", "Started"), ("done", "Done"), ("failed", "Failed"),
              ("cancelled", "Cancelled")]
INTERVAL_TYPES = [("seconds", "Seconds"), ("minutes", "Minutes"), ("hours", "Hours"), ("days", "Days"),
                  ("weeks", "Weeks")]
SCHEDULE_FIELDS = {"crontab", "interval_number", "interval_type"}
CONTEXT_KEYS = ("lang", "tz", "allowed_company_ids", "allowed_branch_ids")  # what a job's environment keeps


def declared_job(env: Any, job: Job | str) -> Job:
    """The job of that name the installed addons declare (``kernel_jobs``); an unknown one is refused."""
    known = env.services.plugins.jobs()
    name = job.name if isinstance(job, Job) else job
    if not isinstance(name, str) or name not in known:
        hint = close_names(str(name), list(known)) or f"; the installed addons declare: {', '.join(sorted(known)) or 'none'}"
        raise ValidationError(f"unknown job {name!r}{hint}", code="JOB_UNKNOWN")
    return known[name]


def _as_utc(eta: datetime | timedelta | float | int | None) -> datetime | None:
    if eta is None:
        return None
    if isinstance(eta, bool) or not isinstance(eta, (datetime, timedelta, int, float)):
        raise ValidationError(f"eta must be a datetime, a timedelta or seconds, not {eta!r}", code="JOB_ETA_INVALID")
    if isinstance(eta, datetime):
        when = eta.astimezone(timezone.utc).replace(tzinfo=None) if eta.tzinfo else eta
    else:
        when = utcnow() + (eta if isinstance(eta, timedelta) else timedelta(seconds=eta))
    if when.microsecond:  # datetimes are stored to the second: never earlier than asked
        when = when.replace(microsecond=0) + timedelta(seconds=1)
    return when


def _json_args(name: str, args: Sequence[Any]) -> list[Any]:
    try:
        return json.loads(json.dumps(list(args)))
    except (TypeError, ValueError) as exc:
        raise ValidationError(f"job {name!r}: its arguments must be JSON values (numbers, text, lists, "
                              f"dicts; pass record ids, not records): {exc}", code="JOB_ARGS_INVALID") from None


class IrJob(Model):
    """One background job: what to run, for whom, and how it went."""

    _name = "ir.job"
    _description = "Background Job"
    _order = "id desc"

    name = fields.Char("Job", required=True, readonly=True, index=True)
    description = fields.Char("Description", readonly=True)
    args = fields.Json("Arguments", readonly=True)
    key = fields.Char("Key", readonly=True, unique=True,
                      help="Jobs queued with the same key run once")
    state = fields.Selection(JOB_STATES, "State", required=True, default="queued", readonly=True, index=True)
    progress = fields.Integer("Progress (%)", default=0, readonly=True)
    progress_message = fields.Char("Progress Message", readonly=True)
    result = fields.Text("Result", readonly=True)
    error = fields.Text("Error", readonly=True)
    attempts = fields.Integer("Attempts", default=0, readonly=True)
    user_id = fields.Many2one("res.users", "Requested by", readonly=True, index=True, ondelete="set null")
    company_id = fields.Many2one("res.company", "Company", readonly=True, index=True, ondelete="set null")
    context = fields.Json("Context", readonly=True)
    cron_id = fields.Many2one("ir.cron", "Schedule", readonly=True, index=True, ondelete="set null")
    eta = fields.Datetime("Not Before", readonly=True)
    sent_at = fields.Datetime("Sent at", readonly=True, help="When the message that runs it was last sent")
    started_at = fields.Datetime("Started at", readonly=True)
    finished_at = fields.Datetime("Finished at", readonly=True)
    heartbeat_at = fields.Datetime("Last Heartbeat", readonly=True)
    worker = fields.Char("Worker", readonly=True)

    @api.model
    def enqueue(self, job: Job | str, args: Sequence[Any] = (), key: str | None = None,
                eta: datetime | timedelta | float | None = None, cron_id: int | None = None) -> Any:
        """Record a job for the current user, company and context; sent to the workers after the commit.

        A ``key`` already used returns the job queued with it instead of a new one.
        """
        declared = declared_job(self.env, job)
        if key is not None and (not isinstance(key, str) or not key.strip()):
            raise ValidationError(f"a job key must be non-empty text, not {key!r}", code="JOB_KEY_INVALID")
        jobs = self.sudo().with_context(active_test=False)
        if key is not None:
            existing = jobs.search([("key", "=", key)], limit=1)
            if existing:
                return existing.with_env(self.env)
        when = _as_utc(eta)
        now = utcnow()
        due = when is None or when <= now
        context = {name: self.env.context[name] for name in CONTEXT_KEYS if name in self.env.context}
        company = self.env.company if "res.company" in self.env else None
        record = jobs.create({
            "name": declared.name, "description": declared.description, "args": _json_args(declared.name, args),
            "key": key, "user_id": self.env.uid, "company_id": company.id if company else False, "context": context,
            "cron_id": cron_id or False, "eta": when, "sent_at": now if due else None,
        })
        if due:  # a later one is sent by the workers' housekeeping when it is due
            record._send_after_commit()
        return record.with_env(self.env)

    def _send_after_commit(self) -> None:
        """Send each job's message once the transaction commits (the workers' housekeeping sends it later if
        this process dies first, or if the transaction was not opened by :func:`kernel.db.transaction`)."""
        settings = JobSettings.from_settings(self.env.services.settings)
        database = safe_url(self.env.connection.engine.url)
        for job_id in self.ids:
            after_commit(self.env.connection, functools.partial(send, settings, database, job_id))

    def action_cancel(self) -> bool:
        """Cancel queued jobs (a started job cannot be stopped half-way: it finishes or fails whole)."""
        self._check_own()
        for job in self.sudo():
            if job.state != "queued":
                raise UserError(self.env._("Job %(id)s is %(state)s: only a queued job can be cancelled",
                                           id=job.id, state=job.state), code="JOB_NOT_CANCELLABLE")
        self.sudo().write({"state": "cancelled", "finished_at": utcnow()})
        return True

    def _check_own(self) -> None:
        """A user cancels the jobs they may read (their own; every job for administrators)."""
        readable = self.search([("id", "in", self.ids)])
        if len(readable) != len(self):
            raise UserError(self.env._("You can only cancel your own jobs"), code="JOB_NOT_YOURS", status=403)


class IrCron(Model):
    """A schedule: queue ``job`` every interval, or at the minutes a crontab expression names."""

    _name = "ir.cron"
    _description = "Scheduled Job"
    _order = "name"

    name = fields.Char("Name", required=True, translate=True)
    job = fields.Char("Job", required=True, help="Name of a job an installed addon declares")
    args = fields.Json("Arguments", default=list)
    user_id = fields.Many2one("res.users", "Run as", ondelete="set null",
                              help="Empty: the superuser")
    active = fields.Boolean("Active", default=True)
    interval_number = fields.Integer("Every", default=0)
    interval_type = fields.Selection(INTERVAL_TYPES, "Interval Unit", default="days")
    crontab = fields.Char("Crontab", help="'minute hour day month weekday' in UTC, instead of an interval")
    nextcall = fields.Datetime("Next Run", help="Set from the schedule when it is created or changed")
    lastcall = fields.Datetime("Last Run", readonly=True)
    last_outcome = fields.Selection([("queued", "Queued"), ("done", "Done"), ("failed", "Failed")],
                                    "Last Outcome", readonly=True)
    last_error = fields.Text("Last Error", readonly=True)
    failure_count = fields.Integer("Consecutive Failures", default=0, readonly=True)
    last_job_id = fields.Many2one("ir.job", "Last Job", readonly=True, ondelete="set null")

    @api.constrains("job", "interval_number", "interval_type", "crontab", "args")
    def _check_schedule(self) -> None:
        for cron in self:
            declared_job(self.env, cron.job)
            if bool(cron.crontab) == (cron.interval_number > 0):
                raise ValidationError(self.env._("Schedule %(name)s needs either a positive interval or a crontab "
                                                 "expression, not both", name=cron.name), code="CRON_SCHEDULE_INVALID")
            if cron.crontab:
                Crontab.parse(cron.crontab)
            if not isinstance(cron.args, list):
                raise ValidationError(self.env._("Schedule %(name)s: arguments must be a list", name=cron.name),
                                      code="JOB_ARGS_INVALID")

    def create(self, vals_list: Mapping[str, Any] | Sequence[Mapping[str, Any]]) -> Any:
        crons = super().create(vals_list)
        crons.filtered(lambda cron: not cron.nextcall)._reschedule()
        return crons

    def write(self, vals: Mapping[str, Any]) -> bool:
        result = super().write(vals)
        if SCHEDULE_FIELDS & set(vals) and "nextcall" not in vals:
            self._reschedule()
        return result

    def _reschedule(self) -> None:
        """The next run of a new or changed schedule: a crontab's next matching minute; an interval's, counted
        from the last run (now, when that is past or it never ran: the beat's next tick)."""
        now = utcnow().replace(microsecond=0)
        for cron in self:
            if cron.crontab:
                nextcall = cron.next_after(now)
            else:
                nextcall = max(cron.next_after(cron.lastcall), now) if cron.lastcall else now
            super(IrCron, cron).write({"nextcall": nextcall})

    def next_after(self, moment: datetime) -> datetime:
        """When this schedule fires next after ``moment`` (UTC)."""
        self.ensure_one()
        if self.crontab:
            return Crontab.parse(self.crontab).next_after(moment)
        return moment + timedelta(**{self.interval_type: self.interval_number})

    def fire(self, now: datetime) -> Any:
        """Queue this schedule's job (once per due time: the key is the schedule and its due time) and
        move ``nextcall`` past ``now``; missed runs are not caught up one by one."""
        self.ensure_one()
        due = self.nextcall or now
        user = self.user_id.id or None
        jobs = self.env["ir.job"] if user is None else self.env["ir.job"].with_user(user).sudo()
        job = jobs.enqueue(self.job, self.args or [], key=f"cron:{self.id}:{due.isoformat()}", cron_id=self.id)
        self.sudo().write({"lastcall": now, "nextcall": self.next_after(max(due, now)),
                           "last_outcome": "queued", "last_job_id": job.id})
        return job
