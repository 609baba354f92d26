"""Odoo's JSON-RPC endpoints: ``/jsonrpc`` and the ``/web/...`` routes its clients use.

Every body is ``{"jsonrpc": "2.0", "method": "call", "params": {...}, "id": n}``;
the answer carries ``result`` or Odoo's ``error`` envelope, with HTTP 200 either way.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .errors import AccessDenied, BadRequest
from .routing import Route
from .rpc import call_kw, version_info
from .sessions import destroy_session

if TYPE_CHECKING:
    from .request import Request


def envelope(request: Request, result: Any) -> dict[str, Any]:
    return {"jsonrpc": "2.0", "id": getattr(request, "rpc_id", None), "result": result}


def rpc_endpoint(request: Request) -> Any:
    """``/jsonrpc``: ``{"service", "method", "args"}`` for the ``common``, ``object`` and ``db`` services."""
    params = request.params
    if not isinstance(params, dict):
        raise BadRequest("params must be an object")
    return request.app.services.dispatch(params.get("service"), params.get("method"), params.get("args") or [],
                                         request.client_address)


def webclient_version_info(request: Request) -> dict[str, Any]:
    return version_info()


def session_authenticate(request: Request) -> dict[str, Any]:
    """Log in and answer Odoo's session info; the session cookie comes with the response."""
    params = request.params
    alias = request.database(params.get("db"))
    uid = request.app.authenticate(alias, params.get("login"), params.get("password"), request.client_address)
    return request.app.open_session(request, alias, uid)


def session_info(request: Request) -> dict[str, Any]:
    return request.app.session_info(request.env, request.alias)


def session_destroy(request: Request) -> None:
    if request.session is not None:
        destroy_session(request.env, request.session)
    request.end_session()


def dataset_call_kw(request: Request, path: str | None = None) -> Any:
    """``/web/dataset/call_kw[/<model>/<method>]``: one model method as the session's user."""
    params = request.params
    return call_kw(request.env, params.get("model"), params.get("method"), params.get("args"), params.get("kwargs"))


def database_list(request: Request) -> list[str]:
    if not request.app.web.list_db:
        raise AccessDenied("Database listing is disabled", code="DB_LIST_DISABLED", status=403)
    return request.app.databases.aliases()


def routes() -> list[Route]:
    post = ("POST",)
    return [
        Route("/jsonrpc", rpc_endpoint, post, auth="none", kind="json"),
        Route("/web/webclient/version_info", webclient_version_info, ("GET", "POST"), auth="none", kind="json"),
        Route("/web/session/authenticate", session_authenticate, post, auth="none", kind="json"),
        Route("/web/session/get_session_info", session_info, post, auth="user", kind="json"),
        Route("/web/session/destroy", session_destroy, post, auth="public", kind="json"),
        Route("/web/dataset/call_kw", dataset_call_kw, post, auth="user", kind="json"),
        Route("/web/dataset/call_kw/<path:path>", dataset_call_kw, post, auth="user", kind="json"),
        Route("/web/database/list", database_list, ("GET", "POST"), auth="none", kind="json"),
    ]
