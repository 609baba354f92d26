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
:mod:`kernel.models.ir_ui` and delegate here.
"""

from .combine import combined_arch, default_arch
from .inheritance import ArchLike, apply_inheritance, locate_node, parse_arch
from .menus import menu_tree, read_action
from .service import default_view, get_view, get_views
from .validation import check_arch, check_views

__all__ = [
    "ArchLike", "apply_inheritance", "check_arch", "check_views", "combined_arch", "default_arch", "default_view",
    "get_view", "get_views", "locate_node", "menu_tree", "parse_arch", "read_action",
]
