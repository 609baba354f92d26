"""The routes of the web client, one module per screen family."""

from __future__ import annotations

from kernel.http.routing import Route

from . import action_menu, data, dialogs, form, listing, onchange, portal, reports, shell, transfer


def routes() -> list[Route]:
    return [*shell.routes(), *listing.routes(), *form.routes(), *data.routes(), *transfer.routes(), *onchange.routes(),
            *dialogs.routes(), *reports.routes(),
            *action_menu.routes(), *portal.routes()]
