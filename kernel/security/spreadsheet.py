"""Cells of exported files that spreadsheets would run as formulas are written as text.

A value such as ``=HYPERLINK("http://evil", "click")`` typed into a record
must not become a live formula in the CSV or XLSX file a colleague opens:
every export (the audit log's, the web client's lists) passes its text cells
through :func:`text_cell`.
"""

from __future__ import annotations

from typing import Any

# a cell starting with one of these is a formula (or starts one) to spreadsheet programs
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def text_cell(value: Any) -> str:
    """``value`` as the text of a cell, prefixed with ``'`` when a spreadsheet would read a formula."""
    text = "" if value is False or value is None else str(value)
    return "'" + text if text.startswith(FORMULA_PREFIXES) else text
