"""Uploading and downloading attachments over HTTP, as the logged-in user.

``POST /web/binary/upload_attachment`` (multipart: ``res_model``, ``res_id``,
one or more ``ufile`` files, the session's ``csrf_token``) creates one
attachment per file and answers their ids, names, types and sizes in JSON
(a refusal: ``{"error": {"code", "message"}}`` with its HTTP status, nothing kept);
``GET /web/content/<id>`` sends one back (``?download=1`` forces a download).
Both run as the session's user, so the attachment's access (the record it
hangs on) applies: an attachment the user may not read answers 404, as a
missing one does.

Only types a browser shows without running anything (raster images, PDF,
plain text) are served inline; everything else, HTML and SVG included, is a
download (``Content-Disposition: attachment``), and every answer forbids
sniffing and scripts (``X-Content-Type-Options: nosniff`` and a sandboxing
``Content-Security-Policy``), so an uploaded page cannot run in the ERP's origin.
"""

from __future__ import annotations

import json
import re
import unicodedata
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

from werkzeug.wrappers import Response

from ..exceptions import MissingError, UserError
from .request import Request
from .routing import Route

if TYPE_CHECKING:
    from ..orm.env import Environment

INLINE_TYPES = frozenset({"image/png", "image/jpeg", "image/gif", "image/webp", "image/bmp", "application/pdf",
                          "text/plain"})
UNSAFE_FILENAME = re.compile(r'[\x00-\x1f\x7f"\\/;]')
SANDBOX = "default-src 'none'; img-src 'self'; style-src 'unsafe-inline'; sandbox"


def content_disposition(kind: str, filename: str) -> str:
    """``attachment; filename="ascii"; filename*=UTF-8''…`` (RFC 6266): quotes, slashes and control
    characters never reach the header, and a non-ASCII name keeps its letters in the ``filename*`` form."""
    cleaned = UNSAFE_FILENAME.sub("_", filename).strip(" .") or "download"
    ascii_name = unicodedata.normalize("NFKD", cleaned).encode("ascii", "ignore").decode("ascii").strip() or "download"
    return f"{kind}; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(cleaned, safe='')}"


def user_env(request: Request) -> Environment:
    """The session user's environment (the routes are ``auth="user"``: the application always sets it)."""
    if request.env is None:
        raise UserError("this route needs a logged-in session", code="SESSION_REQUIRED", status=401)
    return request.env


def download(request: Request, attachment_id: int) -> Response:
    attachment = user_env(request)["ir.attachment"].browse(attachment_id)
    if not attachment.exists():
        raise MissingError(f"attachment {attachment_id} does not exist or you may not see it", code="ATTACHMENT_UNKNOWN")
    mimetype = attachment.mimetype or "application/octet-stream"
    inline = mimetype in INLINE_TYPES and not request.args.get("download")
    response = Response(attachment.raw or b"", content_type=f"{mimetype}; charset=utf-8" if mimetype == "text/plain"
                        else mimetype)
    response.headers["Content-Disposition"] = content_disposition("inline" if inline else "attachment",
                                                                  attachment.name or "download")
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Content-Security-Policy"] = SANDBOX
    response.headers["Cache-Control"] = "private, max-age=0"
    if attachment.checksum:
        response.set_etag(attachment.checksum)
    return response


def upload(request: Request) -> Response:
    env = user_env(request)
    try:
        with env.connection.begin_nested():  # a refused file leaves none of the batch behind
            created = env["ir.attachment"].create(upload_values(request))
    except UserError as exc:  # the uploader (the chatter, a script) reads why in JSON, as it reads the success
        env.transaction.invalidate()
        error = {"error": {"code": exc.code, "message": exc.message}}
        return Response(json.dumps(error), status=exc.status, mimetype="application/json")
    body = [{"id": a.id, "name": a.name, "mimetype": a.mimetype, "file_size": a.file_size, "checksum": a.checksum}
            for a in created]
    return Response(json.dumps(body), mimetype="application/json")


def upload_values(request: Request) -> list[dict[str, Any]]:
    """The attachments' values of an upload form; a missing file or a bad record id is refused."""
    res_model = request.form.get("res_model") or False
    given = request.form.get("res_id") or ""
    if given and not given.isdigit():
        raise UserError(f"res_id must be a record id (a whole number), got {given!r}", code="ATTACHMENT_RES_ID")
    files = request.files.getlist("ufile")
    if not files:
        raise UserError("no file uploaded: send one or more files in the 'ufile' field", code="ATTACHMENT_NO_FILE")
    return [{"name": upload.filename or "upload", "raw": upload.read(), "res_model": res_model,
             "res_id": int(given) if given else False} for upload in files]


def routes() -> list[Route]:
    return [
        Route("/web/content/<int(min=1, max=2147483647):attachment_id>", download, auth="user"),
        Route("/web/binary/upload_attachment", upload, ("POST",), auth="user"),
    ]
