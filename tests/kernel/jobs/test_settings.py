"""The ``[jobs]`` settings: defaults, the configuration file, ``ERP_JOBS_*`` variables, clear refusals."""

from __future__ import annotations

import pytest

from kernel.broker import JobSettings, celery_app
from kernel.config import load_settings
from kernel.exceptions import KernelError


def _settings(tmp_path, jobs: str, environ: dict[str, str] | None = None) -> JobSettings:
    config = tmp_path / "erp.toml"
    config.write_text(f"[jobs]\n{jobs}\n")
    return JobSettings.from_settings(load_settings(config, environ=environ or {}))


def test_defaults_need_no_server_and_relative_files_follow_the_configuration(tmp_path):
    jobs = _settings(tmp_path, 'broker = "sqla+sqlite:///var/b.sqlite3"')
    assert jobs.broker == f"sqla+sqlite:///{tmp_path / 'var' / 'b.sqlite3'}" and jobs.embedded
    assert jobs.backend.startswith("db+sqlite:///") and jobs.backend.endswith("jobs-results.sqlite3")
    assert (jobs.concurrency, jobs.pool, jobs.visibility_timeout, jobs.queue) == (2, "threads", 300.0, "erp")


def test_environment_variables_override_the_file(tmp_path):
    jobs = _settings(tmp_path, "concurrency = 4", {"ERP_JOBS_BROKER": "redis://127.0.0.1:6379/3",
                                                   "ERP_JOBS_CONCURRENCY": "8", "ERP_JOBS_HEARTBEAT": "2.5"})
    assert (jobs.broker, jobs.concurrency, jobs.heartbeat, jobs.embedded) == ("redis://127.0.0.1:6379/3", 8, 2.5, False)
    app = celery_app(jobs)
    assert app.conf.broker_transport_options["visibility_timeout"] == 300.0
    assert (app.conf.task_acks_late, app.conf.worker_prefetch_multiplier) == (True, 1)


@pytest.mark.parametrize("line, error", [
    ("concurency = 2", "[jobs] concurency: unknown setting; known: "),
    ('concurrency = "two"', "[jobs] concurrency must be an integer, not 'two'"),
    ("concurrency = 1.5", "[jobs] concurrency must be an integer, not 1.5"),
    ("heartbeat = 0", "[jobs] heartbeat must be positive, not 0"),
    ("heartbeat = true", "[jobs] heartbeat must be a number, not True"),
    ('pool = "gevent"', "[jobs] pool must be 'threads', 'prefork' or 'solo', not 'gevent'"),
])
def test_bad_settings_are_refused_naming_the_key(tmp_path, line, error):
    with pytest.raises(KernelError) as raised:
        _settings(tmp_path, line)
    assert error in str(raised.value)


def test_an_unknown_broker_transport_is_a_clear_error(tmp_path):
    jobs = _settings(tmp_path, 'broker = "rabbit://localhost"')
    with pytest.raises(KernelError, match="unknown transport 'rabbit'; use 'sqla"):
        celery_app(jobs)
