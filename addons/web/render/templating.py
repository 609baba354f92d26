"""The Jinja2 environment of the web client and the page response carrying the security headers."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from jinja2 import Environment as JinjaEnvironment
from jinja2 import FileSystemLoader, select_autoescape
from werkzeug.wrappers import Response

TEMPLATES = Path(__file__).resolve().parent.parent / "templates"
CSP = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
       "form-action 'self'; frame-ancestors 'none'; base-uri 'none'; object-src 'none'")

jinja = JinjaEnvironment(loader=FileSystemLoader(TEMPLATES), autoescape=select_autoescape(default=True),
                         trim_blocks=True, lstrip_blocks=True)


def secure(response: Response) -> Response:
    """Headers every page of the client carries: no inline scripts or styles, no framing, no sniffing."""
    response.headers["Content-Security-Policy"] = CSP
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["X-Frame-Options"] = "DENY"
    response.headers["Referrer-Policy"] = "same-origin"
    response.headers["Cache-Control"] = "no-store"
    return response


def page(template: str, status: int = 200, **context: Any) -> Response:
    """An HTML page rendered from ``templates/<template>``."""
    html = jinja.get_template(template).render(**context)
    return secure(Response(html, status=status, mimetype="text/html"))


def redirect(location: str, status: int = 303) -> Response:
    response = Response("", status=status)
    response.headers["Location"] = location
    return secure(response)
