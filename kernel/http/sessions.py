"""Server-side sessions, CSRF tokens and login throttling, all kept in the database.

The session cookie holds ``<alias>:<token>``: the alias says which database
keeps the session, the token is a random secret of which only the SHA-256 is
stored.  Any worker process serves any request.
"""

from __future__ import annotations

import hmac
import secrets
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite

from ..db import utcnow
from ..orm.env import Environment
from .errors import AccessDenied
from ..models.http import token_digest

COOKIE_NAME = "session_id"

THROTTLED_MESSAGE = "Too many login failures, please wait a bit before trying again."


@dataclass
class Session:
    """A session as a request sees it: the database alias, the user (``None`` before login), the CSRF secret."""

    alias: str
    token: str
    record_id: int
    uid: int | None
    csrf_secret: str
    context: dict[str, Any] = field(default_factory=dict)

    @property
    def cookie_value(self) -> str:
        return f"{self.alias}:{self.token}"

    def csrf_token(self) -> str:
        return self.csrf_secret

    def csrf_matches(self, token: str | None) -> bool:
        return bool(token) and hmac.compare_digest(self.csrf_secret.encode(), str(token).encode())


def parse_cookie(value: str | None) -> tuple[str, str] | None:
    """``(alias, token)`` of a session cookie; ``None`` for anything malformed."""
    if not value:
        return None
    alias, _, token = value.rpartition(":")
    return (alias, token) if alias and token else None


def create_session(env: Environment, alias: str, uid: int | None, lifetime: int,
                   context: dict[str, Any] | None = None) -> Session:
    """Start a session (anonymous when ``uid`` is ``None``) in ``env``'s transaction."""
    token = secrets.token_urlsafe(32)
    csrf_secret = secrets.token_hex(32)
    now = utcnow()
    record = env["http.session"].sudo().create({
        "token_digest": token_digest(token), "user_id": uid or False, "csrf_secret": csrf_secret,
        "context": dict(context or {}), "created": now, "expires": now + timedelta(seconds=lifetime),
    })
    return Session(alias, token, record.id, uid, csrf_secret, dict(context or {}))


def load_session(env: Environment, alias: str, token: str, lifetime: int) -> Session | None:
    """The live session of this token; extends its life once half of it has passed.

    One query (session joined to its user) per request: it is on every request's path.
    """
    sessions, users = env["http.session"]._sql, env["res.users"]._sql
    query = (
        sa.select(sessions.c.id, sessions.c.user_id, sessions.c.csrf_secret, sessions.c.context, sessions.c.expires,
                  users.c.active)
        .outerjoin(users, users.c.id == sessions.c.user_id)
        .where(sessions.c.token_digest == token_digest(token))
    )
    row = env.execute(query).first()
    if row is None:
        return None
    now = utcnow()
    if row.expires <= now:
        env.execute(sa.delete(sessions).where(sessions.c.id == row.id))
        return None
    if row.user_id is not None and not row.active:
        return None
    if row.expires - now < timedelta(seconds=lifetime / 2):
        env["http.session"].sudo().browse(row.id).expires = now + timedelta(seconds=lifetime)
    return Session(alias, token, row.id, row.user_id, row.csrf_secret, dict(row.context or {}))


def log_in(env: Environment, session: Session, uid: int, context: dict[str, Any]) -> Session:
    """Attach a user to a session, with a new token and a new CSRF secret: neither seen before login is worth anything."""
    token, csrf_secret = secrets.token_urlsafe(32), secrets.token_hex(32)
    env["http.session"].sudo().browse(session.record_id).write(
        {"token_digest": token_digest(token), "user_id": uid, "context": context, "csrf_secret": csrf_secret}
    )
    return Session(session.alias, token, session.record_id, uid, csrf_secret, context)


def destroy_session(env: Environment, session: Session) -> None:
    env["http.session"].sudo().browse(session.record_id).exists().unlink()


def purge_expired(env: Environment) -> int:
    """Delete expired sessions (at each login, and hourly by ``base``'s schedule); returns how many."""
    sessions = env["http.session"]._sql
    return env.execute(sa.delete(sessions).where(sessions.c.expires <= utcnow())).rowcount


@dataclass(frozen=True)
class Throttle:
    """At most ``max_failures`` failed password checks per key (login, address) within ``window`` seconds.

    Every entry point that checks a password (web login, JSON-RPC and XML-RPC
    ``login``/``execute_kw``) runs the check inside :meth:`guard`, in one
    transaction that first locks the keys' rows (``SELECT ... FOR UPDATE`` on
    PostgreSQL, the write lock on SQLite), refuses a key at its limit (HTTP
    429), checks the password and counts a failure before committing.  Checks
    of one login or address therefore queue: of any number of parallel
    guesses, at most ``max_failures`` are checked; right passwords only wait.
    """

    max_failures: int
    window: int

    @staticmethod
    def keys(login: str | None, address: str | None) -> list[str]:
        keys = [f"login:{login.strip().lower()}"] if login else []
        if address:
            keys.append(f"address:{address}")
        return keys

    def guard(self, env: Environment, keys: list[str]) -> None:
        """Lock the keys' rows (made when missing, in one order so that nobody deadlocks); refuse a key at its limit."""
        table = env["http.login.attempt"]._sql
        since = utcnow() - timedelta(seconds=self.window)
        for key in sorted(keys):
            env.execute(_insert(env)(table).values(key=key, failures=0).on_conflict_do_nothing(index_elements=[table.c.key]))
            row = env.execute(sa.select(table.c.failures, table.c.first_failure).where(table.c.key == key)
                              .with_for_update()).one()
            if row.failures >= self.max_failures and row.first_failure is not None and row.first_failure > since:
                raise AccessDenied(THROTTLED_MESSAGE, code="LOGIN_THROTTLED", status=429)

    def check(self, env: Environment, keys: list[str]) -> None:
        """Raise :class:`AccessDenied` (429) while a key is at its limit, without locking anything."""
        table = env["http.login.attempt"]._sql
        since = utcnow() - timedelta(seconds=self.window)
        blocked = env.execute(sa.select(table.c.id).where(
            table.c.key.in_(keys), table.c.failures >= self.max_failures, table.c.first_failure > since).limit(1))
        if blocked.first() is not None:
            raise AccessDenied(THROTTLED_MESSAGE, code="LOGIN_THROTTLED", status=429)

    def failed(self, env: Environment, keys: list[str]) -> None:
        """Count one failure for every key, in one statement per key (a window that has passed starts again)."""
        table = env["http.login.attempt"]._sql
        now = utcnow()
        expired = sa.or_(table.c.first_failure.is_(None), table.c.first_failure <= now - timedelta(seconds=self.window))
        for key in sorted(keys):
            insert = _insert(env)(table).values(key=key, failures=1, first_failure=now)
            env.execute(insert.on_conflict_do_update(index_elements=[table.c.key], set_={
                "failures": sa.case((expired, 1), else_=table.c.failures + 1),
                "first_failure": sa.case((expired, now), else_=table.c.first_failure),
            }))

    def succeeded(self, env: Environment, keys: list[str]) -> None:
        """The right password: the login starts afresh (the address keeps its count)."""
        table = env["http.login.attempt"]._sql
        logins = [key for key in keys if key.startswith("login:")]
        if logins:
            env.execute(sa.delete(table).where(table.c.key.in_(logins)))


def _insert(env: Environment) -> Any:
    """The dialect's ``INSERT`` (both have ``ON CONFLICT``)."""
    return postgresql.insert if env.connection.dialect.name == "postgresql" else sqlite.insert
