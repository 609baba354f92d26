"""The background jobs of ``base``, scheduled by its ``ir.cron`` data."""

from __future__ import annotations

from typing import Any

from kernel import job
from kernel.http.sessions import purge_expired


@job("base.purge_sessions")
def purge_sessions(env: Any) -> str:
    """Delete the web sessions that expired (logins do it too, but a quiet database needs the schedule)."""
    return f"{purge_expired(env)} expired session(s) deleted"
