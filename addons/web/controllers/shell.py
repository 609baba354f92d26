"""Login, logout, the home page and the user's preferences (company, branch, language)."""

from __future__ import annotations

from typing import Any
from urllib.parse import unquote

from werkzeug.wrappers import Response

from kernel.exceptions import UserError
from kernel.http.errors import AccessDenied
from kernel.http.request import Request
from kernel.http.routing import Route
from kernel.http.sessions import destroy_session

from ..render.templating import page, redirect
from .common import languages, login_required, shell
from .portal import is_portal_only

GENERIC_LOGIN_ERROR = "Wrong login or password."


def safe_target(target: str | None) -> str:
    """Only a path of this site may be the target after login (no open redirect).

    Browsers drop tabs, newlines and other control characters from a URL and
    read ``\\`` as ``/``, so ``/\t/evil.com`` means ``//evil.com`` to them: the
    target is normalised the way they do, then anything that is not a plain
    path of this site (a scheme, a host, ``//``, ``\\``, dot segments) falls back to ``/web``.
    """
    cleaned = "".join(ch for ch in target or "" if ch.isprintable() and not ch.isspace())
    path = unquote(cleaned.partition("?")[0].partition("#")[0])
    if (not path.startswith("/") or "//" in path or "\\" in cleaned or "\\" in path
            or any(segment in (".", "..") for segment in path.split("/"))):
        return "/web"
    return cleaned


def login_form(request: Request) -> Response:
    if request.uid is not None:
        return redirect(safe_target(request.args.get("redirect")))
    return page("login.html", csrf_token=request.csrf_token(), redirect=request.args.get("redirect", ""),
                login="", error="")


def login_submit(request: Request) -> Response:
    """Check the CSRF token, then the credentials (throttled by the kernel); a failure says nothing more."""
    app = request.app
    alias = request.database()
    with app.databases.env(alias) as env:
        app.current_session(request, env, alias)
    request.check_csrf()
    login = request.form.get("login", "")
    try:
        uid = app.authenticate(alias, login, request.form.get("password", ""), request.client_address)
    except AccessDenied as exc:
        message = str(exc) if exc.status == 429 else GENERIC_LOGIN_ERROR
        return page("login.html", status=exc.status, csrf_token=request.csrf_token(),
                    redirect=request.form.get("redirect", ""), login=login, error=message)
    app.open_session(request, alias, uid)
    return redirect(safe_target(request.form.get("redirect")))


def logout(request: Request) -> Response:
    if request.session is not None:
        destroy_session(request.env, request.session)
    request.end_session()
    return redirect("/web/login")


@login_required
def home(request: Request) -> Response:
    if is_portal_only(request):
        return redirect("/my")  # portal users have no back office: their portal instead
    return page("home.html", **shell(request, title="Home", breadcrumbs=[]))


def _session_context(request: Request, **changes: Any) -> None:
    context = {**request.session.context, **changes}
    request.env["http.session"].sudo().browse(request.session.record_id).context = context
    request.session.context = context


@login_required
def switch_company(request: Request) -> Response:
    """Work in another of the user's companies (and branch): anything else is refused."""
    user = request.env.user
    try:
        company_id = int(request.form.get("company_id", ""))
        branch_id = int(request.form.get("branch_id") or 0)
    except ValueError:
        raise UserError("company_id and branch_id must be record ids", code="BAD_REQUEST") from None
    if company_id not in user.company_ids.ids:
        raise UserError(f"company {company_id} is not one of your allowed companies", code="COMPANY_FORBIDDEN", status=403)
    changes: dict[str, Any] = {"allowed_company_ids": [company_id]}
    if "branch_ids" in user._fields:
        allowed_branches = user.branch_ids.filtered(lambda b: b.company_id.id == company_id).ids
        if branch_id and branch_id not in allowed_branches:
            raise UserError(f"branch {branch_id} is not one of your allowed branches of that company",
                            code="BRANCH_FORBIDDEN", status=403)
        changes["allowed_branch_ids"] = [branch_id] if branch_id else allowed_branches
    _session_context(request, **changes)
    return redirect("/web?notice=" + "Company switched")


@login_required
def set_language(request: Request) -> Response:
    lang = request.form.get("lang", "")
    if lang not in dict(languages(request.env)):
        raise UserError(f"unknown language {lang!r}", code="LANG_UNKNOWN")
    request.env.user.sudo().lang = lang
    _session_context(request, lang=lang)
    return redirect(safe_target(request.form.get("redirect")))


def routes() -> list[Route]:
    post = ("POST",)
    return [
        Route("/web/login", login_form, auth="public"),
        Route("/web/login", login_submit, post, auth="none"),
        Route("/web/logout", logout, post, auth="public"),
        Route("/web", home, auth="public"),
        Route("/web/switch_company", switch_company, post, auth="public"),
        Route("/web/language", set_language, post, auth="public"),
    ]
