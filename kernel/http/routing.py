"""Routes: what the kernel and the addons (through ``kernel_routes``) put on the web server.

An endpoint is a function ``endpoint(request, **url_values)`` returning a
werkzeug ``Response``, a ``str`` (HTML) or, for ``kind="json"``, any
JSON-serialisable value.  ``auth`` decides what the application prepares
before calling it:

- ``"none"``: nothing; the endpoint opens transactions itself if it needs any
  (the RPC endpoints, whose database and credentials arrive in the payload);
- ``"public"``: a transaction on the request's database, as the session's user
  when there is one, else as the superuser with ``request.uid`` left ``None``;
- ``"user"``: the same, but a request without a logged-in session is refused.

Form routes (``kind="http"``) changing state (POST, PUT, PATCH, DELETE) check
the session's CSRF token unless ``csrf=False``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from werkzeug.routing import Map, Rule

from ..exceptions import KernelError

AUTH_MODES = ("none", "public", "user")
KINDS = ("http", "json")
STATE_CHANGING = frozenset({"POST", "PUT", "PATCH", "DELETE"})

Endpoint = Callable[..., Any]


@dataclass(frozen=True)
class Route:
    """One URL rule and the endpoint serving it."""

    path: str
    endpoint: Endpoint
    methods: tuple[str, ...] = ("GET",)
    auth: str = "user"
    kind: str = "http"
    csrf: bool = True

    def __post_init__(self) -> None:
        if self.auth not in AUTH_MODES:
            raise KernelError(f"route {self.path}: auth must be one of {', '.join(AUTH_MODES)}, not {self.auth!r}")
        if self.kind not in KINDS:
            raise KernelError(f"route {self.path}: kind must be one of {', '.join(KINDS)}, not {self.kind!r}")
        if not self.path.startswith("/"):
            raise KernelError(f"route {self.path!r}: a path starts with '/'")

    @property
    def checks_csrf(self) -> bool:
        return self.kind == "http" and self.csrf and bool(STATE_CHANGING & set(self.methods))


def build_map(routes: Iterable[Route]) -> Map:
    """A werkzeug ``Map`` whose rules carry their :class:`Route` as endpoint; a path taken twice is an error."""
    rules, seen = [], {}
    for route in routes:
        for method in route.methods:
            key = (route.path, method.upper())
            if key in seen:
                raise KernelError(f"route {method} {route.path} is defined twice ({seen[key]} and {route.endpoint.__module__})")
            seen[key] = route.endpoint.__module__
        rules.append(Rule(route.path, endpoint=route, methods=list(route.methods)))
    return Map(rules, strict_slashes=False, merge_slashes=False)
