"""Signed, expiring, single-purpose tokens: what a link sent by mail or printed carries instead of a session.

``sign(env, "crm.track", {"lead": 7}, max_age=30 * 86400)`` returns a URL-safe
text ``<payload>.<signature>``: the payload (base64url JSON: purpose, data,
expiry, a random nonce) signed with HMAC-SHA256 under a key derived from the
secret *and the purpose*, so that a token made for one purpose is worthless
for another. :func:`verify` gives the data back, or raises
:class:`TokenError` (HTTP 403) when the token was tampered with, made for
another purpose, expired, or, with ``once=True``, already used (single use:
its nonce is recorded in ``auth.token.spent`` until it expires).

The secret is ``[security] secret`` of the configuration; without one, a
random per-database secret (``database.secret`` in ``ir.config_parameter``,
made on first use). Changing it invalidates every token. Written with the
standard library's ``hmac`` (itsdangerous' scheme, without the dependency).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import secrets
import time
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa

from ..exceptions import AccessError, ValidationError

if TYPE_CHECKING:
    from ..orm.env import Environment

SECRET_PARAMETER = "database.secret"
INVALID = "This link is invalid or has expired"


class TokenError(AccessError):
    """A token that is not valid for this purpose now (one message whatever the reason: no oracle)."""

    code = "TOKEN_INVALID"
    status = 403

    def __init__(self, reason: str):
        super().__init__(INVALID)
        self.reason = reason  # for logs and tests, never shown


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def secret(env: Environment) -> bytes:
    """The signing secret: the configuration's, else the database's own (made on first use)."""
    configured = env.services.settings.section("security").get("secret")
    if configured:
        if not isinstance(configured, str) or len(configured) < 32:
            raise ValidationError("[security] secret must be text of at least 32 characters")
        return configured.encode("utf-8")
    params = env["ir.config_parameter"].sudo()
    stored = params.get_param(SECRET_PARAMETER)
    if not stored:
        stored = secrets.token_hex(32)
        params.set_param(SECRET_PARAMETER, stored)
    return stored.encode("ascii")


def _signature(env: Environment, purpose: str, payload: str) -> str:
    key = hmac.new(secret(env), b"purpose:" + purpose.encode("utf-8"), hashlib.sha256).digest()
    return _b64(hmac.new(key, payload.encode("ascii"), hashlib.sha256).digest())


def sign(env: Environment, purpose: str, data: Any, max_age: float) -> str:
    """A token carrying JSON ``data`` for ``purpose``, valid ``max_age`` seconds."""
    if not purpose or max_age <= 0:
        raise ValidationError("a token needs a purpose and a positive max_age")
    body = {"p": purpose, "d": data, "e": int(time.time() + max_age), "n": secrets.token_urlsafe(12)}
    payload = _b64(json.dumps(body, separators=(",", ":"), sort_keys=True).encode("utf-8"))
    return f"{payload}.{_signature(env, purpose, payload)}"


def verify(env: Environment, token: str, purpose: str, once: bool = False) -> Any:
    """The data of a valid ``token`` for ``purpose``; :class:`TokenError` otherwise. ``once``: the token
    is spent by this call (in the caller's transaction) and refused afterwards."""
    payload, _, signature = (token or "").partition(".")
    if not payload or not signature or not hmac.compare_digest(signature, _signature(env, purpose, payload)):
        raise TokenError("bad signature or another purpose")
    try:
        body = json.loads(_unb64(payload))
    except ValueError:
        raise TokenError("unreadable payload") from None
    if not isinstance(body, dict) or body.get("p") != purpose:
        raise TokenError("another purpose")
    if not isinstance(body.get("e"), int) or body["e"] < time.time():
        raise TokenError("expired")
    if once:
        _spend(env, purpose, str(body.get("n")), body["e"])
    return body.get("d")


def _spend(env: Environment, purpose: str, nonce: str, expires: int) -> None:
    """Record the token as used; a second use finds the row (the unique key serialises two at once)."""
    spent = env["auth.token.spent"].sudo()
    key = hashlib.sha256(f"{purpose}:{nonce}".encode()).hexdigest()
    table = spent._sql
    if env.execute(sa.select(table.c.id).where(table.c.key == key)).first() is not None:
        raise TokenError("already used")
    nested = env.connection.begin_nested()
    try:
        env.execute(table.insert().values(key=key, expires=int(expires)))
    except sa.exc.IntegrityError:
        nested.rollback()
        raise TokenError("already used") from None
    nested.commit()
    env.execute(table.delete().where(table.c.expires < int(time.time())))  # spent tokens past expiry: no use
