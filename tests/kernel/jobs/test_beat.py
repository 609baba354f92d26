"""``erp beat`` under real processes: a schedule fires on time, edits apply without a restart, two beats
fire each due time once, and a standby takes over from a killed beat."""

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
            env["ir.cron"].search([]).write({"active": False})  # only the test's schedule
            cron_id = env["ir.cron"].create({"name": "tick", "job": "job_demo.note", "args": ["tick"],
                                             "interval_number": 1, "interval_type": "seconds"}).id
        with running(start_worker(config), start_beat(config, "beat-a"), start_beat(config, "beat-b")) as (_, first,
                                                                                                       second):
            wait_for(lambda: len(notes(kernel, "tick")) >= 3, 30, what="three runs of the schedule")
            with writing(), kernel.env() as env:  # an edit: the next tick sees it, no restart
                env["ir.cron"].browse(cron_id).active = False
            time.sleep(1.5)  # a tick that had read the schedule before the edit may still fire once
            fired = _cron_jobs(kernel, cron_id)
            time.sleep(2)
            assert _cron_jobs(kernel, cron_id) == fired
            leaders = [beat for beat in (first, second) if "now fires the schedules" in beat.log_text()]
            assert len(leaders) == 1
            keys = [key for key, _ in fired]
            assert len(keys) == len(set(keys)) >= 3
            wait_for(lambda: all(state == "done" for _, state in _cron_jobs(kernel, cron_id)), 20,
                     what="the schedule's jobs finishing")
            assert len(notes(kernel, "tick")) == len(keys)  # each due time ran once

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


def test_a_schedule_whose_job_fails_counts_its_failures(erp_kernel, tmp_path):
    config = jobs_config(tmp_path / "erp.toml", erp_kernel, FAST)
    kernel = kernel_for(config)
    try:
        with writing(), kernel.env() as env:
            env["ir.cron"].search([]).write({"active": False})
            cron_id = env["ir.cron"].create({"name": "boom", "job": "job_demo.boom", "args": ["cron-boom"],
                                             "interval_number": 1, "interval_type": "seconds"}).id
        with running(start_worker(config), start_beat(config)):
            def failures() -> int:
                with kernel.env() as env:
                    return env["ir.cron"].browse(cron_id).failure_count
            wait_for(lambda: failures() >= 2, 30, what="two failures")
            with writing(), kernel.env() as env:
                env["ir.cron"].browse(cron_id).active = False
            time.sleep(0.6)  # a tick that read the schedule before the edit may still fire it
            wait_for(lambda: all(state == "failed" for _, state in _cron_jobs(kernel, cron_id)), 20,
                     what="the schedule's jobs failing")
        with kernel.env() as env:
            cron = env["ir.cron"].browse(cron_id)
            assert (cron.last_outcome, cron.last_error, cron.failure_count) == (
                "failed", "ValueError: boom cron-boom", len(_cron_jobs(kernel, cron_id)))
        assert notes(kernel, "cron-boom") == []
    finally:
        kernel.close()
