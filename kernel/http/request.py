"""The request object endpoints receive, and the databases they reach."""

from __future__ import annotations

import contextlib
import json
import threading
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from werkzeug.wrappers import Request as WerkzeugRequest

from ..config import Settings
from ..db import transaction
from ..exceptions import KernelError, UserError
from ..kernel import Kernel
from ..orm.env import SUPERUSER_ID, Environment, Transaction
from .errors import BadRequest, NotFound
from .sessions import COOKIE_NAME, Session, create_session, parse_cookie

if TYPE_CHECKING:
    from .app import Application

CSRF_FIELD = "csrf_token"
CSRF_HEADER = "X-CSRF-Token"


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

    @classmethod
    def from_settings(cls, settings: Settings) -> WebSettings:
        section = dict(settings.section("web"))
        known = set(cls.__dataclass_fields__)
        unknown = sorted(set(section) - known)
        if unknown:
            raise KernelError(f"configuration [web]: unknown key(s) {', '.join(unknown)}; known: {', '.join(sorted(known))}")
        for name, value in section.items():
            expected = type(getattr(cls, name))
            if not isinstance(value, expected) or (expected is int and isinstance(value, bool)):
                raise KernelError(f"configuration [web] {name}: expected {expected.__name__}, got {value!r}")
        return cls(**section)


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
            registry = kernel.current_registry(connection)  # another process may have installed or removed addons
            yield Environment(Transaction(kernel, connection, registry), uid, context, su=uid == SUPERUSER_ID)

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

    @property
    def uid(self) -> int | None:
        return self.session.uid if self.session else None

    @property
    def client_address(self) -> str:
        return self.remote_addr or "unknown"

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

        Needs an environment: a visitor without a session gets an anonymous one.
        """
        if self.session is None:
            if self.env is None or self.alias is None:
                raise KernelError("csrf_token() needs a route with auth 'public' or 'user'")
            self.start_session(create_session(self.env, self.alias, None, self.app.web.session_lifetime))
        return self.session.csrf_token()

    def check_csrf(self, token: str | None = None) -> None:
        """Refuse a state-changing request whose CSRF token is missing or not the session's."""
        token = token or self.form.get(CSRF_FIELD) or self.headers.get(CSRF_HEADER)
        if self.session is None or not self.session.csrf_matches(token):
            raise UserError("invalid or missing CSRF token: reload the page and try again", code="CSRF_INVALID", status=403)
