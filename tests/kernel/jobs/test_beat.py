"""``erp beat`` under real processes: schedules fire on time, edits apply without a restart, two beats
fire each due time once, a failing job counts on its schedule, and a standby takes over from a killed beat."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
import sqlalchemy as sa

from kernel.db import writing
from kernel.testing.workers import jobs_config, kernel_for, running, start_beat, start_worker, wait_for
from tests.kernel.jobs.jobkit import FAST, FIXTURES, notes


@pytest.fixture(scope="module")
def erp_addons() -> list[str]:
    return ["job_demo"]


@pytest.fixture(scope="module")
def erp_addons_path(erp_addons_path: list[Path]) -> list[Path]:
    return [*erp_addons_path, FIXTURES]


def _cron_jobs(kernel, cron_id: int) -> list[tuple[str, str]]:
    table = kernel.registry["ir.job"]._sql
    with kernel.engine.connect() as connection:
        return [tuple(row) for row in connection.execute(
            sa.select(table.c.key, table.c.state).where(table.c.cron_id == cron_id).order_by(table.c.id))]


def test_schedules_fire_once_per_due_time_under_two_beats(erp_kernel, tmp_path):
    config = jobs_config(tmp_path / "erp.toml", erp_kernel, FAST)
    kernel = kernel_for(config)
    try:
        with writing(), kernel.env() as env:
            env["ir.cron"].search([]).write({"active": False})  # only the test's schedules
            every_second = {"interval_number": 1, "interval_type": "seconds"}
            cron_id = env["ir.cron"].create({"name": "tick", "job": "job_demo.note", "args": ["tick"],
                                             **every_second}).id
            boom_id = env["ir.cron"].create({"name": "boom", "job": "job_demo.boom", "args": ["cron-boom"],
                                             **every_second}).id
        with running(start_worker(config), start_beat(config, "beat-a"), start_beat(config, "beat-b")) as (_, first,
                                                                                                       second):
            wait_for(lambda: len(notes(kernel, "tick")) >= 2 and len(_cron_jobs(kernel, boom_id)) >= 2, 30,
                     what="two runs of each schedule")
            with writing(), kernel.env() as env:  # an edit: the next tick sees it, no restart
                env["ir.cron"].browse([cron_id, boom_id]).write({"active": False})
            time.sleep(1)  # a tick that had read the schedules before the edit may still fire once
            fired = _cron_jobs(kernel, cron_id)
            time.sleep(1.5)
            assert _cron_jobs(kernel, cron_id) == fired
            leaders = [beat for beat in (first, second) if "now fires the schedules" in beat.log_text()]
            assert len(leaders) == 1
            keys = [key for key, _ in fired]
            assert len(keys) == len(set(keys)) >= 2
            wait_for(lambda: all(state == "done" for _, state in _cron_jobs(kernel, cron_id))
                     and all(state == "failed" for _, state in _cron_jobs(kernel, boom_id)), 20,
                     what="the schedules' jobs finishing")
            assert len(notes(kernel, "tick")) == len(keys)  # each due time ran once
            with kernel.env() as env:  # a failing job counts on its schedule, and rolls back
                boom = env["ir.cron"].browse(boom_id)
                assert (boom.last_outcome, boom.last_error, boom.failure_count) == (
                    "failed", "ValueError: boom cron-boom", len(_cron_jobs(kernel, boom_id)))
            assert notes(kernel, "cron-boom") == []

            leader, standby = leaders[0], second if leaders[0] is first else first
            leader.kill()
            with writing(), kernel.env() as env:
                env["ir.cron"].browse(cron_id).active = True
            wait_for(lambda: "now fires the schedules" in standby.log_text(), 20, what="the standby taking over")
            wait_for(lambda: len(_cron_jobs(kernel, cron_id)) > len(keys), 20, what="the standby firing")
        with kernel.env() as env:
            cron = env["ir.cron"].browse(cron_id)
            assert (cron.last_outcome in ("queued", "done"), cron.failure_count) == (True, 0)
            assert cron.lastcall and cron.nextcall > cron.lastcall
    finally:
        kernel.close()
