"""A worker killed with ``kill -9`` in the middle of a job: nothing it wrote stays, and the job runs again,
once, on the worker started after it (the embedded broker never redelivers: the housekeeping does)."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from kernel.testing.workers import enqueue, job_row, jobs_config, kernel_for, running_worker, wait_finished, wait_for
from tests.kernel.jobs.jobkit import FAST, FIXTURES, notes


@pytest.fixture(scope="module")
def erp_addons() -> list[str]:
    return ["job_demo"]


@pytest.fixture(scope="module")
def erp_addons_path(erp_addons_path: list[Path]) -> list[Path]:
    return [*erp_addons_path, FIXTURES]


def test_a_killed_worker_leaves_no_partial_writes_and_the_job_completes_once(erp_kernel, tmp_path):
    config = jobs_config(tmp_path / "erp.toml", erp_kernel, FAST)
    kernel = kernel_for(config)
    marker = tmp_path / "started"
    try:
        with running_worker(config, "doomed") as doomed:
            job_id = enqueue(kernel, "job_demo.slow", "k", 6, 0.3, str(marker))
            wait_for(marker.exists, what="the job starting")
            time.sleep(0.7)
            doomed.kill()  # half-way: two or three of its six notes written, none committed
        lost = job_row(kernel, job_id)
        assert (lost.state, lost.attempts) == ("started", 1)
        assert notes(kernel, "k-") == []
        with running_worker(config, "rescuer") as rescuer:
            done = wait_finished(kernel, job_id, timeout=40)
            assert "stopped answering; queued again" in rescuer.log_text()
        assert (done.state, done.attempts, done.result) == ("done", 2, '{"parts": 6}')
        assert notes(kernel, "k-") == [f"k-{index}" for index in range(6)]
    finally:
        kernel.close()
