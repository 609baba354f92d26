"""The portal's table of contents: which pages of documents a portal user gets under ``/my``.

The web addon serves ``/my`` (the user's partner) and one page per entry of
:meth:`PortalHome._portal_pages`; an addon adds its documents by extending
this model (``_inherit = "portal.home"``) and appending its entry.  The
records are searched as the portal user, so the addon's record rules for
``base.group_portal`` decide what is shown: a user sees their own commercial
partner's documents and nothing else.
"""

from __future__ import annotations

from typing import Any

from kernel import AbstractModel


class PortalHome(AbstractModel):
    _name = "portal.home"
    _description = "Portal Pages"

    def _portal_pages(self) -> list[dict[str, Any]]:
        """The portal's pages, in order: ``{"key", "title", "model", "fields", "order"}`` each.

        ``key`` is the page's path (``/my/<key>``), ``title`` its translated
        heading, ``fields`` the columns of its list and the lines of a
        record's page, ``order`` the list's sort order.
        """
        return []
