"""Export of a list (CSV, XLSX) and import of a CSV file: a preview with per-row errors, all or nothing.

An import runs every row in its own savepoint inside one outer savepoint, so
each bad row is reported; unless every row passed (and the user asked to
import rather than test), the outer savepoint is rolled back and nothing stays.
"""

from __future__ import annotations

import base64
import csv
import io
from typing import Any
from urllib.parse import parse_qsl

from openpyxl import Workbook
from werkzeug.datastructures import MultiDict
from werkzeug.wrappers import Response

from kernel.exceptions import UserError
from kernel.http.request import Request
from kernel.http.routing import Route
from kernel.security.client_values import check_client_values
from kernel.security.spreadsheet import text_cell

from ..render import listing
from ..render.templating import page, secure
from .actions import Screen, load_screen, record_ids
from .common import login_required, savepoint, shell

IMPORT_TYPES = ("char", "text", "integer", "float", "monetary", "boolean", "selection", "date", "many2one")


@login_required
def export(request: Request, action_id: int) -> Response:
    """The list's columns for the selected records, else for every record of the search, as CSV or XLSX."""
    screen = load_screen(request, action_id, MultiDict(parse_qsl(request.form.get("search", ""))))
    file_format = request.form.get("format", "")
    if file_format not in ("csv", "xlsx"):
        raise UserError(f"unknown export format {file_format!r}: csv or xlsx", code="EXPORT_FORMAT")
    columns = listing.list_columns(screen.views["list"]["arch"], screen.fields)
    ids = record_ids(request.form.getlist("ids"))
    domain = [("id", "in", ids)] if ids else screen.domain
    rows = listing.rows(request.env, screen.model, domain, columns, screen.fields)
    header = [text_cell(column.label) for column in columns]
    table = [[_cell(column, row["raw"].get(column.name), text)
              for column, (text, _) in zip(columns, row["cells"], strict=True)] for row in rows]
    filename = screen.model.replace(".", "_")
    if file_format == "csv":
        buffer = io.StringIO()
        writer = csv.writer(buffer)
        writer.writerow(header)
        writer.writerows(table)
        body, mimetype = buffer.getvalue().encode("utf-8-sig"), "text/csv"
    else:
        book = Workbook()
        sheet = book.active
        sheet.title = screen.action["name"][:31]
        sheet.append(header)
        for line in table:
            sheet.append(line)
        buffer = io.BytesIO()
        book.save(buffer)
        body, mimetype = buffer.getvalue(), "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    response = Response(body, mimetype=mimetype)
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}.{file_format}"'
    return secure(response)


def _cell(column: listing.Column, raw: Any, text: str) -> Any:
    """Numbers stay numbers in a spreadsheet; everything else is the text the list shows, never a formula."""
    if column.kind in ("integer", "float", "monetary") and raw not in (None, False):
        return raw
    return text_cell(text)


@login_required
def import_form(request: Request, action_id: int) -> Response:
    screen = load_screen(request, action_id, MultiDict())
    return _import_page(request, screen)


def _import_page(request: Request, screen: Screen, status: int = 200, **context: Any) -> Response:
    importable = sorted(name for name, d in screen.fields.items() if d["type"] in IMPORT_TYPES and not d.get("readonly"))
    defaults = {"preview": None, "errors": [], "done": None, "payload": "", "file_error": ""}
    return page("import.html", status=status, **shell(
        request, title=f"Import · {screen.action['name']}", screen=screen, importable=importable,
        breadcrumbs=[(screen.action["name"], screen.url()), ("Import", None)], **{**defaults, **context}))


def read_csv(data: bytes, max_rows: int) -> tuple[list[str], list[list[str]]]:
    """Header and rows of an uploaded CSV (UTF-8, with or without BOM) of at most ``max_rows`` rows;
    anything else is refused."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise UserError("the file is not UTF-8 text: export it as CSV UTF-8", code="IMPORT_FILE_INVALID") from None
    try:
        dialect = csv.Sniffer().sniff(text[:4096], delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    lines = [line for line in csv.reader(io.StringIO(text), dialect) if any(cell.strip() for cell in line)]
    if not lines:
        raise UserError("the file is empty: the first line must name the columns", code="IMPORT_FILE_INVALID")
    if len(lines) - 1 > max_rows:
        raise UserError(f"the file has {len(lines) - 1} rows; at most {max_rows} can be imported at once "
                        "(setting [web] import_max_rows) until imports run as background jobs: split the file",
                        code="IMPORT_TOO_LARGE")
    return [cell.strip() for cell in lines[0]], lines[1:]


def column_fields(screen: Screen, header: list[str]) -> list[str]:
    """The field of each column, by technical name or label; an unknown column is refused by name."""
    by_label = {(d.get("string") or "").lower(): name for name, d in screen.fields.items()}
    result = []
    for title in header:
        name = title if title in screen.fields else by_label.get(title.lower())
        if name is None or screen.fields[name]["type"] not in IMPORT_TYPES:
            raise UserError(f"column {title!r} is not an importable field of {screen.model}", code="IMPORT_COLUMN_UNKNOWN")
        result.append(name)
    return result


def row_values(env: Any, screen: Screen, names: list[str], cells: list[str]) -> dict[str, Any]:
    vals: dict[str, Any] = {}
    for name, cell in zip(names, cells, strict=False):
        description, cell = screen.fields[name], cell.strip()
        kind = description["type"]
        if cell == "":
            continue
        if kind == "boolean":
            vals[name] = cell.lower() in ("1", "true", "yes", "y")
        elif kind == "integer":
            vals[name] = int(cell)
        elif kind in ("float", "monetary"):
            vals[name] = float(cell)
        elif kind == "selection":
            choices = dict(description.get("selection") or [])
            key = cell if cell in choices else next((k for k, v in choices.items() if v.lower() == cell.lower()), None)
            if key is None:
                raise UserError(f"{description['string']}: {cell!r} is not one of {', '.join(choices.values())}")
            vals[name] = key
        elif kind == "many2one":
            found = env[description["relation"]].name_search(cell, operator="=", limit=2)
            if len(found) != 1:
                raise UserError(f"{description['string']}: {'no' if not found else 'more than one'} record named {cell!r}")
            vals[name] = found[0][0]
        else:
            vals[name] = cell
    return vals


@login_required
def import_submit(request: Request, action_id: int) -> Response:
    """Test (``mode=test``) or import (``mode=import``) the uploaded file; any bad row means nothing is written."""
    screen = load_screen(request, action_id, MultiDict())
    env = request.env
    upload = request.files.get("file")
    try:
        if upload is not None and upload.filename:
            data = upload.read()
        elif request.form.get("payload"):
            data = base64.b64decode(request.form["payload"], validate=True)
        else:
            raise UserError("choose a CSV file to import", code="IMPORT_FILE_INVALID")
        header, lines = read_csv(data, request.app.web.import_max_rows)
        names = column_fields(screen, header)
    except (UserError, ValueError) as exc:
        return _import_page(request, screen, status=400, file_error=str(exc))
    errors: list[tuple[int, str]] = []
    created = 0
    try:
        with savepoint(env):
            model = env[screen.model].with_context(**screen.action["context"])
            for number, cells in enumerate(lines, start=2):
                try:
                    with savepoint(env):
                        values = row_values(env, screen, names, cells)
                        check_client_values(model, [values])  # an import sets no read-only field
                        model.create(values)
                        created += 1
                except (UserError, ValueError) as exc:
                    errors.append((number, str(exc)))
            if errors or request.form.get("mode") != "import":
                raise _RollBack()
    except _RollBack:
        pass
    done = created if not errors and request.form.get("mode") == "import" else None
    return _import_page(request, screen, status=422 if errors else 200, preview={"header": header, "lines": lines[:20]},
                        errors=errors, done=done, payload=base64.b64encode(data).decode(), valid=created if not errors else 0)


class _RollBack(Exception):
    """Undo the outer savepoint of an import that is only a test or has bad rows."""


def routes() -> list[Route]:
    return [
        Route("/web/action/<int:action_id>/export", export, ("POST",), auth="public"),
        Route("/web/action/<int:action_id>/import", import_form, auth="public"),
        Route("/web/action/<int:action_id>/import", import_submit, ("POST",), auth="public"),
    ]
