"""The portal (``/my``): a customer's or supplier's own people see their partner and its documents.

A portal user (``base.group_portal``) is linked to a partner; ``/my`` shows
that partner and the document pages the installed addons list in
``portal.home._portal_pages`` (see ``docs/portal.md``), ``/my/<page>`` the
page's records and ``/my/<page>/<id>`` one of them.  Every search and read
runs as the user, so the record rules decide: another partner's document is
"not found", exactly like a missing one.  Internal users reach ``/my`` too
(their own partner); portal users who open ``/web`` are sent here.
"""

from __future__ import annotations

import functools
from decimal import Decimal
from collections.abc import Callable
from typing import Any

from werkzeug.wrappers import Response

from kernel.exceptions import UserError
from kernel.http.request import Request
from kernel.http.routing import Route

from ..render.templating import page, redirect
from .common import savepoint

PARTNER_FIELDS = ("name", "email", "phone_number", "mobile_number", "street", "street2", "zip", "city", "state_id",
                  "country_id")
PAGE_SIZE = 80


def portal_page(handler: Callable[..., Response]) -> Callable[..., Response]:
    """Visitors log in first; a refusal is a portal page with the message and its status."""

    @functools.wraps(handler)
    def wrapper(request: Request, **values: Any) -> Response:
        if request.uid is None:
            return redirect("/web/login?redirect=" + request.full_path.rstrip("?"))
        try:
            with savepoint(request.env):
                return handler(request, **values)
        except UserError as exc:
            return frame(request, "portal_error.html", exc.status, title=request.env._("Error"), message=str(exc))

    return wrapper


def frame(request: Request, template: str, status: int = 200, **context: Any) -> Response:
    env = request.env
    pages = env["portal.home"]._portal_pages()
    return page(template, status=status, user=env.user, pages=pages, csrf_token=request.csrf_token(), _=env._,
                lang=env.lang or "en_US", **context)


def shown(record: Any, name: str) -> str:
    """A field's value as the portal prints it."""
    field = record._fields[name]
    value = record[name]
    if field.type == "many2one":
        return value.display_name if value else ""
    if field.type == "selection":
        return dict(field.get_selection(record)).get(value, value or "")
    if isinstance(value, Decimal):
        return f"{value:,.2f}"
    if value is False or value is None:
        return ""
    return str(value)


def _page(request: Request, key: str) -> dict[str, Any]:
    for entry in request.env["portal.home"]._portal_pages():
        if entry["key"] == key:
            return entry
    raise UserError(request.env._("There is no portal page %(page)s", page=repr(key)), code="PORTAL_PAGE_UNKNOWN",
                    status=404)


def _columns(request: Request, entry: dict[str, Any]) -> list[tuple[str, str]]:
    model = request.env[entry["model"]]
    return [(name, model._fields[name].string) for name in entry["fields"]]


@portal_page
def home(request: Request) -> Response:
    partner = request.env.user.partner_id
    counts = {entry["key"]: request.env[entry["model"]].search_count([]) for entry in
              request.env["portal.home"]._portal_pages()}
    details = [(partner._fields[name].string, shown(partner, name)) for name in PARTNER_FIELDS
               if name in partner._fields] if partner else []
    return frame(request, "portal_home.html", title=request.env._("My Account"), partner=partner,
                 details=[(label, value) for label, value in details if value], counts=counts)


@portal_page
def listing(request: Request, key: str) -> Response:
    entry = _page(request, key)
    records = request.env[entry["model"]].search([], order=entry.get("order"), limit=PAGE_SIZE)
    rows = [(record.id, [shown(record, name) for name in entry["fields"]]) for record in records]
    return frame(request, "portal_list.html", title=entry["title"], entry=entry, columns=_columns(request, entry),
                 rows=rows)


@portal_page
def document(request: Request, key: str, record_id: int) -> Response:
    entry = _page(request, key)
    record = request.env[entry["model"]].search([("id", "=", record_id)], limit=1)
    if not record:
        raise UserError(request.env._("This document does not exist or is not yours"), code="RECORD_MISSING",
                        status=404)
    lines = [(label, shown(record, name)) for name, label in _columns(request, entry)]
    return frame(request, "portal_document.html", title=record.display_name, entry=entry, record=record, lines=lines)


def is_portal_only(request: Request) -> bool:
    """A portal user without the internal users' group: the back office is not for them."""
    user = request.env.user
    return user.has_group("base.group_portal") and not user.has_group("base.group_user")


def routes() -> list[Route]:
    return [
        Route("/my", home, auth="public"),
        Route("/my/<key>", listing, auth="public"),
        Route("/my/<key>/<int(min=1, max=2147483647):record_id>", document, auth="public"),
    ]
