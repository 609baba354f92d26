"""Views: safe arch parsing, Odoo's view inheritance, combined views, validation, menus and actions.

* :mod:`.inheritance` -- pure functions, no database: :func:`parse_arch`,
  :func:`locate_node`, :func:`apply_inheritance`;
* :mod:`.combine` -- :func:`combined_arch`: a primary view with the extensions
  that apply for a user; :func:`default_arch` for models without views;
* :mod:`.service` -- :func:`get_view` / :func:`get_views`, what clients read;
* :mod:`.validation` -- :func:`check_arch` and :func:`check_views`, run when
  an addon loads views;
* :mod:`.menus` -- :func:`read_action` and :func:`menu_tree`;
* :mod:`.groups` -- the user's groups, implied ones included.

The models (``ir.ui.view``, ``ir.actions.window``, ``ir.ui.menu``) live in
:mod:`kernel.models.ir_ui` and delegate here.  The names below load lazily, so
that ``import kernel.views.inheritance`` needs no database library.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..lazy import lazy_attributes

_LAZY = {
    "ArchLike": "kernel.views.inheritance", "apply_inheritance": "kernel.views.inheritance",
    "locate_node": "kernel.views.inheritance", "parse_arch": "kernel.views.inheritance",
    "combined_arch": "kernel.views.combine", "default_arch": "kernel.views.combine",
    "menu_tree": "kernel.views.menus", "read_action": "kernel.views.menus",
    "default_view": "kernel.views.service", "get_view": "kernel.views.service", "get_views": "kernel.views.service",
    "check_arch": "kernel.views.validation", "check_views": "kernel.views.validation",
}
__all__ = sorted(_LAZY)
__getattr__, __dir__ = lazy_attributes(__name__, _LAZY)

if TYPE_CHECKING:
    from .combine import combined_arch, default_arch
    from .inheritance import ArchLike, apply_inheritance, locate_node, parse_arch
    from .menus import menu_tree, read_action
    from .service import default_view, get_view, get_views
    from .validation import check_arch, check_views
