"""Odoo's XML-RPC endpoints: ``/xmlrpc/2/<service>`` (integer fault codes) and the legacy
``/xmlrpc/<service>`` (text fault codes), answering Odoo's documented external-API examples."""

from __future__ import annotations

import logging
import xmlrpc.client
from typing import TYPE_CHECKING, Any

from werkzeug.wrappers import Response

from .concurrency import rpc_may_write, run_retrying
from .errors import BadRequest, report, xmlrpc_fault
from .routing import Route

if TYPE_CHECKING:
    from .request import Request

log = logging.getLogger("kernel.http.xmlrpc")
SERVICES = ("common", "object", "db")


class _Marshaller(xmlrpc.client.Marshaller):
    """Drops control characters XML cannot carry (as Odoo does) instead of failing."""

    dispatch = dict(xmlrpc.client.Marshaller.dispatch)

    def dump_unicode(self, value: str, write: Any) -> None:
        cleaned = "".join(ch for ch in value if ch >= " " or ch in "\t\n\r")
        xmlrpc.client.Marshaller.dump_unicode(self, cleaned, write)

    dispatch[str] = dump_unicode


def dumps(payload: tuple[Any, ...] | xmlrpc.client.Fault) -> str:
    body = _Marshaller(allow_none=False).dumps(payload)
    return f'<?xml version="1.0"?>\n<methodResponse>\n{body}</methodResponse>\n'


def _none_to_false(value: Any) -> Any:
    """XML-RPC has no null: Odoo's values use ``False`` where JSON would use ``null``."""
    if value is None:
        return False
    if isinstance(value, dict):
        return {key: _none_to_false(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_none_to_false(item) for item in value]
    return value


def _serve(request: Request, service: str, string_codes: bool) -> Response:
    debug = request.app.web.debug
    try:
        try:
            params, method = xmlrpc.client.loads(request.get_data(), use_datetime=False, use_builtin_types=True)
        except Exception as exc:  # noqa: BLE001 - expat and xmlrpc raise several unrelated types
            raise BadRequest(f"invalid XML-RPC request: {exc}") from None
        if service not in SERVICES:
            raise BadRequest(f"unknown XML-RPC service {service!r}; known: {', '.join(SERVICES)}")
        result = run_retrying(lambda: request.app.services.dispatch(service, method, params, request.client_address),
                              rpc_may_write(service, method, params))
        body = dumps((_none_to_false(result),))
    except Exception as exc:  # noqa: BLE001 - every failure becomes a fault
        reported = report(exc, debug)
        if not reported.user_error:
            log.exception("XML-RPC %s failed", service)
        # an outage is HTTP 503 (as on JSON-RPC and REST); any other fault travels in a 200 answer
        return Response(dumps(xmlrpc_fault(exc, debug, string_codes)), status=503 if reported.status == 503 else 200,
                        mimetype="text/xml")
    return Response(body, mimetype="text/xml")


def xmlrpc_2(request: Request, service: str) -> Response:
    return _serve(request, service, string_codes=False)


def xmlrpc_1(request: Request, service: str) -> Response:
    return _serve(request, service, string_codes=True)


def routes() -> list[Route]:
    return [
        Route("/xmlrpc/2/<service>", xmlrpc_2, ("POST",), auth="none", csrf=False),
        Route("/xmlrpc/<service>", xmlrpc_1, ("POST",), auth="none", csrf=False),
    ]
