"""``erp serve``: the WSGI application in gunicorn's pre-forked worker processes.

Workers share nothing but the databases: each builds its own kernels and
registries after the fork, so more workers (or more machines) scale out.
"""

from __future__ import annotations

import logging
from typing import Any

from gunicorn.app.base import BaseApplication

from ..config import Settings
from .app import Application
from .request import WebSettings

log = logging.getLogger("kernel.http")


class ErpServer(BaseApplication):
    """A gunicorn application configured from our settings rather than gunicorn's command line."""

    def __init__(self, settings: Settings, options: dict[str, Any]):
        self.settings = settings
        self.options = options
        super().__init__()

    def load_config(self) -> None:
        for key, value in self.options.items():
            self.cfg.set(key, value)

    def load(self) -> Application:
        app = Application(self.settings)
        app.databases.warm_up()
        return app


def serve(settings: Settings, host: str | None = None, port: int | None = None, workers: int | None = None) -> None:
    """Run the web server until interrupted; the arguments override ``[web]``."""
    web = WebSettings.from_settings(settings)
    options = {
        "bind": f"{host or web.host}:{port or web.port}",
        "workers": workers or web.workers,
        "worker_class": "gthread",  # threads answer kept-alive connections; processes give the parallelism
        "threads": web.threads,
        "keepalive": 5,
        "timeout": web.timeout,
        "graceful_timeout": 10,
        "limit_request_line": 8190,
        "accesslog": None,
        "loglevel": "info",
        "proc_name": "erp",
        "control_socket_disable": True,  # one fixed path per machine: several servers would collide
    }
    log.info("serving databases %s on http://%s", ", ".join(sorted(settings.databases)) or "(none)", options["bind"])
    ErpServer(settings, options).run()
