"""Web Client: login, menus, list, form, search and kanban views rendered on the server from the combined views."""

from __future__ import annotations

from kernel.http.routing import Route


def kernel_routes() -> list[Route]:
    from .controllers import routes

    return routes()
