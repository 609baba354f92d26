"""The background jobs of the mail addon, run by ``erp worker`` and scheduled by its ``ir.cron`` data."""

from __future__ import annotations

from typing import Any

from kernel import job

from .models.activity import remind_due_activities
from .outgoing import send_due


@job("mail.send_queue", retries=3, backoff=60)
def send_queue(env: Any, limit: int = 100) -> str:
    """Send the due outgoing mails through the [mail] SMTP server."""
    run = send_due(env(su=True), limit=limit)
    return f"{run.sent} sent, {run.deferred} deferred, {run.failed} failed"


@job("mail.activity_reminders")
def activity_reminders(env: Any) -> str:
    """Remind each assignee of their activities due today or late."""
    return f"{remind_due_activities(env(su=True))} reminder(s)"
