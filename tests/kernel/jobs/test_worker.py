"""A real ``erp worker`` on the embedded broker (a SQLite file), on each database backend: jobs run end to
end, as the user who asked; failures roll back; retries, eta, duplicates; workers on Redis and RabbitMQ; an
addon installed by another process meanwhile has its jobs run without a restart."""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

import pytest

from kernel import Command
from kernel.broker import JobSettings, send
from kernel.db import safe_url, writing
from kernel.testing.workers import (
    RABBITMQ_URL, REDIS_URL, delete_queue, enqueue, job_row, jobs_config, kernel_for, running_worker, wait_finished,
    wait_for,
)
from tests.kernel.jobs.jobkit import FAST, FIXTURES, notes


@pytest.fixture(scope="module")
def erp_addons() -> list[str]:
    return ["job_demo"]


@pytest.fixture(scope="module")
def erp_addons_path(erp_addons_path: list[Path]) -> list[Path]:
    return [*erp_addons_path, FIXTURES]


@pytest.fixture(scope="module")
def config(erp_kernel, tmp_path_factory) -> Path:
    return jobs_config(tmp_path_factory.mktemp("worker") / "erp.toml", erp_kernel, FAST)


@pytest.fixture(scope="module")
def kernel(config):
    kernel = kernel_for(config)
    with writing(), kernel.env() as env:
        company = env.ref("base.main_company")
        env["res.users"].create({"name": "Clerk", "login": "clerk", "lang": "id_ID",
                                 "group_ids": [Command.set([env.ref("base.group_user").id])],
                                 "company_id": company.id, "company_ids": [Command.set([company.id])]})
    yield kernel
    kernel.close()


@pytest.fixture(scope="module")
def worker(config, kernel):
    with running_worker(config) as worker:
        yield worker


def test_a_job_runs_in_a_fresh_environment_of_the_user_who_asked(kernel, worker):
    job_id = enqueue(kernel, "job_demo.note", "hello", login="clerk")
    done = wait_finished(kernel, job_id)
    assert (done.state, done.result, done.attempts, done.progress) == ("done", "wrote hello", 1, 100)
    with kernel.env() as env:
        note = env["job.demo.note"].search([("name", "=", "hello")])
        clerk = env["res.users"].search([("login", "=", "clerk")])
        assert (note.uid, note.company, note.lang) == (clerk.id, env.ref("base.main_company").id, "id_ID")
        assert note.create_uid == clerk


def test_an_enqueue_in_a_rolled_back_transaction_never_runs(kernel, worker):
    with pytest.raises(RuntimeError):
        with writing(), kernel.env() as env:
            env.enqueue("job_demo.note", "ghost")
            raise RuntimeError("rolled back")
    marker = enqueue(kernel, "job_demo.note", "after-ghost")
    wait_finished(kernel, marker)
    time.sleep(0.5)
    assert notes(kernel, "ghost") == [] and notes(kernel, "after-ghost") == ["after-ghost"]


def test_a_failing_job_leaves_nothing_and_says_why(kernel, worker):
    failed = wait_finished(kernel, enqueue(kernel, "job_demo.boom", "b1"))
    assert (failed.state, failed.error, failed.attempts) == ("failed", "ValueError: boom b1", 1)
    assert notes(kernel, "b1") == []


def test_a_job_declaring_retries_is_queued_again_with_backoff(kernel, worker, tmp_path):
    counter = tmp_path / "flaky-counter"
    job_id = enqueue(kernel, "job_demo.flaky", str(counter))
    done = wait_finished(kernel, job_id, timeout=30)
    assert (done.state, done.attempts, done.result, done.error) == ("done", 3, "attempt 3", None)
    assert notes(kernel, "flaky") == ["flaky-3"]


def test_a_job_with_an_eta_waits_for_it(kernel, worker):
    started = time.monotonic()
    job_id = enqueue(kernel, "job_demo.note", "eta", eta=1.5)
    assert job_row(kernel, job_id).sent_at is None
    done = wait_finished(kernel, job_id)
    assert done.state == "done" and time.monotonic() - started >= 1.5
    assert done.started_at >= done.eta


def test_duplicate_messages_run_the_job_once(kernel, worker):
    job_id = enqueue(kernel, "job_demo.note", "dup")
    jobs, database = JobSettings.from_settings(kernel.settings), safe_url(kernel.url)
    for _ in range(3):
        send(jobs, database, job_id)
    done = wait_finished(kernel, job_id)
    time.sleep(1)
    assert done.attempts == 1 and notes(kernel, "dup") == ["dup"]
    assert job_row(kernel, job_id).attempts == 1


def test_progress_is_reported(kernel, worker):
    job_id = enqueue(kernel, "job_demo.slow", "prog", 4, 0.4)
    if kernel.engine.dialect.name == "postgresql":  # on SQLite the job's transaction holds the write lock
        seen = wait_for(lambda: 0 < (found := job_row(kernel, job_id)).progress < 100 and found, 20,
                        what="progress between 0 and 100")
        assert seen.state == "started" and seen.progress_message.endswith("of 4")
    done = wait_finished(kernel, job_id)
    assert (done.progress, done.progress_message, done.result) == (100, "4 of 4", '{"parts": 4}')


def test_a_prefork_worker_runs_jobs_in_its_children(erp_kernel, kernel, tmp_path):
    config = jobs_config(tmp_path / "erp.toml", erp_kernel, {**FAST, "pool": "prefork"})
    forked = kernel_for(config)
    try:
        with running_worker(config) as worker:
            ids = [enqueue(forked, "job_demo.note", f"fork-{index}") for index in range(4)]
            done = [wait_finished(forked, job_id) for job_id in ids]
        assert [row.state for row in done] == ["done"] * 4
        assert all(row.worker and row.worker != f"{row.worker.split(':')[0]}:{worker.pid}" for row in done)
        assert sorted(notes(kernel, "fork-")) == [f"fork-{index}" for index in range(4)]
    finally:
        forked.close()


@pytest.mark.parametrize("broker", [REDIS_URL, RABBITMQ_URL], ids=["redis", "rabbitmq"])
def test_a_worker_on_a_server_broker_runs_a_job_end_to_end(erp_kernel, kernel, tmp_path, broker):
    config = jobs_config(tmp_path / "erp.toml", erp_kernel, {**FAST, "broker": broker})
    via = kernel_for(config)
    name = f"via-{broker.split(':')[0]}"
    try:
        with running_worker(config) as worker:
            done = wait_finished(via, enqueue(via, "job_demo.note", name))
            assert f"transport:   {broker.split(':')[0]}" in worker.log_text()
        assert (done.state, done.result, done.attempts) == ("done", f"wrote {name}", 1)
        assert notes(kernel, name) == [name]
    finally:
        delete_queue(config)
        via.close()


def test_an_addon_installed_meanwhile_has_its_jobs_run_without_a_restart(kernel, worker, config):
    installed = subprocess.run([sys.executable, "-m", "kernel", "--config", str(config), "install", "job_late",
                                "--noinput"], capture_output=True, text=True, timeout=120)
    assert installed.returncode == 0, installed.stderr
    done = wait_finished(kernel, enqueue(kernel, "job_late.hello", "x"))
    assert (done.state, done.result) == ("done", "late hello")
    assert notes(kernel, "late") == ["late x"]
    assert "Received unregistered task" not in worker.log_text()
