"""What every page of the client needs: the logged-in check, the shell's context, savepoints, errors."""

from __future__ import annotations

import contextlib
import functools
from collections.abc import Callable, Iterator
from typing import Any
from urllib.parse import quote

from babel import Locale
from werkzeug.wrappers import Response

from kernel.exceptions import UserError
from kernel.i18n import FORMAT_LOCALES
from kernel.http.request import Request
from kernel.orm.env import Environment

from ..render.templating import page, redirect

# the texts the client's script writes itself, sent translated with every page
CLIENT_STRINGS = (
    "The server failed (error %(status)s): your changes were not saved. They are still in the form; try again.",
    "Discard your changes?",
    "Moved",
    "Load more",
    "Could not load more records (%(error)s).",
    "%(count)s selected",
)
Handler = Callable[..., Response]


def login_required(handler: Handler) -> Handler:
    """Pages of the client send a visitor without a session to the login page, then back.

    A user error becomes a page of the client with the message (and the error's
    status), its writes undone by a savepoint.
    """

    @functools.wraps(handler)
    def wrapper(request: Request, **values: Any) -> Response:
        if request.uid is None:
            return redirect("/web/login?redirect=" + quote(request.full_path.rstrip("?"), safe=""))
        try:
            with savepoint(request.env):
                return handler(request, **values)
        except UserError as exc:
            return error_page(request, exc)

    return wrapper


@contextlib.contextmanager
def savepoint(env: Environment) -> Iterator[None]:
    """A nested transaction: on error its writes are undone and the record cache forgotten, the outer one goes on."""
    nested = env.connection.begin_nested()
    try:
        yield
    except BaseException:
        nested.rollback()
        env.transaction.invalidate()
        raise
    nested.commit()


def languages(env: Environment) -> list[tuple[str, str]]:
    """``(code, name)`` of the languages a user may pick: shipped catalogs and the locales offered for formats."""
    codes = dict.fromkeys([*env.services.translations.languages(), *FORMAT_LOCALES])
    return [(code, Locale.parse(code).get_display_name(code) or code) for code in codes]


ASSET_BUNDLE = "web.assets_backend"


def addon_assets(env: Environment) -> dict[str, list[str]]:
    """The scripts and style sheets installed addons add to every page (manifest ``assets``, bundle
    ``web.assets_backend``: files under the addon's ``static/``), as URLs, in install order."""
    installed = env["ir.module"].sudo().search([("state", "=", "installed")]).mapped("name")
    manifests = env.services.manifests
    assets: dict[str, list[str]] = {"js": [], "css": []}
    for name in installed:
        manifest = manifests.get(name)
        for path in (manifest.assets.get(ASSET_BUNDLE, []) if manifest else []):
            kind = "js" if path.endswith(".js") else "css" if path.endswith(".css") else None
            if kind and path.startswith("static/"):
                assets[kind].append(f"/{name}/{path}")
    return assets


def shell(request: Request, **context: Any) -> dict[str, Any]:
    """The context of the page frame: menus, user, company and branch switcher, language, CSRF token."""
    env = request.env
    user = env.user
    return {
        "csrf_token": request.csrf_token(),
        "menus": env["ir.ui.menu"].load_menus(),
        "user": user,
        "lang": env.lang or "en_US",
        "languages": languages(env),
        "companies": [(c.id, c.display_name) for c in user.company_ids] if "company_ids" in user._fields else [],
        "company_id": env.company.id if env.company else None,
        "branches": [(b.id, b.display_name) for b in env.branches.filtered(lambda b: b.company_id == env.company)]
        if "branch_ids" in user._fields else [],
        "branch_id": env.branch.id if env.branch else None,
        "notice": request.args.get("notice", ""),
        "warning": request.args.get("warning", ""),
        "path": request.full_path.rstrip("?"),
        "_": env._,
        "client_strings": {text: env._(text) for text in CLIENT_STRINGS},
        "addon_assets": addon_assets(env),
        **context,
    }


def error_page(request: Request, exc: UserError) -> Response:
    """A user error on a page of the client: the frame with the message, the error's HTTP status."""
    return page("error.html", status=exc.status, **shell(request, title="Error", message=str(exc)))
