"""CSV data files: one model per file, named after it (``ir.model.access.csv``).

Columns are field names; ``field:id`` (or ``field/id``) columns hold external
ids, comma-separated for many2many; the ``id`` column is the row's external id.
Access-rule files may carry a prefix, as the documents' ``base.model.access.csv`` does.
"""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Any

from ..hints import unknown_field
from .records import LoadContext

ACCESS_SUFFIX = ".model.access"
TRUE_TEXT = {"1", "true", "True", "TRUE", "yes"}
FALSE_TEXT = {"", "0", "false", "False", "FALSE", "no"}


def model_of(path: Path) -> str:
    stem = path.name[: -len(".csv")]
    return "ir.model.access" if stem.endswith(ACCESS_SUFFIX) else stem


def _convert(ctx: LoadContext, field: Any, text: str, line: int) -> Any:
    kind = field.type
    if kind == "boolean":
        if text not in TRUE_TEXT | FALSE_TEXT:
            raise ctx.error(f"column {field.name!r}: {text!r} is not a boolean", line)
        return text in TRUE_TEXT
    if text == "":
        return False
    if kind == "integer":
        return int(text)
    if kind == "float":
        return float(text)
    return text


def load_csv(ctx: LoadContext, path: Path) -> None:
    model_name = model_of(path)
    if model_name not in ctx.env.registry:
        raise ctx.error(f"no model {model_name!r} (a CSV file is named after its model)")
    model = ctx.env[model_name]
    with path.open(newline="", encoding="utf-8-sig") as handle:
        reader = csv.reader(handle)
        try:
            header = next(reader)
        except StopIteration:
            return
        columns = [column.strip() for column in header]
        for row in reader:
            line = reader.line_num
            if not any(cell.strip() for cell in row):
                continue
            if len(row) != len(columns):
                raise ctx.error(f"expected {len(columns)} columns, got {len(row)}", line)
            cells = dict(zip(columns, row))
            xmlid = cells.pop("id", "") or None
            with ctx.locate(line, xmlid):
                values = _row_values(ctx, model, cells, line)
                if xmlid:
                    ctx.upsert(model, xmlid, values, noupdate=False)
                else:
                    model.create(values)


def _row_values(ctx: LoadContext, model: Any, cells: dict[str, str], line: int) -> dict[str, Any]:
    values: dict[str, Any] = {}
    for column, text in cells.items():
        name, is_ref = column, False
        for marker in (":id", "/id"):
            if column.endswith(marker):
                name, is_ref = column[: -len(marker)], True
        field = model._fields.get(name)
        if field is None:
            raise ctx.error(f"{unknown_field(model._name, name, model._fields)} (column {column!r})", line)
        if is_ref:
            refs = [part.strip() for part in text.split(",") if part.strip()]
            if field.type == "many2many":
                values[name] = [(6, 0, [ctx.ref(ref) for ref in refs])]
            else:
                values[name] = ctx.ref(refs[0]) if refs else False
        else:
            values[name] = _convert(ctx, field, text.strip(), line)
    return values
