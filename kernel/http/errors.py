"""Exceptions of the web layer and how each wire format reports an error.

One classification serves every format: a :class:`~kernel.exceptions.UserError`
reaches the client with its message, stable ``code`` and HTTP ``status``; a
database that cannot be reached is :class:`DatabaseUnavailable` (503); any
other exception is logged with its traceback and reported as an internal
error whose details reach the client only in debug mode.
"""

from __future__ import annotations

import traceback
import xmlrpc.client
from dataclasses import dataclass
from typing import Any

from ..db import unavailable
from ..exceptions import AccessError, MissingError, UserError, ValidationError

# Odoo's XML-RPC fault codes (``/xmlrpc/2``): clients compare against them.
FAULT_APPLICATION_ERROR = 1
FAULT_WARNING = 2
FAULT_ACCESS_DENIED = 3
FAULT_ACCESS_ERROR = 4


class AccessDenied(AccessError):
    """Wrong credentials, an unknown session or too many failed logins (Odoo's ``AccessDenied``)."""

    code = "AUTH_FAILED"
    status = 401

    def __init__(self, message: str = "Access Denied", *, code: str | None = None, status: int | None = None):
        super().__init__(message, code=code, status=status)


class SessionExpired(AccessDenied):
    """A route needing a logged-in user was called without a valid session."""

    code = "SESSION_EXPIRED"

    def __init__(self, message: str = "Session expired"):
        super().__init__(message)


class BadRequest(UserError):
    """A request the server cannot read: malformed JSON or XML, wrong parameter types."""

    code = "BAD_REQUEST"
    status = 400


class NotFound(UserError):
    code = "NOT_FOUND"
    status = 404


class DatabaseUnavailable(UserError):
    """The database cannot be reached (down or restarting): the client may try again later."""

    code = "DATABASE_UNAVAILABLE"
    status = 503

    def __init__(self, message: str = "The database is unavailable (it may be restarting); try again in a moment"):
        super().__init__(message)


# the Odoo exception class each of ours is reported as
ODOO_NAMES: tuple[tuple[type[BaseException], str], ...] = (
    (SessionExpired, "odoo.http.SessionExpiredException"),
    (AccessDenied, "odoo.exceptions.AccessDenied"),
    (AccessError, "odoo.exceptions.AccessError"),
    (MissingError, "odoo.exceptions.MissingError"),
    (ValidationError, "odoo.exceptions.ValidationError"),
    (UserError, "odoo.exceptions.UserError"),
)


@dataclass(frozen=True)
class Reported:
    """An exception as clients see it."""

    name: str
    message: str
    code: str
    status: int
    debug: str
    user_error: bool


def report(exc: BaseException, debug: bool) -> Reported:
    """Classify an exception; the traceback is included only in ``debug`` mode.

    Only the kernel's typed errors are the client's fault: a ``TypeError`` or
    ``KeyError`` raised by an addon's bug is a 500 like any other.
    """
    trace = "".join(traceback.format_exception(exc)) if debug else ""
    if unavailable(exc):
        exc = DatabaseUnavailable()
    if isinstance(exc, UserError):
        name = next(odoo for cls, odoo in ODOO_NAMES if isinstance(exc, cls))
        return Reported(name, exc.message, exc.code, exc.status, trace, True)
    message = f"{type(exc).__name__}: {exc}" if debug else "Internal server error"
    return Reported("builtins.Exception", message, "INTERNAL_ERROR", 500, trace, False)


def jsonrpc_error(exc: BaseException, debug: bool, context: dict[str, Any] | None = None) -> dict[str, Any]:
    """The ``error`` member of a JSON-RPC response, as Odoo writes it."""
    reported = report(exc, debug)
    session_expired = isinstance(exc, SessionExpired)
    return {
        "code": 100 if session_expired else 200,
        "message": "Odoo Session Expired" if session_expired else "Odoo Server Error",
        "data": {
            "name": reported.name,
            "debug": reported.debug,
            "message": reported.message,
            "arguments": [reported.message],
            "context": context or {},
            "field": exc.field if isinstance(exc, UserError) else None,
            "code": reported.code,
            "status": reported.status,
        },
    }


def xmlrpc_fault(exc: BaseException, debug: bool, string_codes: bool) -> xmlrpc.client.Fault:
    """The fault Odoo sends: integer codes on ``/xmlrpc/2``, text codes on the legacy ``/xmlrpc``."""
    reported = report(exc, debug)
    if string_codes:
        if isinstance(exc, AccessDenied):
            return xmlrpc.client.Fault("AccessDenied", reported.message)
        if isinstance(exc, UserError):
            kind = reported.name.rpartition(".")[2]
            return xmlrpc.client.Fault(f"warning -- {kind}\n\n{reported.message}", "")
        return xmlrpc.client.Fault(reported.message, reported.debug)
    if isinstance(exc, AccessDenied):
        code = FAULT_ACCESS_DENIED
    elif isinstance(exc, AccessError):
        code = FAULT_ACCESS_ERROR
    elif reported.user_error:
        code = FAULT_WARNING
    else:
        code = FAULT_APPLICATION_ERROR
    return xmlrpc.client.Fault(code, reported.message + (f"\n{reported.debug}" if reported.debug else ""))


def rest_error(exc: BaseException, debug: bool) -> tuple[dict[str, Any], int]:
    """``{"error": {"code", "message"}}`` and the HTTP status of the REST API."""
    reported = report(exc, debug)
    body: dict[str, Any] = {"code": reported.code, "message": reported.message}
    if reported.debug:
        body["debug"] = reported.debug
    return {"error": body}, reported.status
