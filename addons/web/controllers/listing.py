"""List and kanban screens, mass actions on the selected records, and the kanban drag and drop."""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qsl, urlencode

from werkzeug.wrappers import Response

from kernel.exceptions import UserError
from kernel.http.request import Request
from kernel.http.routing import Route
from kernel.security.client_values import check_client_values

from ..render import listing
from ..render.search import CUSTOM_OPERATORS, SEARCHABLE_TYPES, adding, replacing, without
from ..render.templating import page, redirect
from .actions import Screen, load_screen, record_ids
from .action_menu import bound_actions
from .common import login_required, savepoint, shell
from .follow import dialog_url
from .reports import model_reports

PAGE_SIZE = 80


def shown_limits(args: Any) -> dict[str, int]:
    """How many records each group or column shows: ``shown=<value>:<count>`` (repeated), else one page."""
    limits: dict[str, int] = {}
    for item in args.getlist("shown"):
        value, _, count = item.rpartition(":")
        if not count.isdigit():
            raise UserError(f"shown must be 'value:count', got {item!r}", code="BAD_REQUEST")
        limits[value] = max(PAGE_SIZE, int(count))
    return limits


def grouped_rows(request: Request, screen: Screen, group: dict[str, Any], columns: list[Any],
                 order: str | None = None) -> dict[str, Any]:
    """One group or column: its true count, its first rows (a page, or more as asked) and the link to more."""
    key = "" if group["value"] in (False, None) else str(group["value"])
    limit = shown_limits(request.args).get(key, PAGE_SIZE)
    domain = screen.domain + list(group["domain"])
    count = group["count"] if group.get("count") is not None else request.env[screen.model].search_count(domain)
    rows = listing.rows(request.env, screen.model, domain, columns, screen.fields, limit=limit, order=order) if count else []
    others = [item for item in request.args.getlist("shown") if item.rpartition(":")[0] != key]
    more = None
    if count > len(rows):
        more = screen.url("?" + urlencode([*((k, v) for k, v in request.args.items(multi=True) if k != "shown"),
                                           *(("shown", item) for item in others), ("shown", f"{key}:{limit + PAGE_SIZE}")]))
    return {**group, "value": key, "count": count, "rows": rows, "more": more}


def _search_context(screen: Screen, request: Request) -> dict[str, Any]:
    args = request.args
    return {
        "screen": screen, "args": args, "query": replacing(args),
        "chips": [(label, without(args, key, value)) for label, key, value in screen.search.chips],
        "filters": screen.search_view.filters.values(), "active_filters": args.getlist("f"),
        "group_bys": screen.search_view.group_bys,
        "custom_fields": sorted(((name, d.get("string") or name) for name, d in screen.fields.items()
                                 if d["type"] in SEARCHABLE_TYPES and d.get("searchable", True)), key=lambda x: x[1]),
        "operators": CUSTOM_OPERATORS,
        "replacing": lambda **changes: replacing(args, **changes),
        "adding": lambda key, value: adding(args, key, value),
        "without": lambda key, value: without(args, key, value),
    }


@login_required
def list_view(request: Request, action_id: int) -> Response:
    """The action's list (or kanban, with ``view=kanban``) with the search of the query string."""
    screen = load_screen(request, action_id)
    if screen.action["target"] == "new":  # opened from a menu or a link: its dialog, which closes back to it
        notice = request.args.get("notice")
        return redirect(dialog_url(screen.action, screen.url()) + (f"&{urlencode({'notice': notice})}" if notice else ""))
    view_type = request.args.get("view") or next((t for t in screen.view_types if t in ("list", "kanban")), "list")
    if view_type not in ("list", "kanban") or view_type not in screen.views:
        raise UserError(f"view {view_type!r} is not one of this action's views", code="VIEW_UNKNOWN", status=404)
    env, model = request.env, screen.model
    context = shell(request, title=screen.action["name"], breadcrumbs=[(screen.action["name"], None)],
                    view_type=view_type, reports=model_reports(request.env, screen.model),
                    bound=bound_actions(request.env, screen.model),
                    **_search_context(screen, request))
    if view_type == "kanban":
        return page("kanban.html", **context, **kanban_data(request, screen))
    columns = listing.list_columns(screen.views["list"]["arch"], screen.fields)
    try:
        order = listing.order_clause(screen.fields, request.args.get("order"))
    except UserError as exc:  # refused (HTTP 400), but the list still shows, in its own order, the reason on top
        order, context["alert"] = None, str(exc)
    try:
        page_number = max(1, int(request.args.get("page", "1")))
    except ValueError:
        raise UserError("page must be a number", code="BAD_REQUEST") from None
    total = env[model].search_count(screen.domain)
    limit = screen.action.get("limit") or PAGE_SIZE
    data: dict[str, Any] = {"columns": columns, "total": total, "page_number": page_number, "limit": limit,
                            "pages": max(1, -(-total // limit)), "order": request.args.get("order", ""),
                            "totals": listing.totals(env, model, screen.domain, columns, screen.fields)}
    if screen.search.group_by:
        data["groups"] = [grouped_rows(request, screen, group, columns, order)
                          for group in listing.groups(env, model, screen.domain, screen.search.group_by, screen.fields)]
    else:
        data["rows"] = listing.rows(env, model, screen.domain, columns, screen.fields,
                                    (page_number - 1) * limit, limit, order)
    return page("list.html", status=400 if context.get("alert") else 200, **context, **data)


def kanban_data(request: Request, screen: Screen) -> dict[str, Any]:
    """Cards in columns: by the grouping asked, else the arch's ``default_group_by``, else one column."""
    env, model = request.env, screen.model
    cards, default_group = listing.card_fields(screen.views["kanban"]["arch"], screen.fields)
    group_by = screen.search.group_by or default_group
    if not group_by:
        whole = {"value": "", "label": screen.action["name"], "domain": [], "count": None}
        return {"cards": cards, "group_by": None, "columns": [grouped_rows(request, screen, whole, cards)]}
    description = screen.fields.get(group_by, {})
    if description.get("type") not in ("many2one", "selection"):
        raise UserError(f"kanban columns need a many2one or selection field, not {group_by!r}", code="SEARCH_GROUP_UNKNOWN")
    found = {group["value"]: group for group in listing.groups(env, model, screen.domain, group_by, screen.fields)}
    if description["type"] == "selection":
        found = {value: found.get(value, {"value": value, "label": label, "domain": [(group_by, "=", value)], "count": 0})
                 for value, label in description.get("selection") or []} | found
    columns = [grouped_rows(request, screen, group, cards) for group in found.values()]
    return {"cards": cards, "group_by": group_by, "columns": columns}


@login_required
def mass_action(request: Request, action_id: int) -> Response:
    """Archive, unarchive or delete the selected records of a list."""
    screen = load_screen(request, action_id, request.args)
    records = request.env[screen.model].browse(record_ids(request.form.getlist("ids"))).exists()
    operation = request.form.get("op", "")
    if not records:
        raise UserError("select at least one record", code="SELECTION_EMPTY")
    if operation in ("archive", "unarchive"):
        if "active" not in screen.fields:
            raise UserError(f"{screen.model} records cannot be archived (no active field)", code="ARCHIVE_UNSUPPORTED")
        records.write({"active": operation == "unarchive"})
    elif operation == "delete":
        try:
            with savepoint(request.env):
                records.unlink()
        except UserError as exc:
            if exc.code != "RECORD_IN_USE":
                raise
            return delete_refused(request, screen, records, exc)
    else:
        raise UserError(f"unknown mass action {operation!r}: archive, unarchive or delete", code="BAD_REQUEST")
    done = {"archive": "archived", "unarchive": "restored", "delete": "deleted"}[operation]
    notice = f"{len(records)} record(s) {done}"
    return redirect(screen.url("?" + urlencode([*parse_qsl(request.form.get("search", "")), ("notice", notice)])))


def delete_refused(request: Request, screen: Screen, records: Any, exc: UserError) -> Response:
    """Records still used elsewhere: the reason, and archiving them instead when the model can archive."""
    names = [name for _, name in records._display_names().items()]
    return page("delete_refused.html", status=exc.status, **shell(
        request, title=screen.action["name"], breadcrumbs=[(screen.action["name"], screen.url())], screen=screen,
        message=str(exc), names=names, ids=records.ids, archivable="active" in screen.fields,
        search=request.form.get("search", "")))


def kanban_move(request: Request) -> dict[str, Any]:
    """Drag and drop of a card: write the column's value to the grouping field (JSON, CSRF header checked)."""
    request.check_csrf()
    params = request.params
    model, field = params.get("model"), params.get("field")
    if not isinstance(model, str) or model not in request.env.registry:
        raise UserError(f"unknown model {model!r}", code="MODEL_UNKNOWN", status=404)
    records = request.env[model]
    description = records.fields_get().get(field) if isinstance(field, str) else None
    if description is None or description["type"] not in ("many2one", "selection"):
        raise UserError(f"{field!r} is not a many2one or selection field of {model}", code="FIELD_UNKNOWN")
    record = records.browse(record_ids([params.get("id")])).exists()
    if not record:
        raise UserError(f"{model} record {params.get('id')!r} does not exist", code="RECORD_MISSING", status=404)
    value = params.get("value") or False
    if value and description["type"] == "many2one":
        value = record_ids([value])[0]
    check_client_values(record, [{field: value}], record)  # no moving a card between read-only columns
    record.write({field: value})
    return {"id": record.id, "field": field, "value": value}


def routes() -> list[Route]:
    return [
        Route("/web/action/<int:action_id>", list_view, auth="public"),
        Route("/web/action/<int:action_id>/mass", mass_action, ("POST",), auth="public"),
        Route("/web/json/kanban_move", kanban_move, ("POST",), auth="user", kind="json"),
    ]
