"""``erp worker`` and ``erp beat``: their options and handlers."""

from __future__ import annotations

import argparse
import signal
from dataclasses import replace
from types import FrameType, MappingProxyType

from ..config import Settings
from ..kernel import Kernel


def add_commands(commands: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    worker = commands.add_parser("worker", parents=[common], help="run background jobs (a Celery worker on [jobs] broker)")
    worker.add_argument("--concurrency", type=int, help="jobs run at once (default: [jobs] concurrency, 2)")
    worker.add_argument("--pool", choices=("threads", "prefork", "solo"), help="how (default: [jobs] pool, threads)")
    worker.add_argument("--hostname", help="the worker's Celery node name (default: celery@<host>)")
    worker.set_defaults(handler=_worker)
    beat = commands.add_parser("beat", parents=[common], help="queue the jobs of the ir.cron schedules when due "
                               "(one beat per database fires; others wait)")
    beat.set_defaults(handler=_beat)


def _settings(kernel: Kernel, args: argparse.Namespace) -> Settings:
    """The configuration, serving only the chosen database when ``--alias`` or ``--db`` is given."""
    settings = kernel.settings
    if args.db or args.alias:
        settings = replace(settings, databases=MappingProxyType({args.alias or "default": kernel.url}))
    kernel.close()
    return settings


def _worker(kernel: Kernel, args: argparse.Namespace) -> int:
    from .worker import run_worker

    run_worker(_settings(kernel, args), concurrency=args.concurrency, pool=args.pool,
               loglevel="WARNING" if args.quiet else "INFO", hostname=args.hostname)
    return 0


def _beat(kernel: Kernel, args: argparse.Namespace) -> int:
    from .beat import Beat

    beat = Beat(_settings(kernel, args))

    def stop(signum: int, frame: FrameType | None) -> None:
        beat.stop()

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    beat.run()
    return 0
