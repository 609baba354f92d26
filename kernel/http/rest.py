"""The REST API: ``/api/v1/<model>`` and ``/api/v1/<model>/<id>``, described by ``/api/v1/openapi.json``.

Clients authenticate with an API key (``Authorization: Bearer <key>``) or a
session cookie.  Bodies are JSON objects of field values, checked against the
published schemas; errors are ``{"error": {"code", "message"}}`` with the
exception's HTTP status.  Each request is one transaction.
"""

from __future__ import annotations

import contextlib
import json
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from werkzeug.wrappers import Response

from ..db import writing
from ..exceptions import MissingError, ValidationError
from ..orm.env import Environment
from ..security.client_values import check_client_values
from .errors import AccessDenied, BadRequest, NotFound
from .marshal import to_wire
from ..models.http import WEB_INTERNAL_MODELS
from .openapi import MAX_LIMIT, PREFIX, check_values, openapi_document
from .routing import Route
from .sessions import load_session

if TYPE_CHECKING:
    from ..orm.models import BaseModel
    from .request import Request

DEFAULT_LIMIT = 80


def _json(body: Any, status: int = 200, headers: dict[str, str] | None = None) -> Response:
    return Response(json.dumps(body, ensure_ascii=False), status=status, mimetype="application/json", headers=headers)


@contextlib.contextmanager
def user_env(request: Request) -> Iterator[Environment]:
    """The transaction of one REST call, as the user of the API key or of the session.

    Unknown API keys count against the client's address in the login
    throttle, which every entry point shares.
    """
    header = request.headers.get("Authorization", "")
    scheme, _, key = header.partition(" ")
    cookie = request.session_cookie()
    bearer = scheme.lower() == "bearer" and bool(key.strip())
    alias = request.database(None if scheme.lower() == "bearer" or cookie is None else cookie[0])
    app = request.app
    address_key = app.throttle.keys(None, request.client_address)
    uid: int | None = None
    with app.databases.env(alias) as env:
        if bearer:
            app.throttle.check(env, address_key)
            uid = env["res.users.apikey"].find_user(key.strip())
        elif header:
            raise AccessDenied("use 'Authorization: Bearer <API key>'", code="AUTH_SCHEME_UNSUPPORTED")
        else:
            session = load_session(env, alias, cookie[1], app.web.session_lifetime) if cookie else None
            if session is None or session.uid is None:
                raise AccessDenied("authentication required: an API key or a session", code="AUTH_REQUIRED")
            uid = session.uid
        if uid is not None:
            yield env(uid=uid, su=False)
    if uid is None:
        with writing(), app.databases.env(alias) as env:
            app.throttle.failed(env, address_key)
        raise AccessDenied("invalid or revoked API key", code="APIKEY_INVALID")


def _model(env: Environment, name: str) -> BaseModel:
    if name in WEB_INTERNAL_MODELS or name not in env.registry or env.registry[name]._abstract:
        raise NotFound(f"unknown model {name!r}", code="MODEL_UNKNOWN")
    return env[name]


def _record(env: Environment, name: str, record_id: int) -> BaseModel:
    record = _model(env, name).browse(record_id).exists()
    if not record:
        raise MissingError(f"{name} record {record_id} does not exist")
    return record


def _present(record_values: dict[str, Any], model: BaseModel) -> dict[str, Any]:
    """A read row for REST clients: ``null`` for empty values (booleans stay booleans)."""
    result = {}
    for name, value in record_values.items():
        field = model._fields[name]
        result[name] = None if value is False and field.type != "boolean" else to_wire(value)
    return result


def _read(records: BaseModel, fields: list[str] | None = None) -> list[dict[str, Any]]:
    return [_present(row, records) for row in records.read(fields, load="_classic_write")]


def _int_arg(request: Request, name: str, default: int, low: int, high: int) -> int:
    raw = request.args.get(name)
    if raw is None:
        return default
    try:
        value = int(raw)
    except ValueError:
        raise BadRequest(f"parameter {name!r} must be an integer, got {raw!r}", code="PARAMETER_INVALID") from None
    if not low <= value <= high:
        raise BadRequest(f"parameter {name!r} must be between {low} and {high}", code="PARAMETER_INVALID")
    return value


def _domain(request: Request) -> list[Any]:
    raw = request.args.get("domain")
    if not raw:
        return []
    try:
        domain = json.loads(raw)
    except ValueError:
        raise BadRequest("parameter 'domain' must be a JSON list", code="DOMAIN_INVALID") from None
    if not isinstance(domain, list) or not all(_is_term(term) for term in domain):
        raise BadRequest("parameter 'domain' must be a list of '&', '|', '!' and [field, operator, value] terms",
                         code="DOMAIN_INVALID")
    return [tuple(term) if isinstance(term, list) else term for term in domain]


def _is_term(term: Any) -> bool:
    if term in ("&", "|", "!"):
        return True
    return (isinstance(term, list) and len(term) == 3 and isinstance(term[0], str) and isinstance(term[1], str)
            and "\x00" not in term[0] and _plain(term[2]))


def _plain(value: Any) -> bool:
    if isinstance(value, str):
        return "\x00" not in value
    if isinstance(value, list):
        return all(_plain(item) and not isinstance(item, list) for item in value)
    return value is None or isinstance(value, (bool, int, float))


def _fields(request: Request, model: BaseModel) -> list[str] | None:
    raw = request.args.get("fields")
    if not raw:
        return None
    names = [name.strip() for name in raw.split(",") if name.strip()]
    unknown = [name for name in names if name not in model._fields]
    if unknown:
        raise ValidationError(f"{model._name} has no field {unknown[0]!r}", code="FIELD_UNKNOWN")
    return names


def _body(request: Request) -> Any:
    """The JSON body; requiring its media type also keeps cross-site forms out (no CSRF token needed)."""
    if request.mimetype != "application/json":
        raise BadRequest("the body must be JSON (Content-Type: application/json)", code="MEDIA_TYPE_UNSUPPORTED",
                         status=415)
    return request.json_body()


def collection(request: Request, model: str) -> Response:
    with user_env(request) as env:
        records = _model(env, model)
        if request.method == "POST":
            values = check_values(records, _body(request))
            check_client_values(records, [values])
            created = records.create(values)
            body = _read(created)[0]
            return _json(body, 201, {"Location": f"{PREFIX}/{model}/{created.id}"})
        domain, fields = _domain(request), _fields(request, records)
        offset = _int_arg(request, "offset", 0, 0, 2**31 - 1)
        limit = _int_arg(request, "limit", DEFAULT_LIMIT, 1, MAX_LIMIT)
        order = request.args.get("order") or None
        found = records.search(domain, offset=offset, limit=limit, order=order)
        body = {"items": _read(found, fields), "total": records.search_count(domain), "offset": offset, "limit": limit}
        return _json(body)


def member(request: Request, model: str, record_id: int) -> Response:
    with user_env(request) as env:
        record = _record(env, model, record_id)
        if request.method == "DELETE":
            record.unlink()
            return Response(status=204)
        if request.method == "PATCH":
            values = check_values(record, _body(request))
            check_client_values(record, [values], record)
            record.write(values)
        return _json(_read(record)[0])


def action(request: Request, model: str, record_id: int, method: str) -> Response:
    """Run one of the model's REST actions (``_api_actions``) on the record; its result is the body.

    The body must be a JSON object (``{}``): like every REST write, a cross-site form cannot send one.
    """
    with user_env(request) as env:
        record = _record(env, model, record_id)
        if method not in type(record)._api_actions:
            offered = ", ".join(sorted(type(record)._api_actions)) or "none"
            raise NotFound(f"{model} has no REST action {method!r} (actions: {offered})", code="ACTION_UNKNOWN")
        if not isinstance(_body(request), dict):
            raise BadRequest("the body of an action must be a JSON object ({})", code="BODY_INVALID")
        return _json(to_wire(getattr(record, method)()))


def openapi(request: Request) -> Response:
    alias = request.database()
    with request.app.databases.env(alias) as env:
        return _json(openapi_document(env, request.host_url.rstrip("/")))


def routes() -> list[Route]:
    return [
        Route(f"{PREFIX}/openapi.json", openapi, ("GET",), auth="none"),
        Route(f"{PREFIX}/<model>", collection, ("GET", "POST"), auth="none", csrf=False),
        Route(f"{PREFIX}/<model>/<int(min=1, max=2147483647):record_id>", member, ("GET", "PATCH", "DELETE"), auth="none", csrf=False),
        Route(f"{PREFIX}/<model>/<int(min=1, max=2147483647):record_id>/<method>", action, ("POST",), auth="none",
              csrf=False),
    ]
