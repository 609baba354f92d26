"""The Print menu: a report of the records of a form or of a list's selection, sent as a download."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from werkzeug.wrappers import Response

from kernel.exceptions import UserError
from kernel.http.request import Request
from kernel.http.routing import Route

from ..render.templating import secure
from .actions import record_ids
from .common import login_required


def model_reports(env: Any, model: str) -> list[tuple[int, str]]:
    """``(id, name)`` of the reports of ``model``: the entries of its Print menu."""
    return [(report.id, report.with_env(env).name) for report in env["ir.actions.report"].for_model(model)]


def content_disposition(name: str) -> str:
    """An attachment header whose file name survives any character (RFC 6266: an ASCII one and the UTF-8 one)."""
    ascii_name = name.encode("ascii", "replace").decode().replace("?", "_").replace('"', "_")
    return f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(name)}"


@login_required
def print_report(request: Request, report_id: int) -> Response:
    """``ids`` (the form's record, or the list's selection; query string or posted) printed by the report."""
    env = request.env
    report = env["ir.actions.report"].browse(report_id).exists()
    if not report:
        raise UserError(env._("Report %(id)s does not exist", id=report_id), code="REPORT_UNKNOWN", status=404)
    texts = request.form.getlist("ids") or [part for value in request.args.getlist("ids") for part in value.split(",")]
    content, name, mimetype = report.render(record_ids(texts))
    response = Response(content, mimetype=mimetype)
    response.headers["Content-Disposition"] = content_disposition(name)
    return secure(response)


def routes() -> list[Route]:
    return [Route("/web/report/<int:report_id>", print_report, auth="public"),  # the form's link
            Route("/web/report/<int:report_id>", print_report, ("POST",), auth="public")]  # a list's selection
