"""The transient models' vacuum: wizards' records are working copies, deleted once they are old.

A wizard's record lives while its dialog is open; nothing refers to it after.
:func:`vacuum_transient` deletes, for every transient model of the registry, the
records created longer ago than ``[transient] max_age_hours`` (default 1), as the
superuser (the records are their creators' only).  It runs hourly as the
schedule ``base.cron_vacuum_transient`` (job ``base.vacuum_transient``), and
can be called from code or ``erp shell``.
"""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING

from ..db import utcnow
from ..exceptions import KernelError

if TYPE_CHECKING:
    from ..orm.env import Environment

DEFAULT_MAX_AGE_HOURS = 1.0


def max_age(env: Environment) -> timedelta:
    """How old a wizard's record may get (``[transient] max_age_hours``); a bad value is a configuration error."""
    raw = env.services.settings.section("transient").get("max_age_hours", DEFAULT_MAX_AGE_HOURS)
    if isinstance(raw, bool) or not isinstance(raw, (int, float)) or raw <= 0:
        raise KernelError(f"[transient] max_age_hours must be a positive number of hours, got {raw!r}")
    return timedelta(hours=float(raw))


def transient_models(env: Environment) -> list[str]:
    """The names of the registry's transient models."""
    return sorted(name for name, model in env.registry.models.items() if model._transient and not model._abstract)


def vacuum_transient(env: Environment, older_than: timedelta | None = None) -> dict[str, int]:
    """Delete the transient records created before ``older_than`` ago (the configured age by default);
    returns how many went, per model (models with none deleted are left out)."""
    age = max_age(env) if older_than is None else older_than
    limit = utcnow() - age
    deleted: dict[str, int] = {}
    for name in transient_models(env):
        old = env[name].sudo().with_context(active_test=False).search([("create_date", "<", limit)])
        if old:
            deleted[name] = len(old)
            old.unlink()
    return deleted
