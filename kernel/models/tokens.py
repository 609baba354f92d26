"""The single-use tokens already used (:mod:`kernel.security.tokens`), until they expire."""

from __future__ import annotations

from ..orm import fields
from ..orm.models import Model


class AuthTokenSpent(Model):
    """A used single-use token: the digest of its purpose and nonce, and when it would have expired."""

    _name = "auth.token.spent"
    _description = "Used Token"
    _log_access = False

    key = fields.Char("Digest", required=True, unique=True, size=64)
    expires = fields.Integer("Expires (Unix time)", required=True, index=True)
