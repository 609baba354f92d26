"""Requests that meet other requests' transactions: which may write, and running them again.

On SQLite a transaction that may write takes the write lock when it begins
(:func:`kernel.db.writing`), so that concurrent writers queue; a request is
classed as reading only when its method cannot write (HTTP ``GET``, Odoo's
read methods), so that readers never wait.  A request that still fails only
because another transaction was in the way (:func:`kernel.db.retryable`: a
reader that turned out to write, a busy timeout, a PostgreSQL serialisation
failure or deadlock) rolled back everything, and is run again, as a writer.
"""

from __future__ import annotations

import logging
import random
import time
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any, TypeVar

from ..db import retryable, writing

if TYPE_CHECKING:
    from .request import Request

log = logging.getLogger("kernel.http")
Result = TypeVar("Result")

ATTEMPTS = 5
FIRST_PAUSE = 0.02  # seconds before the second attempt; doubled each time, with jitter

# model methods that only read (Odoo's names): their requests begin as readers
READ_METHODS = frozenset({
    "read", "search", "search_read", "search_count", "name_search", "fields_get", "read_group", "default_get",
    "name_get", "get_views", "load_views", "web_search_read", "web_read", "check_access_rights", "context_get",
    "exists", "onchange",
})
READ_SERVICES = {"common": {"version", "about"}, "db": {"list", "server_version"}}


def rpc_may_write(service: Any, method: Any, args: Any) -> bool:
    """Whether an ``execute_kw``-style call (``/jsonrpc``, XML-RPC) may write."""
    if service == "object" and isinstance(args, Sequence) and len(args) > 4:
        return args[4] not in READ_METHODS
    return method not in READ_SERVICES.get(service, ())


def request_may_write(request: Request) -> bool:
    """Whether a request may write: anything but ``GET``/``HEAD`` and calls of read methods."""
    if request.method in ("GET", "HEAD", "OPTIONS"):
        return False
    params = request.params if isinstance(request.params, dict) else {}
    if "service" in params:
        return rpc_may_write(params.get("service"), params.get("method"), params.get("args"))
    if "model" in params and "method" in params:
        return params["method"] not in READ_METHODS
    return True


def run_retrying(work: Callable[[], Result], may_write: bool, request: Request | None = None) -> Result:
    """``work()``, run again (as a writer) while it fails only because of a concurrent transaction.

    ``request``'s session state is reset before each new attempt: the failed
    attempt's transaction was rolled back.
    """
    attempt = 1
    while True:
        try:
            with writing(may_write or attempt > 1):
                return work()
        except Exception as exc:
            if attempt == ATTEMPTS or not retryable(exc):
                raise
            log.info("attempt %d met a concurrent transaction (%s); running it again", attempt,
                     str(getattr(exc, "orig", exc)).splitlines()[0])
        if request is not None:
            request.reset_for_retry()
        time.sleep(FIRST_PAUSE * 2 ** (attempt - 1) * (0.5 + random.random()))
        attempt += 1
