"""Anonymous endpoints done right: a public form or a tracking link that changes data without a session.

Three guards an addon's public route combines (CRM's tracking links, the
partnership's application form):

* a signed, expiring, single-purpose token in the link
  (:func:`kernel.security.tokens.sign` / :func:`~kernel.security.tokens.verify`);
* :func:`count_request`: at most ``limit`` requests per client address and
  bucket within ``window`` seconds (HTTP 429 past it), counted in the database
  (its own committed transaction, so that refused requests count too) and
  shared by every worker;
* :func:`check_honeypot`: a form field hidden from people that bots fill in
  (the request is refused, HTTP 400, and nothing is written).

Such a route is ``auth="none"``: it counts the request first, then does its
work in a transaction of its own (``with writing(), request.app.databases.env(
request.database()) as env``), as the superuser: it must write only what the
token or the form allows.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import timedelta
from typing import TYPE_CHECKING

import sqlalchemy as sa

from ..db import utcnow, writing
from ..exceptions import UserError
from .sessions import _insert

if TYPE_CHECKING:
    from ..orm.env import Environment
    from .request import Request

HONEYPOT_FIELD = "website_url"  # a name bots like to fill


class RateLimited(UserError):
    code = "RATE_LIMITED"
    status = 429


def rate_limit(env: Environment, bucket: str, address: str, limit: int, window: int) -> None:
    """Count this request of ``address`` in ``bucket``; refuse it (429) when it is over ``limit`` within
    ``window`` seconds. One atomic upsert per request (the login throttle's table, its own keys)."""
    table = env["http.login.attempt"].sudo()._sql
    key = f"public:{bucket}:{address}"
    now = utcnow()
    expired = sa.or_(table.c.first_failure.is_(None), table.c.first_failure <= now - timedelta(seconds=window))
    env.execute(_insert(env)(table).values(key=key, failures=1, first_failure=now).on_conflict_do_update(
        index_elements=[table.c.key], set_={
            "failures": sa.case((expired, 1), else_=table.c.failures + 1),
            "first_failure": sa.case((expired, now), else_=table.c.first_failure),
        }))
    count = env.execute(sa.select(table.c.failures).where(table.c.key == key)).scalar_one()
    if count > limit:
        raise RateLimited(env._("Too many requests from your address; try again later"))


def count_request(request: Request, bucket: str, limit: int, window: int) -> None:
    """:func:`rate_limit` for the request's client address, committed on its own before the endpoint's work."""
    with writing(), request.app.databases.env(request.database()) as env:
        rate_limit(env, bucket, request.client_address, limit, window)


def check_honeypot(env: Environment, form: Mapping[str, str], field: str = HONEYPOT_FIELD) -> None:
    """Refuse a form whose hidden ``field`` was filled in (people never see it)."""
    if (form.get(field) or "").strip():
        raise UserError(env._("This form could not be accepted"), code="FORM_REFUSED", status=400)


def honeypot_html(field: str = HONEYPOT_FIELD) -> str:
    """The hidden field to put in a public form (off-screen, not focusable, no autofill)."""
    return (f'<div class="hp" aria-hidden="true"><label for="{field}">Leave empty</label>'
            f'<input type="text" id="{field}" name="{field}" tabindex="-1" autocomplete="off"></div>')
