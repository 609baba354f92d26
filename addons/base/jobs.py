"""The background jobs of ``base``, scheduled by its ``ir.cron`` data."""

from __future__ import annotations

from contextlib import nullcontext
from typing import Any

from kernel import job
from kernel.http.sessions import purge_expired
from kernel.models.transient import vacuum_transient
from kernel.models.webhooks import deliver_due, purge

EVENTS_PER_RUN = 50  # deliveries posted by one run; the run queues the next one when more are due


@job("base.purge_sessions")
def purge_sessions(env: Any) -> str:
    """Delete the web sessions that expired (logins do it too, but a quiet database needs the schedule)."""
    return f"{purge_expired(env)} expired session(s) deleted"


@job("base.deliver_events")
def deliver_events(env: Any) -> str:
    """Deliver the event outbox to its webhook subscribers (retries with backoff, dead letters).

    The run is one transaction (the job's): its claims, posts' outcomes and log commit together, and a
    worker killed half-way commits none of them, so those deliveries are posted again (at least once)."""
    report = deliver_due(lambda: nullcontext(env), limit=EVENTS_PER_RUN)
    if len(report.outcomes) == EVENTS_PER_RUN:
        env.enqueue(deliver_events)
    return (f"{report.dispatched} event(s) fanned out; {report.delivered} delivered, {report.retrying} to retry, "
            f"{report.dead} dead; {purge(env)} old event(s) deleted")


@job("base.collect_attachment_garbage")
def collect_attachment_garbage(env: Any) -> str:
    """Remove the filestore's files no attachment references any more."""
    return f"{len(env['ir.attachment'].sudo().collect_garbage())} file(s) removed"


@job("base.vacuum_transient")
def vacuum_wizards(env: Any) -> dict[str, int]:
    """Delete the wizards' records older than ``[transient] max_age_hours`` (their dialogs are long closed)."""
    return vacuum_transient(env)


@job("base.run_server_action")
def run_server_action(env: Any, action_id: int, record_ids: list[int]) -> list[dict[str, Any]]:
    """Run a server action on a large selection (the web client's Action menu queues it), with its progress."""
    return env["ir.actions.server"].browse(action_id).run(record_ids)
