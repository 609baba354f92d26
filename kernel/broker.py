"""Background jobs, the sending side: job declarations, the ``[jobs]`` settings and the Celery application.

An addon declares a job with :func:`job` and returns it from the
``kernel_jobs`` hook; code queues it with ``env.enqueue(job, *args)``, which
records an ``ir.job`` row in the caller's transaction and, once that
transaction has committed, sends one small message (the database and the
job's id) through the broker.  ``erp worker`` (:mod:`kernel.jobs`) receives it.

The message carries no arguments and no credentials: the ``ir.job`` row is
the truth (arguments, user, context, state), so a lost, duplicated or
redelivered message is harmless -- a worker claims a job in the database
before running it, and the workers' housekeeping sends again the jobs that
waited too long.  Celery is imported only when a message is sent or a worker
starts (``pip install erp-kernel[jobs]``).
"""

from __future__ import annotations

import logging
import os
import re
import threading
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .config import PROJECT_ROOT, Settings
from .exceptions import KernelError

if TYPE_CHECKING:
    from celery import Celery

log = logging.getLogger("kernel.jobs")

TASK_NAME = "erp.job"
JOB_NAME = re.compile(r"^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)+$")
EMBEDDED_PREFIX = "sqla+"


@dataclass(frozen=True)
class Job:
    """A unit of background work an addon declares: ``function(env, *args)`` under a dotted ``name``.

    ``retries``: how many times a failure (an exception other than a
    transient database error, which is always retried) queues the job again,
    ``backoff`` seconds later, doubled each time.  ``time_limit``: seconds of
    database work one attempt may take (default ``[jobs] time_limit``).
    """

    name: str
    function: Callable[..., Any]
    retries: int = 0
    backoff: float = 30.0
    time_limit: float | None = None
    description: str = ""

    def __post_init__(self) -> None:
        if not JOB_NAME.match(self.name):
            raise KernelError(f"job name {self.name!r} must be dotted lower-case words, e.g. 'mail.send_queue'")
        if self.retries < 0 or self.backoff < 0 or (self.time_limit is not None and self.time_limit <= 0):
            raise KernelError(f"job {self.name!r}: retries and backoff must be >= 0 and time_limit > 0")


def job(name: str, *, retries: int = 0, backoff: float = 30.0,
        time_limit: float | None = None) -> Callable[[Callable[..., Any]], Job]:
    """Declare ``function(env, *args)`` as the job ``name`` (return it from ``kernel_jobs``)."""

    def declare(function: Callable[..., Any]) -> Job:
        doc = (function.__doc__ or "").strip().splitlines()
        return Job(name, function, retries=retries, backoff=backoff, time_limit=time_limit,
                   description=doc[0] if doc else "")

    return declare


@dataclass(frozen=True)
class JobSettings:
    """The ``[jobs]`` section, typed, with its defaults (see ``config/erp.toml``)."""

    broker: str
    backend: str
    queue: str = "erp"
    concurrency: int = 2
    pool: str = "threads"
    time_limit: float = 600.0
    heartbeat: float = 10.0
    heartbeat_timeout: float = 60.0
    resend_after: float = 120.0
    max_attempts: int = 5
    db_retries: int = 5
    db_retry_pause: float = 0.5
    visibility_timeout: float = 300.0
    polling_interval: float = 0.2
    beat_interval: float = 5.0

    @classmethod
    def from_settings(cls, settings: Settings) -> JobSettings:
        section = dict(settings.section("jobs"))
        base = settings.source.parent if settings.source else Path.cwd()
        var = PROJECT_ROOT / "var"
        values: dict[str, Any] = {
            "broker": _resolve(str(section.pop("broker", f"sqla+sqlite:///{var / 'jobs-broker.sqlite3'}")), base),
            "backend": _resolve(str(section.pop("backend", f"db+sqlite:///{var / 'jobs-results.sqlite3'}")), base),
        }
        fields = {name: spec.type for name, spec in cls.__dataclass_fields__.items()}
        for key, value in section.items():
            if key not in fields:
                raise KernelError(f"[jobs] {key}: unknown setting; known: {', '.join(sorted(fields))}")
            values[key] = _checked(key, str(fields[key]), value)
        if values.get("pool", "threads") not in ("threads", "prefork", "solo"):
            raise KernelError(f"[jobs] pool must be 'threads', 'prefork' or 'solo', not {values['pool']!r}")
        return cls(**values)

    @property
    def embedded(self) -> bool:
        """Whether the broker is the embedded one (kombu's SQLAlchemy transport), which never redelivers."""
        return self.broker.startswith(EMBEDDED_PREFIX)


def _checked(key: str, kind: str, value: Any) -> Any:
    """A ``[jobs]`` value of the right type (``int``, ``float`` or ``str``), numbers positive."""
    if kind == "str":
        if not isinstance(value, str):
            raise KernelError(f"[jobs] {key} must be text, not {value!r}")
        return value
    if isinstance(value, bool) or not isinstance(value, int | float) or (kind == "int" and not isinstance(value, int)):
        raise KernelError(f"[jobs] {key} must be a{'n integer' if kind == 'int' else ' number'}, not {value!r}")
    if value <= 0:
        raise KernelError(f"[jobs] {key} must be positive, not {value!r}")
    return int(value) if kind == "int" else float(value)


def _resolve(url: str, base: Path) -> str:
    """``sqla+sqlite:///relative.db`` and ``db+sqlite:///relative.db`` made absolute against ``base``."""
    match = re.match(r"^((?:sqla|db)\+sqlite:///)(.+)$", url)
    if match and not Path(match.group(2)).is_absolute():
        return match.group(1) + str((base / match.group(2)).resolve())
    return url


def _embedded_transport() -> type:
    """kombu's SQLAlchemy transport, but taking its polling interval from the options instead of handing it
    to ``create_engine`` (which refuses it)."""
    from kombu.transport import sqlalchemy as sqla

    class Channel(sqla.Channel):
        def _engine_from_config(self) -> Any:
            options = self.connection.client.transport_options
            engine_options = {k: v for k, v in options.items() if k not in ("polling_interval", "visibility_timeout")}
            client = self.connection.client
            saved = client.transport_options
            client.transport_options = engine_options
            try:
                return super()._engine_from_config()
            finally:
                client.transport_options = saved

        def _open(self) -> Any:
            # kombu's models use the "noload" strategy, which SQLAlchemy 2.1 deprecates: configure them here,
            # once, with that warning silenced, rather than at the first query wherever it happens
            import warnings

            from sqlalchemy.orm import configure_mappers

            opened = super()._open()
            with warnings.catch_warnings():
                warnings.filterwarnings("ignore", message=".*noload.*", category=DeprecationWarning)
                configure_mappers()
            return opened

    class Transport(sqla.Transport):
        pass

    Transport.Channel = Channel
    return Transport


def _ensure_sqlite_folder(url: str) -> None:
    match = re.match(r"^(?:sqla|db)\+sqlite:///(.+)$", url)
    if match:
        Path(match.group(1)).parent.mkdir(parents=True, exist_ok=True)


_apps: dict[JobSettings, Celery] = {}
_apps_lock = threading.Lock()


def _after_fork() -> None:
    """A forked child gets a lock no parent thread holds (the prefork pool forks while threads send)."""
    global _apps_lock
    _apps_lock = threading.Lock()


os.register_at_fork(after_in_child=_after_fork)


def celery_app(jobs: JobSettings) -> Celery:
    """The Celery application of these settings (one per process and settings)."""
    with _apps_lock:
        app = _apps.get(jobs)
        if app is None:
            app = _apps[jobs] = _make_app(jobs)
        return app


def _make_app(jobs: JobSettings) -> Celery:
    try:
        from celery import Celery
    except ImportError:  # pragma: no cover - depends on the installation
        raise KernelError("background jobs need Celery: pip install 'erp-kernel[jobs]'") from None
    _check_transport(jobs.broker)
    broker, transport = jobs.broker, None
    options: dict[str, Any] = {"polling_interval": jobs.polling_interval}
    if jobs.embedded:
        broker, transport = broker[len(EMBEDDED_PREFIX):], _embedded_transport()
        _ensure_sqlite_folder(jobs.broker)
    else:
        options["visibility_timeout"] = jobs.visibility_timeout  # Redis: redeliver an unacked message after it
    _ensure_sqlite_folder(jobs.backend)
    app = Celery("erp", set_as_current=False)
    app.conf.update(
        broker_url=broker,
        broker_transport=transport,
        broker_transport_options=options,
        broker_connection_retry_on_startup=True,
        result_backend=jobs.backend,
        result_expires=7 * 24 * 3600,
        task_default_queue=jobs.queue,
        task_acks_late=True,  # a message is acknowledged once the job ran: Redis and RabbitMQ redeliver otherwise
        task_reject_on_worker_lost=True,
        worker_prefetch_multiplier=1,
        worker_concurrency=jobs.concurrency,
        worker_pool=jobs.pool,
        worker_hijack_root_logger=False,
        task_time_limit=jobs.time_limit + 30 if jobs.pool == "prefork" else None,
        task_serializer="json",
        accept_content=["json"],
        enable_utc=True,
    )
    return app


def _check_transport(url: str) -> None:
    """A broker URL whose scheme kombu knows; else an error naming the ones this project uses."""
    from kombu.transport import TRANSPORT_ALIASES

    scheme = url.split("://", 1)[0].split("+", 1)[0] if "://" in url else ""
    if scheme not in TRANSPORT_ALIASES:
        raise KernelError(f"[jobs] broker {url!r}: unknown transport {scheme!r}; use 'sqla+sqlite:///FILE' (embedded), "
                          "'redis://HOST:6379/0' or 'amqp://USER:PASSWORD@HOST:5672//'")


def send(jobs: JobSettings, database: str, job_id: int) -> None:
    """Send the message that makes a worker run job ``job_id`` of ``database`` (its URL, password hidden)."""
    celery_app(jobs).send_task(TASK_NAME, args=[database, job_id], queue=jobs.queue, retry=True,
                               retry_policy={"max_retries": 2, "interval_start": 0.1, "interval_step": 0.5})

