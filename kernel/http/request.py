"""The request object endpoints receive, and the databases they reach."""

from __future__ import annotations

import contextlib
import functools
import hmac
import ipaddress
import json
import secrets
import threading
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from werkzeug.wrappers import Request as WerkzeugRequest

from ..config import Settings
from ..db import transaction
from ..exceptions import KernelError, UserError
from ..kernel import Kernel
from ..orm.env import SUPERUSER_ID, Environment
from .errors import BadRequest, NotFound
from .sessions import COOKIE_NAME, Session, parse_cookie

if TYPE_CHECKING:
    from .app import Application

CSRF_FIELD = "csrf_token"
CSRF_HEADER = "X-CSRF-Token"
ANONYMOUS_CSRF_COOKIE = "csrf_anonymous"  # a visitor's CSRF token: no session is stored before login


@dataclass(frozen=True)
class WebSettings:
    """The ``[web]`` section of the configuration, with its defaults."""

    host: str = "127.0.0.1"
    port: int = 8069
    workers: int = 2
    threads: int = 4
    timeout: int = 60
    list_db: bool = True
    debug: bool = False
    max_request_size: int = 10 * 1024 * 1024
    session_lifetime: int = 7 * 24 * 3600
    secure_cookies: bool = False
    login_max_failures: int = 5
    login_failure_window: int = 300
    request_timeout: int = 60  # seconds a request may work on the database; 0: no limit
    import_max_rows: int = 5000  # rows one file import may hold (until imports run as background jobs)
    trusted_proxies: tuple[str, ...] = ()  # addresses or networks of reverse proxies whose X-Forwarded-For is believed

    @classmethod
    def from_settings(cls, settings: Settings) -> WebSettings:
        section = dict(settings.section("web"))
        known = set(cls.__dataclass_fields__)
        unknown = sorted(set(section) - known)
        if unknown:
            raise KernelError(f"configuration [web]: unknown key(s) {', '.join(unknown)}; known: {', '.join(sorted(known))}")
        for name, value in section.items():
            if isinstance(value, list):
                value = section[name] = tuple(value)
            expected = type(getattr(cls, name))
            if not isinstance(value, expected) or (expected is int and isinstance(value, bool)):
                raise KernelError(f"configuration [web] {name}: expected {expected.__name__}, got {value!r}")
        for name, least in (("request_timeout", 0), ("import_max_rows", 1)):
            if section.get(name, least) < least:
                raise KernelError(f"configuration [web] {name}: expected {least} or more, got {section[name]!r}")
        for proxy in section.get("trusted_proxies", ()):
            try:
                ipaddress.ip_network(proxy, strict=False)
            except (TypeError, ValueError):
                raise KernelError(f"configuration [web] trusted_proxies: {proxy!r} is not an address or network") from None
        return cls(**section)

    def is_trusted_proxy(self, address: str) -> bool:
        return _in_networks(address, self.trusted_proxies)


@functools.lru_cache(maxsize=256)
def _in_networks(address: str, networks: tuple[str, ...]) -> bool:
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    return any(ip in ipaddress.ip_network(network, strict=False) for network in networks)


class Databases:
    """One :class:`Kernel` per configured alias, made on first use in each worker process."""

    def __init__(self, settings: Settings):
        self.settings = settings
        self._kernels: dict[str, Kernel] = {}
        self._lock = threading.Lock()

    def aliases(self) -> list[str]:
        return sorted(self.settings.databases)

    def default_alias(self) -> str | None:
        aliases = self.aliases()
        if "default" in aliases:
            return "default"
        return aliases[0] if len(aliases) == 1 else None

    def kernel(self, alias: str) -> Kernel:
        if not isinstance(alias, str) or alias not in self.settings.databases:
            raise NotFound(f"database {alias!r} does not exist", code="DATABASE_UNKNOWN")
        with self._lock:
            kernel = self._kernels.get(alias)
            if kernel is None:
                kernel = self._kernels[alias] = Kernel(settings=self.settings, alias=alias)
            return kernel

    def warm_up(self) -> None:
        """Build every initialised database's registry now rather than on its first request."""
        for alias in self.aliases():
            kernel = self.kernel(alias)
            if kernel.is_initialised():
                with kernel.engine.connect() as connection:
                    kernel.current_registry(connection)  # built and cached with the sequence it matches

    @contextlib.contextmanager
    def env(self, alias: str, uid: int = SUPERUSER_ID, context: Mapping[str, Any] | None = None) -> Iterator[Environment]:
        """An environment in a new transaction: committed when the block succeeds, rolled back otherwise."""
        kernel = self.kernel(alias)
        with transaction(kernel.engine) as connection:
            yield kernel.environment(connection, uid, context)  # the registry of the database's addons now

    def close(self) -> None:
        for kernel in self._kernels.values():
            kernel.close()
        self._kernels.clear()


class Request(WerkzeugRequest):
    """A werkzeug request plus what the application found for it: database, session, environment."""

    app: Application
    params: dict[str, Any]
    rpc_id: Any = None
    alias: str | None = None
    session: Session | None = None
    env: Environment | None = None
    cookie_to_set: str | None = None
    cookie_cleared: bool = False
    anonymous_csrf_to_set: str | None = None

    @property
    def uid(self) -> int | None:
        return self.session.uid if self.session else None

    @property
    def client_address(self) -> str:
        """The client's address: the peer's, or, behind a configured trusted proxy, the last address in
        ``X-Forwarded-For`` that is not one of the trusted proxies (what the outermost proxy saw)."""
        peer = self.remote_addr or "unknown"
        settings = self.app.web
        if not settings.trusted_proxies or not settings.is_trusted_proxy(peer):
            return peer
        hops = [hop.strip() for header in self.headers.getlist("X-Forwarded-For") for hop in header.split(",")]
        for hop in reversed(hops):
            try:
                ipaddress.ip_address(hop)
            except ValueError:
                return peer  # a proxy we trust would not write this: keep what we know
            if not settings.is_trusted_proxy(hop):
                return hop
        return peer

    def json_body(self) -> Any:
        """The request body as JSON; malformed JSON is a :class:`BadRequest`."""
        try:
            return json.loads(self.get_data(cache=True) or b"null")
        except (ValueError, UnicodeDecodeError) as exc:
            raise BadRequest(f"invalid JSON body: {exc}") from None

    def session_cookie(self) -> tuple[str, str] | None:
        return parse_cookie(self.cookies.get(COOKIE_NAME))

    def database(self, requested: Any = None) -> str:
        """The alias a request works on: the one named, else the session's, else the default one."""
        alias = requested or self.args.get("db") or (self.session.alias if self.session else None)
        if alias is None:
            cookie = self.session_cookie()
            alias = cookie[0] if cookie else self.app.databases.default_alias()
        if alias is None:
            raise BadRequest("no database selected: pass the 'db' parameter (a database alias)", code="DATABASE_REQUIRED")
        self.app.databases.kernel(alias)
        return alias

    def start_session(self, session: Session) -> None:
        self.session = session
        self.cookie_to_set = session.cookie_value
        self.cookie_cleared = False

    def reset_for_retry(self) -> None:
        """Forget what a rolled-back attempt found (session, environment, cookie) before running it again."""
        self.session, self.env = None, None
        self.cookie_to_set, self.cookie_cleared = None, False

    def end_session(self) -> None:
        self.session = None
        self.cookie_to_set = None
        self.cookie_cleared = True

    # -- CSRF ----------------------------------------------------------------------

    def csrf_token(self) -> str:
        """The token forms must send back (field ``csrf_token`` or header ``X-CSRF-Token``).

        A visitor without a session gets no stored session: the token is kept
        in a cookie of its own, which the form must match (double submit).
        """
        if self.session is not None:
            return self.session.csrf_token()
        token = self.anonymous_csrf_to_set or self.cookies.get(ANONYMOUS_CSRF_COOKIE, "")
        if not _is_csrf_token(token):
            token = self.anonymous_csrf_to_set = secrets.token_hex(32)
        return token

    def check_csrf(self, token: str | None = None) -> None:
        """Refuse a state-changing request whose CSRF token is missing or not the session's (or the visitor's cookie)."""
        token = token or self.form.get(CSRF_FIELD) or self.headers.get(CSRF_HEADER)
        if self.session is not None:
            matches = self.session.csrf_matches(token)
        else:
            cookie = self.cookies.get(ANONYMOUS_CSRF_COOKIE, "")
            matches = _is_csrf_token(cookie) and bool(token) and hmac.compare_digest(cookie.encode(), str(token).encode())
        if not matches:
            raise UserError("invalid or missing CSRF token: reload the page and try again", code="CSRF_INVALID", status=403)


def _is_csrf_token(value: str) -> bool:
    return len(value) == 64 and all(ch in "0123456789abcdef" for ch in value)
