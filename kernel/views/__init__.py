"""Views: safe arch parsing and Odoo's view inheritance.

``inheritance`` holds the pure functions (no database): :func:`parse_arch`,
:func:`locate_node` and :func:`apply_inheritance`.  The ``ir.ui.view`` model
(storage, combined views, field checks) will live next to it.
"""

from .inheritance import ArchLike, apply_inheritance, locate_node, parse_arch

__all__ = ["ArchLike", "apply_inheritance", "locate_node", "parse_arch"]
