"""``env.enqueue`` and the ``ir.job`` / ``ir.cron`` rows, in process (no worker): what is recorded, what is
refused, who sees what, and that the broker's message leaves only after the commit."""

from __future__ import annotations

import re
import sqlite3
from datetime import datetime, timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa

from kernel import Command, Kernel
from kernel.broker import JobSettings
from kernel.exceptions import AccessError, UserError, ValidationError

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "job_addons"


@pytest.fixture(scope="module")
def erp_addons() -> list[str]:
    return ["job_demo"]


@pytest.fixture(scope="module")
def erp_addons_path(erp_addons_path: list[Path]) -> list[Path]:
    return [*erp_addons_path, FIXTURES]


def _user(env, login: str, admin: bool = False):
    group = env.ref("base.group_system" if admin else "base.group_user")
    company = env.ref("base.main_company")
    return env["res.users"].create({"name": login, "login": login, "group_ids": [Command.set([group.id])],
                                    "company_id": company.id, "company_ids": [Command.set([company.id])]})


def test_enqueue_records_who_asked_and_what(env):
    user = _user(env, "clerk")
    job = env(uid=user.id, su=False, context={"lang": "en_US"}).enqueue("job_demo.note", "hello")
    row = job.sudo()
    assert (row.name, row.state, row.args, row.attempts) == ("job_demo.note", "queued", ["hello"], 0)
    assert row.user_id == user and row.company_id == env.ref("base.main_company")
    assert row.context == {"lang": "en_US"} and row.sent_at and not row.eta
    assert row.description == "Write one note."


def test_a_key_queues_once(env):
    first = env.enqueue("job_demo.note", "a", key="nightly-2026-01-01")
    second = env.enqueue("job_demo.note", "b", key="nightly-2026-01-01")
    assert first == second and first.args == ["a"]
    assert env["ir.job"].search_count([("key", "=", "nightly-2026-01-01")]) == 1


def test_an_eta_waits_for_the_housekeeping(env):
    job = env.enqueue("job_demo.note", "later", eta=timedelta(hours=1))
    assert job.eta > datetime.utcnow() + timedelta(minutes=59) and not job.sent_at


@pytest.mark.parametrize("call, error", [
    (lambda env: env.enqueue("job_demo.nope"), "unknown job 'job_demo.nope'; did you mean 'job_demo.note'"),
    (lambda env: env.enqueue("job_demo.note", object()), "its arguments must be JSON values"),
    (lambda env: env.enqueue("job_demo.note", "x", key=""), "a job key must be non-empty text"),
    (lambda env: env.enqueue("job_demo.note", "x", eta="tomorrow"), "eta must be a datetime"),
])
def test_bad_enqueues_are_refused_and_write_nothing(env, call, error):
    before = env["ir.job"].search_count([])
    with pytest.raises(ValidationError, match=re.escape(error)):
        call(env)
    assert env["ir.job"].search_count([]) == before


def test_users_see_their_own_jobs_and_administrators_all(env):
    clerk, other, boss = _user(env, "clerk2"), _user(env, "other2"), _user(env, "boss2", admin=True)
    mine = env(uid=clerk.id, su=False).enqueue("job_demo.note", "mine")
    theirs = env(uid=other.id, su=False).enqueue("job_demo.note", "theirs")
    as_clerk = env(uid=clerk.id, su=False)["ir.job"]
    assert as_clerk.search([]) == mine.with_env(as_clerk.env)
    assert env(uid=boss.id, su=False)["ir.job"].search([("id", "in", [mine.id, theirs.id])]).ids == sorted(
        [mine.id, theirs.id], reverse=True)
    with pytest.raises(AccessError):
        as_clerk.browse(mine.id).write({"state": "done"})
    with pytest.raises(UserError, match="only cancel your own jobs"):
        as_clerk.browse(theirs.id).action_cancel()
    as_clerk.browse(mine.id).action_cancel()
    assert mine.sudo().state == "cancelled"
    with pytest.raises(UserError, match="only a queued job can be cancelled"):
        as_clerk.browse(mine.id).action_cancel()


@pytest.mark.parametrize("values, error", [
    ({"interval_number": 1, "crontab": "* * * * *"}, "either a positive interval or a crontab"),
    ({"interval_number": 0}, "either a positive interval or a crontab"),
    ({"crontab": "61 * * * *"}, "minute 61 is outside 0-59"),
    ({"crontab": "* * *"}, "3 fields instead of 5"),
    ({"job": "job_demo.nope", "interval_number": 1}, "unknown job 'job_demo.nope'"),
    ({"interval_number": 1, "args": {"a": 1}}, "arguments must be a list"),
])
def test_bad_schedules_are_refused(env, values, error):
    with pytest.raises(ValidationError, match=error):
        env["ir.cron"].create({"name": "bad", "job": "job_demo.note", **values})


def test_a_schedule_fires_once_per_due_time_and_moves_on(env):
    cron = env["ir.cron"].create({"name": "notes", "job": "job_demo.note", "args": ["cron"], "interval_number": 10,
                                  "interval_type": "minutes", "nextcall": datetime(2026, 1, 1, 8, 0)})
    now = datetime(2026, 1, 1, 8, 3)
    job = cron.fire(now)
    assert (job.key, job.cron_id, job.args) == ("cron:%d:2026-01-01T08:00:00" % cron.id, cron, ["cron"])
    assert cron.nextcall == datetime(2026, 1, 1, 8, 13) and cron.lastcall == now and cron.last_outcome == "queued"
    cron.nextcall = datetime(2026, 1, 1, 8, 0)  # a second beat firing the same due time
    assert cron.fire(now) == job
    cron.write({"interval_number": 0, "crontab": "30 2 * * *"})
    assert cron.next_after(datetime(2026, 1, 1, 8, 3)) == datetime(2026, 1, 2, 2, 30)


def test_the_message_leaves_after_the_commit_and_never_after_a_rollback(erp_kernel, tmp_path):
    broker = tmp_path / "broker.sqlite3"
    settings = erp_kernel.settings
    sections = {**settings.sections, "jobs": {"broker": f"sqla+sqlite:///{broker}",
                                              "backend": f"db+sqlite:///{tmp_path / 'results.sqlite3'}"}}
    from dataclasses import replace
    from types import MappingProxyType

    kernel = Kernel(erp_kernel.url, settings=replace(settings, sections=MappingProxyType(sections)))
    assert JobSettings.from_settings(kernel.settings).embedded

    def messages() -> int:
        if not broker.exists():
            return 0
        with sqlite3.connect(broker) as connection:
            return connection.execute("SELECT count(*) FROM kombu_message").fetchone()[0]

    try:
        with pytest.raises(RuntimeError):
            with kernel.env() as env:
                env.enqueue("job_demo.note", "never")
                raise RuntimeError("the caller fails")
        assert messages() == 0
        with kernel.env() as env:
            kept = env.enqueue("job_demo.note", "kept").id
            assert messages() == 0  # not before the commit
        assert messages() == 1
        with kernel.engine.connect() as connection:
            table = kernel.registry["ir.job"]._sql
            rows = connection.execute(sa.select(table.c.id, table.c.args)).all()
        assert [(row.id, row.args) for row in rows] == [(kept, ["kept"])]
    finally:
        with kernel.env() as env:
            env["ir.job"].browse(kept).unlink()
        kernel.close()


def test_a_new_or_changed_schedule_gets_its_next_run(env):
    daily = env["ir.cron"].create({"name": "daily", "job": "job_demo.note", "crontab": "5 0 * * *"})
    assert (daily.nextcall.hour, daily.nextcall.minute) == (0, 5) and daily.nextcall > datetime.utcnow()
    hourly = env["ir.cron"].create({"name": "hourly", "job": "job_demo.note", "interval_number": 1,
                                    "interval_type": "hours"})
    assert abs((hourly.nextcall - datetime.utcnow()).total_seconds()) < 5  # never ran: at the next tick
    hourly.write({"lastcall": datetime.utcnow() - timedelta(minutes=10)})
    hourly.write({"interval_number": 2})
    assert 6500 < (hourly.nextcall - datetime.utcnow()).total_seconds() < 6700  # two hours after the last run
