"""Report actions (``ir.actions.report``): a PDF from a Jinja2/HTML template, or an XLSX of chosen fields.

An addon declares its reports in data files::

    <record id="report_sale_order" model="ir.actions.report">
        <field name="name">Sales Order</field>
        <field name="model">sale.order</field>
        <field name="report_type">pdf</field>
        <field name="template">master_sale/reports/sale_order.html</field>
        <field name="print_report_name">Sales Order {{ object.name }}</field>
    </record>

:meth:`IrActionsReport.render` returns ``(bytes, file name, MIME type)`` for
some records, read with the caller's rights: what the web client's Print menu
downloads and what a mail attaches. PDFs are drawn by fpdf2 (pure Python, no
download at run time) from the template's HTML (``write_html``: headings,
paragraphs, tables, bold and italics); XLSX files by openpyxl.
"""

from __future__ import annotations

import io
import re
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from jinja2 import FileSystemLoader, StrictUndefined, TemplateError
from jinja2.sandbox import SandboxedEnvironment

from ..exceptions import UserError, ValidationError
from ..orm import api, fields
from ..orm.models import Model

MIME_TYPES = {
    "pdf": "application/pdf",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
UNICODE_FONT = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")  # Debian's fonts-dejavu-core
UNSAFE_FILE_CHARACTERS = re.compile(r"[^\w\- .,()]+")


class IrActionsReport(Model):
    """A report of one model, printable from its form and list (the Print menu)."""

    _name = "ir.actions.report"
    _description = "Report Action"
    _order = "name"

    name = fields.Char("Report Name", required=True, translate=True)
    model = fields.Char("Model", required=True, index=True)
    report_type = fields.Selection([("pdf", "PDF"), ("xlsx", "XLSX")], "Format", required=True, default="pdf")
    template = fields.Char("Template", help="PDF: the HTML template, addon/path/file.html (Jinja2: docs, env, _, "
                           "format_amount)")
    xlsx_fields = fields.Char("Columns", help="XLSX: the fields of the model, one column each, comma-separated")
    print_report_name = fields.Char("File Name", help="Jinja2 expression with object (one record), e.g. "
                                    "Sales Order {{ object.name }}; default: the report's name")
    active = fields.Boolean("Active", default=True)

    @api.constrains("model", "report_type", "template", "xlsx_fields")
    def _check_report(self) -> None:
        """Refuse a report that could not print: unknown model, no template, unknown columns."""
        for report in self:
            if report.model not in self.env.registry:
                raise ValidationError(f"report {report.name!r}: unknown model {report.model!r}", field="model")
            if report.report_type == "pdf":
                _template_path(self.env, report)
            else:
                columns = report._columns()
                unknown = [name for name in columns if name not in self.env.registry[report.model]._fields]
                if not columns or unknown:
                    raise ValidationError(f"report {report.name!r}: columns must be fields of {report.model}"
                                          + (f", not {', '.join(unknown)}" if unknown else ""), field="xlsx_fields")

    def _columns(self) -> list[str]:
        return [name.strip() for name in (self.xlsx_fields or "").split(",") if name.strip()]

    @api.model
    def for_model(self, model: str) -> Any:
        """The reports of ``model`` (its Print menu)."""
        return self.sudo().search([("model", "=", model)])

    def render(self, res_ids: Sequence[int]) -> tuple[bytes, str, str]:
        """The report of the records ``res_ids`` as ``(content, file name, MIME type)``, read as the caller."""
        self.ensure_one()
        report = self.sudo()
        records = self.env[report.model].browse(list(res_ids))
        if not records:
            raise UserError(self.env._("Select at least one record to print"), code="REPORT_EMPTY")
        missing = set(records.ids) - set(records.exists().ids)
        if missing:
            raise UserError(self.env._("%(model)s records %(ids)s do not exist", model=report.model,
                                       ids=sorted(missing)), code="RECORD_MISSING", status=404)
        records.check_access_rights("read")
        records.read(["display_name"])  # the record rules: a record the caller may not read stops here
        content = _render_pdf(report, records) if report.report_type == "pdf" else _render_xlsx(report, records)
        return content, report.file_name(records), MIME_TYPES[report.report_type]

    def file_name(self, records: Any) -> str:
        """The download's name: ``print_report_name`` for one record, else the report's name; with its extension."""
        base = self.name
        if self.print_report_name and len(records) == 1:
            try:
                base = _jinja(self.env).from_string(self.print_report_name).render(object=records) or base
            except TemplateError as exc:
                raise UserError(f"report {self.name!r}: its file name does not render: {exc}",
                                code="REPORT_INVALID") from None
        cleaned = UNSAFE_FILE_CHARACTERS.sub("_", base).strip(" ._") or "report"
        return f"{cleaned}.{self.report_type}"


def _jinja(env: Any, loader: FileSystemLoader | None = None) -> SandboxedEnvironment:
    """A sandbox (no attribute of Python internals), failing on undefined names, escaping HTML."""
    return SandboxedEnvironment(loader=loader, undefined=StrictUndefined, autoescape=True)


def _template_path(env: Any, report: Any) -> Path:
    """The template file of a PDF report, inside its addon's folder."""
    addon, _, relative = (report.template or "").partition("/")
    manifest = env.services.manifests.get(addon)
    if manifest is None or not relative:
        raise ValidationError(f"report {report.name!r}: template must be addon/path/file.html, got "
                              f"{report.template!r}", field="template")
    root = Path(manifest.path).resolve()
    path = (root / relative).resolve()
    if root not in path.parents or not path.is_file():
        raise ValidationError(f"report {report.name!r}: no template {relative!r} in addon {addon!r}", field="template")
    return path


def _render_pdf(report: Any, records: Any) -> bytes:
    from fpdf import FPDF  # loaded when a PDF is printed, not at every start

    path = _template_path(report.env, report)
    jinja = _jinja(report.env, FileSystemLoader(str(path.parent)))
    try:
        html = jinja.get_template(path.name).render(docs=records, env=records.env, format_amount=_amount,
                                                    _=records.env._)
    except TemplateError as exc:
        raise UserError(f"report {report.name!r}: its template does not render: {exc}", code="REPORT_INVALID") from None
    pdf = FPDF(format="A4")
    pdf.set_title(report.name)
    if UNICODE_FONT.is_file():
        pdf.add_font("body", fname=str(UNICODE_FONT))
        pdf.add_font("body", style="B", fname=str(UNICODE_FONT.with_name("DejaVuSans-Bold.ttf")))
        family = "body"
    else:  # the core font: Latin-1 only
        family = "helvetica"
        html = html.encode("latin-1", "replace").decode("latin-1")
    pdf.set_font(family, size=10)
    for page in html.split('<div class="page-break"></div>'):
        pdf.add_page()
        pdf.write_html(page, font_family=family)
    return bytes(pdf.output())


def _render_xlsx(report: Any, records: Any) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    columns = report._columns()
    described = records.fields_get(columns)
    book = Workbook()
    sheet = book.active
    sheet.title = UNSAFE_FILE_CHARACTERS.sub(" ", report.name)[:31] or "Report"
    sheet.append([described[name]["string"] for name in columns])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in records.read(columns):
        sheet.append([_cell(records.env, described[name], row[name]) for name in columns])
    sheet.freeze_panes = "A2"
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _cell(env: Any, description: dict[str, Any], value: Any) -> Any:
    """A value as a spreadsheet cell: names for relations, labels for selections, empty for False."""
    kind = description["type"]
    if kind == "many2one":
        return value[1] if value else None
    if kind in ("many2many", "one2many"):
        return ", ".join(env[description["relation"]].browse(value or []).mapped("display_name")) or None
    if kind == "selection":
        return dict(description.get("selection") or []).get(value, value) if value else None
    if kind == "boolean":
        return bool(value)
    return None if value is False else value


def _amount(value: Any) -> str:
    """An amount with two decimals and thousands separators, for templates."""
    return f"{value or 0:,.2f}"
