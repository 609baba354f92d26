"""The WSGI application: routing, one transaction per request, errors, logging, static files.

A request goes through :meth:`Application.dispatch`: the kernel's routes are
matched first, then those the installed addons of the request's database
return from ``kernel_routes``.  Routes with ``auth`` ``public`` or ``user``
run in one transaction, committed when the endpoint returns and rolled back
when anything raises.  Its database work is limited to ``[web] request_timeout``
seconds (:func:`kernel.db.request_deadline`).  Errors become each format's envelope; a traceback
reaches the client only with ``[web] debug = true``.
"""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Callable, Iterable
from typing import Any, TypeVar

import sqlalchemy as sa
from werkzeug.exceptions import HTTPException, RequestEntityTooLarge, UnsupportedMediaType
from werkzeug.routing import Map
from werkzeug.utils import send_from_directory
from werkzeug.wrappers import Response

from ..config import Settings, load_settings
from ..db import request_deadline, writing
from ..exceptions import AccessError
from ..manifest import discover
from ..orm.env import SUPERUSER_ID
from . import attachments, jsonrpc, rest, xmlrpc
from .concurrency import request_may_write, run_retrying
from .errors import AccessDenied, BadRequest, NotFound, SessionExpired, jsonrpc_error, report, rest_error
from .marshal import to_wire
from ..models.http import current_session_id
from .request import ANONYMOUS_CSRF_COOKIE, Databases, Request, WebSettings
from .routing import Route, build_map
from .rpc import Services, version_info
from .sessions import COOKIE_NAME, Throttle, create_session, load_session, log_in, purge_expired

log = logging.getLogger("kernel.http")
Result = TypeVar("Result")


def json_response(body: Any, status: int = 200) -> Response:
    return Response(json.dumps(body, ensure_ascii=False), status=status, mimetype="application/json")


def require_json(request: Request) -> None:
    """JSON routes take only ``application/json`` bodies: a cross-site form or ``text/plain`` post, which a
    browser sends with the user's cookies, cannot set that type, so it cannot change anything."""
    if request.mimetype != "application/json":
        raise UnsupportedMediaType(
            f"this route takes a JSON body: send it with 'Content-Type: application/json' "
            f"(got {request.mimetype or 'no content type'!r})")


class Application:
    """The WSGI callable ``erp serve`` runs in every worker process."""

    def __init__(self, settings: Settings | None = None):
        self.settings = settings or load_settings()
        self.web = WebSettings.from_settings(self.settings)
        self.databases = Databases(self.settings)
        self.services = Services(self)
        self.throttle = Throttle(self.web.login_max_failures, self.web.login_failure_window)
        self.static_folders = {
            name: manifest.path / "static" for name, manifest in discover(self.settings.addons_path).items()
            if (manifest.path / "static").is_dir()
        }
        self.kernel_map = build_map(self.kernel_routes())
        self._addon_maps: dict[str, tuple[Any, Map]] = {}  # alias -> (the plugins they came from, routes)

    # -- routes ----------------------------------------------------------------------------

    def kernel_routes(self) -> list[Route]:
        return [
            Route("/healthz", self.healthz, auth="none", kind="json"),
            Route("/<addon>/static/<path:filename>", self.static, auth="none"),
            *jsonrpc.routes(), *xmlrpc.routes(), *rest.routes(), *attachments.routes(),
        ]

    def addon_map(self, alias: str) -> Map:
        """The routes of the addons installed in this database, collected again when they change."""
        kernel = self.databases.kernel(alias)
        with kernel.engine.connect() as connection:
            kernel.refresh(connection)
        plugins = kernel.plugins
        known = self._addon_maps.get(alias)
        if known is None or known[0] is not plugins:
            collected: list[Route] = []
            for returned in plugins.hook.kernel_routes():
                collected.extend(returned or [])
            known = self._addon_maps[alias] = (plugins, build_map(collected))
        return known[1]

    def healthz(self, request: Request) -> dict[str, Any]:
        """``ok`` when every database alias answers a trivial query (HTTP 503 otherwise)."""
        states = {}
        for alias in self.databases.aliases():
            try:
                with self.databases.kernel(alias).engine.connect() as connection:
                    connection.execute(sa.text("SELECT 1"))
                states[alias] = "ok"
            except Exception:  # noqa: BLE001 - any failure means the database is not usable
                log.exception("health check of database %r failed", alias)
                states[alias] = "unavailable"
        healthy = all(state == "ok" for state in states.values())
        return json_response({"status": "ok" if healthy else "unavailable", "databases": states},
                             200 if healthy else 503)

    def static(self, request: Request, addon: str, filename: str) -> Response:
        folder = self.static_folders.get(addon)
        if folder is None:
            raise NotFound(f"addon {addon!r} has no static files")
        return send_from_directory(folder, filename, request.environ, max_age=3600)

    # -- authentication ------------------------------------------------------------------------

    def authenticate(self, alias: str, login: Any, password: Any, address: str | None) -> int:
        """The user id of these credentials (password, or an API key of that user), through the login throttle."""
        if not isinstance(login, str) or not isinstance(password, str):
            raise AccessDenied()

        def check(env: Any) -> int | None:
            users = env["res.users"]
            try:
                return users.authenticate(login, password)
            except AccessError:
                by_key = env["res.users.apikey"].find_user(password) if password else None
                user = users.with_context(active_test=True).search([("login", "=", login)], limit=1)
                return by_key if by_key is not None and by_key == user.id else None

        return self.throttled_check(alias, self.throttle.keys(login, address), check)

    def throttled_check(self, alias: str, keys: list[str], check: Callable[[Any], Result | None]) -> Result:
        """``check(env)`` (``None`` meaning wrong credentials) guarded by the login throttle, in one transaction.

        Raises :class:`AccessDenied` for wrong credentials, after their failure is committed.
        """
        with writing(), self.databases.env(alias) as env:
            self.throttle.guard(env, keys)
            result = check(env)
            if result is None:
                self.throttle.failed(env, keys)
            else:
                self.throttle.succeeded(env, keys)
        if result is None:
            raise AccessDenied()
        return result

    def open_session(self, request: Request, alias: str, uid: int) -> dict[str, Any]:
        """Log the request's session in as ``uid`` (starting one if needed); returns Odoo's session info."""
        with self.databases.env(alias) as env:
            purge_expired(env)
            context = env["res.users"].with_user(uid).context_get()
            session = self.current_session(request, env, alias) or create_session(
                env, alias, None, self.web.session_lifetime
            )
            request.start_session(log_in(env, session, uid, context))
            return self.session_info(env(uid=uid, su=False), alias)

    def current_session(self, request: Request, env: Any, alias: str) -> Any:
        cookie = request.session_cookie()
        if cookie is None or cookie[0] != alias:
            return None
        request.session = load_session(env, alias, cookie[1], self.web.session_lifetime)
        return request.session

    def session_info(self, env: Any, alias: str) -> dict[str, Any]:
        user = env.user
        return to_wire({
            "uid": user.id, "db": alias, "username": user.login, "name": user.name,
            "user_context": env["res.users"].context_get(),
            "company_id": user.company_id.id or False, "is_system": env.uid == SUPERUSER_ID, "is_admin": env.uid == SUPERUSER_ID,
            **{key: value for key, value in version_info().items() if key.startswith("server_version")},
        })

    # -- dispatching -------------------------------------------------------------------------------

    def __call__(self, environ: dict[str, Any], start_response: Any) -> Iterable[bytes]:
        request = Request(environ)
        request.app = self
        request.max_content_length = self.web.max_request_size
        started = time.perf_counter()
        try:
            with request_deadline(self.web.request_timeout):
                response = self.dispatch(request)
        finally:
            request.close()  # uploaded files are temporary files: closed once the endpoint is done
        self.finish(request, response)
        elapsed = (time.perf_counter() - started) * 1000
        response.headers["Server-Timing"] = f"app;dur={elapsed:.2f}"
        log.info("%s %s %s %.1fms", request.method, request.full_path.rstrip("?"), response.status_code, elapsed)
        return response(environ, start_response)

    def finish(self, request: Request, response: Response) -> None:
        secure = self.web.secure_cookies
        if request.cookie_to_set:
            response.set_cookie(COOKIE_NAME, request.cookie_to_set, max_age=self.web.session_lifetime,
                                httponly=True, samesite="Lax", secure=secure, path="/")
        elif request.cookie_cleared:
            response.delete_cookie(COOKIE_NAME, httponly=True, samesite="Lax", secure=secure, path="/")
        if request.anonymous_csrf_to_set and not request.cookie_to_set:
            response.set_cookie(ANONYMOUS_CSRF_COOKIE, request.anonymous_csrf_to_set, httponly=True, samesite="Lax",
                                secure=secure, path="/")

    def match(self, request: Request) -> tuple[Route, dict[str, Any]]:
        try:
            return self.kernel_map.bind_to_environ(request.environ).match()
        except HTTPException as kernel_miss:
            cookie = request.session_cookie()
            alias = request.args.get("db") or (cookie[0] if cookie else None) or self.databases.default_alias()
            if alias is None or alias not in self.settings.databases:
                raise kernel_miss from None
            if alias not in self._addon_maps and not self.databases.kernel(alias).is_initialised():
                raise kernel_miss from None
            try:
                return self.addon_map(alias).bind_to_environ(request.environ).match()
            except HTTPException:
                raise kernel_miss from None  # a 405 of the kernel's routes says more than the addons' 404

    def dispatch(self, request: Request) -> Response:
        route: Route | None = None
        try:
            if request.content_length is not None and request.content_length > self.web.max_request_size:
                raise RequestEntityTooLarge()
            route, values = self.match(request)
            if route.kind == "json" and request.method == "POST":
                require_json(request)
                body = request.json_body()
                request.params = body.get("params") or {} if isinstance(body, dict) else {}
                request.rpc_id = body.get("id") if isinstance(body, dict) else None
                if not isinstance(request.params, dict):
                    raise BadRequest("'params' must be a JSON object", code="PARAMS_INVALID")
            else:
                request.params, request.rpc_id = {}, None
            if route.auth == "none":
                work = lambda: route.endpoint(request, **values)  # noqa: E731
            else:
                work = lambda: self.run_in_transaction(request, route, values)  # noqa: E731
            result = run_retrying(work, request_may_write(request), request)
            return self.render(route, request, result)
        except HTTPException as exc:
            return self.http_error(request, route, exc)
        except Exception as exc:  # noqa: BLE001 - every error becomes the route's error envelope
            return self.error(request, route, exc)

    def run_in_transaction(self, request: Request, route: Route, values: dict[str, Any]) -> Any:
        alias = request.database(request.params.get("db") if isinstance(request.params, dict) else None)
        request.alias = alias
        with self.databases.env(alias) as env:
            session = self.current_session(request, env, alias)
            if route.auth == "user" and (session is None or session.uid is None):
                raise SessionExpired()
            logged_in = session is not None and session.uid is not None
            uid = session.uid if logged_in else SUPERUSER_ID
            request.env = env(uid=uid, su=not logged_in, context=session.context if session else {})
            if route.checks_csrf:
                request.check_csrf()
            token = current_session_id.set(session.record_id if session else None)
            try:
                result = route.endpoint(request, **values)
            finally:
                current_session_id.reset(token)
            return to_wire(result) if route.kind == "json" and not isinstance(result, Response) else result

    def render(self, route: Route, request: Request, result: Any) -> Response:
        if isinstance(result, Response):
            return result
        if route.kind == "json":
            return json_response(jsonrpc.envelope(request, result) if request.method == "POST" else result)
        return Response(result, mimetype="text/html")

    # -- errors ------------------------------------------------------------------------------------

    def error(self, request: Request, route: Route | None, exc: Exception) -> Response:
        reported = report(exc, self.web.debug)
        if not reported.user_error:
            log.exception("%s %s failed", request.method, request.path)
        if route is not None and route.kind == "json":
            body = {"jsonrpc": "2.0", "id": getattr(request, "rpc_id", None), "error": jsonrpc_error(exc, self.web.debug)}
            return json_response(body, 200 if request.method == "POST" and reported.status != 503 else reported.status)
        if route is not None and route.endpoint.__module__ == rest.__name__:
            body, status = rest_error(exc, self.web.debug)
            return json_response(body, status)
        return Response(reported.message, status=reported.status, mimetype="text/plain")

    def http_error(self, request: Request, route: Route | None, exc: HTTPException) -> Response:
        """werkzeug's own errors (404, 405, 413): JSON for the APIs, plain text elsewhere."""
        code = exc.code or 500
        message = exc.description or exc.name
        if request.path.startswith(rest.PREFIX) or (route is not None and route.kind == "json"):
            response = json_response({"error": {"code": exc.name.upper().replace(" ", "_"), "message": message}}, code)
        else:
            response = Response(f"{code} {exc.name}: {message}", status=code, mimetype="text/plain")
        if hasattr(exc, "valid_methods") and exc.valid_methods:
            response.headers["Allow"] = ", ".join(exc.valid_methods)
        return response


def create_app(settings: Settings | None = None) -> Application:
    """The application for ``settings`` (default: the configuration file and environment)."""
    return Application(settings)


