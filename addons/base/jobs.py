"""The background jobs of ``base``, scheduled by its ``ir.cron`` data."""

from __future__ import annotations

from typing import Any

from kernel import job
from kernel.http.sessions import purge_expired
from kernel.models.transient import vacuum_transient


@job("base.purge_sessions")
def purge_sessions(env: Any) -> str:
    """Delete the web sessions that expired (logins do it too, but a quiet database needs the schedule)."""
    return f"{purge_expired(env)} expired session(s) deleted"


@job("base.vacuum_transient")
def vacuum_wizards(env: Any) -> dict[str, int]:
    """Delete the wizards' records older than ``[transient] max_age_hours`` (their dialogs are long closed)."""
    return vacuum_transient(env)
