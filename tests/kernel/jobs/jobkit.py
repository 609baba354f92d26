"""What the tests of real workers share: the fixture addons, fast settings, the notes the jobs write."""

from __future__ import annotations

from pathlib import Path

import sqlalchemy as sa

from kernel import Kernel

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "job_addons"
# heartbeats, reaping, resending, polling and the beat made quick, so that the tests are
FAST = {"heartbeat": 0.5, "heartbeat_timeout": 2, "polling_interval": 0.05, "resend_after": 5, "beat_interval": 0.5}


def notes(kernel: Kernel, prefix: str = "") -> list[str]:
    """The names of the committed ``job.demo.note`` rows starting with ``prefix``, in creation order."""
    table = kernel.registry["job.demo.note"]._sql
    with kernel.engine.connect() as connection:
        names = connection.execute(sa.select(table.c.name).order_by(table.c.id)).scalars()
        return [name for name in names if name.startswith(prefix)]
