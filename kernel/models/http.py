"""What the web layer keeps in the database: sessions, API keys and failed logins.

They live in every database (core models) so that any web worker, on any
machine, serves any request: nothing is kept in a worker's memory.
"""

from __future__ import annotations

import hashlib
import secrets
from contextvars import ContextVar
from datetime import timedelta
from typing import Any

import sqlalchemy as sa

from ..db import utcnow
from ..exceptions import ValidationError
from ..orm import api, fields
from ..orm.models import Model

API_KEY_PREFIX = "erp_"
# the session of the request this thread serves (set by the application): a password change ends the user's
# *other* sessions
current_session_id: ContextVar[int | None] = ContextVar("erp_current_session_id", default=None)
PREFIX_LENGTH = 8


def token_digest(token: str) -> str:
    """The SHA-256 of a high-entropy token: enough to store it, nothing to brute-force."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


class HttpSession(Model):
    """A browser or RPC session; the cookie holds the token, the table only its digest."""

    _name = "http.session"
    _description = "Web Session"
    _log_access = False

    token_digest = fields.Char("Token Digest", required=True, unique=True, size=64)
    user_id = fields.Many2one("res.users", "User", ondelete="cascade", index=True)
    csrf_secret = fields.Char("CSRF Secret", required=True, size=64)
    context = fields.Json("Context")
    created = fields.Datetime("Created on", required=True)
    expires = fields.Datetime("Expires", required=True, index=True)


class ApiKey(Model):
    """A revocable key a program authenticates with (``Authorization: Bearer <key>``) as its user.

    The key is shown once, when created; the table keeps its first characters
    (to find it) and the SHA-256 of the whole key (to check it).
    """

    _name = "res.users.apikey"
    _description = "API Key"
    _order = "id"

    name = fields.Char("Name", required=True)
    user_id = fields.Many2one("res.users", "User", required=True, ondelete="cascade", index=True)
    prefix = fields.Char("Prefix", required=True, size=16, index=True)
    key_digest = fields.Char("Key Digest", required=True, size=64, unique=True)
    revoked = fields.Boolean("Revoked", default=False)
    last_use = fields.Datetime("Last Used on")

    @api.model
    def generate(self, user_id: int, name: str) -> tuple[Any, str]:
        """Create a key for a user; returns the record and the key, which is never stored."""
        if not (name or "").strip():
            raise ValidationError("an API key needs a name", code="APIKEY_NAME_REQUIRED")
        secret = secrets.token_urlsafe(32).replace("-", "x").replace("_", "y")
        key = f"{API_KEY_PREFIX}{secret}"
        record = self.sudo().create({
            "name": name.strip(), "user_id": user_id, "prefix": secret[:PREFIX_LENGTH], "key_digest": token_digest(key),
        })
        return record, key

    @api.model
    def find_user(self, key: str) -> int | None:
        """The user id of an active, unrevoked key; ``None`` for anything else."""
        found = self._find_key(key)
        return found.user_id.id if found else None

    @api.model
    def _find_key(self, key: str) -> Any:
        """The active, unrevoked key record of ``key`` (empty when there is none); notes its use."""
        if not isinstance(key, str) or not key.startswith(API_KEY_PREFIX) or len(key) < len(API_KEY_PREFIX) + PREFIX_LENGTH:
            return self.browse()
        prefix = key[len(API_KEY_PREFIX):len(API_KEY_PREFIX) + PREFIX_LENGTH]
        digest = token_digest(key)
        for candidate in self.sudo().search([("prefix", "=", prefix), ("revoked", "=", False)]):
            if secrets.compare_digest(candidate.key_digest, digest) and candidate.user_id.active:
                now = utcnow()
                if not candidate.last_use or now - candidate.last_use > timedelta(minutes=1):
                    candidate.last_use = now
                return candidate
        return self.browse()


class LoginAttempt(Model):
    """Failed logins counted per login and per client address, to slow down password guessing."""

    _name = "http.login.attempt"
    _description = "Failed Logins"
    _log_access = False

    key = fields.Char("Login or Address", required=True, unique=True, size=300)
    failures = fields.Integer("Failures")
    first_failure = fields.Datetime("First Failure")


class UsersContext(Model):
    """What Odoo's clients ask a user's session for right after logging in."""

    _inherit = "res.users"

    @api.model
    def context_get(self) -> dict[str, Any]:
        """The current user's context: language, time zone and id, as Odoo's clients expect."""
        user = self.env.user
        return {"lang": user.lang or "en_US", "tz": user.tz or "UTC", "uid": user.id}

    def write(self, vals: Any) -> bool:
        """A new password ends the user's other sessions at once (a stolen session dies with the old password)."""
        result = super().write(vals)
        if isinstance(vals, dict) and "password" in vals and self._ids:
            sessions = self.env["http.session"]._sql
            query = sa.delete(sessions).where(sessions.c.user_id.in_(self._ids))
            current = current_session_id.get()
            if current is not None:
                query = query.where(sessions.c.id != current)
            self.env.execute(query)
        return result


HTTP_MODELS: list[type] = [HttpSession, ApiKey, LoginAttempt, UsersContext]
# never reachable through the APIs: they hold session secrets, key digests and login counters
WEB_INTERNAL_MODELS = frozenset({"http.session", "http.login.attempt", "res.users.apikey"})
