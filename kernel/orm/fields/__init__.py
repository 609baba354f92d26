"""Field types; ``from kernel import fields`` then ``fields.Char(...)``."""

from .base import Field
from .numeric import Decimal, Monetary
from .relational import Many2many, Many2one, One2many
from .simple import Binary, Boolean, Char, Date, Datetime, Float, Html, Id, Integer, Json, Selection, Text

__all__ = [
    "Binary", "Boolean", "Char", "Date", "Datetime", "Decimal", "Field", "Float", "Html", "Id",
    "Integer", "Json", "Many2many", "Many2one", "Monetary", "One2many", "Selection", "Text",
]
