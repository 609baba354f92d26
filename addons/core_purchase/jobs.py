"""The background jobs of ``core_purchase``, scheduled by its ``ir.cron`` data."""

from __future__ import annotations

from typing import Any

from kernel import job


@job("purchase.release_expired_holds")
def release_expired_holds(env: Any) -> str:
    """Take suppliers off hold whose release date has passed."""
    released = env["basepartner"].release_expired_holds()
    return f"{len(released)} supplier(s) released"
