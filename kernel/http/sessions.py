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
    """Attach a user to a session, with a new token so that a token seen before login is worthless."""
    token = secrets.token_urlsafe(32)
    env["http.session"].sudo().browse(session.record_id).write(
        {"token_digest": token_digest(token), "user_id": uid, "context": context}
    )
    return Session(session.alias, token, session.record_id, uid, session.csrf_secret, context)


def destroy_session(env: Environment, session: Session) -> None:
    env["http.session"].sudo().browse(session.record_id).exists().unlink()


def purge_expired(env: Environment) -> None:
    """Delete expired sessions (run at each login, so the table stays the size of the active users)."""
    sessions = env["http.session"]._sql
    env.execute(sa.delete(sessions).where(sessions.c.expires <= utcnow()))


@dataclass(frozen=True)
class Throttle:
    """At most ``max_failures`` failed logins per key (login, address) within ``window`` seconds."""

    max_failures: int
    window: int

    @staticmethod
    def keys(login: str, address: str | None) -> list[str]:
        keys = [f"login:{(login or '').strip().lower()}"]
        if address:
            keys.append(f"address:{address}")
        return keys

    def check(self, env: Environment, keys: list[str]) -> None:
        """Raise :class:`AccessDenied` (HTTP 429) while any key has too many recent failures."""
        since = utcnow() - timedelta(seconds=self.window)
        attempts = env["http.login.attempt"].sudo().search([("key", "in", keys)])
        for attempt in attempts:
            if attempt.failures >= self.max_failures and attempt.first_failure and attempt.first_failure > since:
                raise AccessDenied(THROTTLED_MESSAGE, code="LOGIN_THROTTLED", status=429)

    def failed(self, env: Environment, keys: list[str]) -> None:
        now = utcnow()
        since = now - timedelta(seconds=self.window)
        model = env["http.login.attempt"].sudo()
        existing = {attempt.key: attempt for attempt in model.search([("key", "in", keys)])}
        for key in keys:
            attempt = existing.get(key)
            if attempt is None:
                model.create({"key": key, "failures": 1, "first_failure": now})
            elif not attempt.first_failure or attempt.first_failure <= since:
                attempt.write({"failures": 1, "first_failure": now})
            else:
                attempt.failures = attempt.failures + 1

    def succeeded(self, env: Environment, login: str) -> None:
        env["http.login.attempt"].sudo().search([("key", "=", self.keys(login, None)[0])]).unlink()
