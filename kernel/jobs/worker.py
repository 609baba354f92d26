"""``erp worker``: a Celery worker running the jobs of the configured databases.

One Celery task, ``erp.job(database, job_id)``, runs every job (the
:class:`~kernel.jobs.runner.JobRunner` looks the job up by name among the
installed addons' ``kernel_jobs`` when it runs), so a job of an addon
installed while the worker runs is found without a restart: each job's
environment first compares the database's registry sequence with the one its
registry was built at, as web workers do.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

from ..broker import TASK_NAME, JobSettings, celery_app
from ..config import Settings
from .housekeeping import Housekeeper
from .runner import JobRunner

if TYPE_CHECKING:
    from celery import Celery

log = logging.getLogger("kernel.jobs")


def worker_app(settings: Settings, jobs: JobSettings | None = None) -> tuple[Celery, JobRunner, Housekeeper]:
    """The Celery application of ``settings`` with the ``erp.job`` task, its runner and its housekeeper."""
    jobs = jobs or JobSettings.from_settings(settings)
    app = celery_app(jobs)
    runner = JobRunner(settings, jobs)
    housekeeper = Housekeeper(runner)

    @app.task(name=TASK_NAME, ignore_result=False)
    def run_job(database: str, job_id: int) -> str:
        housekeeper.ensure_started()  # in a forked pool process, its own heartbeats
        return runner.run(database, job_id)

    return app, runner, housekeeper


def run_worker(settings: Settings, concurrency: int | None = None, pool: str | None = None,
               loglevel: str = "INFO", hostname: str | None = None) -> None:
    """Run the worker in this process until it is stopped (``SIGTERM``/Ctrl-C: warm shutdown)."""
    jobs = JobSettings.from_settings(settings)
    app, runner, housekeeper = worker_app(settings, jobs)
    housekeeper.ensure_started()  # a restarted worker queues again what a dead one left at once
    options: dict[str, Any] = {
        "concurrency": concurrency or jobs.concurrency, "pool": pool or jobs.pool, "loglevel": loglevel,
        "queues": [jobs.queue], "without_gossip": True, "without_mingle": True, "without_heartbeat": True,
    }
    if hostname:
        options["hostname"] = hostname
    log.info("erp worker: broker %s, queue %r, %s pool of %d, databases: %s", _shown(jobs.broker), jobs.queue,
             options["pool"], options["concurrency"], ", ".join(sorted(runner.databases.urls)) or "none")
    try:
        app.Worker(**options).start()
    finally:
        housekeeper.stop()
        runner.databases.close()


def _shown(url: str) -> str:
    """A broker URL without its password."""
    from kombu.utils.url import maybe_sanitize_url

    return str(maybe_sanitize_url(url))
