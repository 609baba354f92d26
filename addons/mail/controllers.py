"""JSON routes of the chatter and the bell, for ``static/mail.js``; each runs as the session's user.

Every route checks the CSRF header; the thread's own methods check the user's
access to the record (``message_fetch``, ``message_post``, ...), so these
routes only translate requests into those calls.
"""

from __future__ import annotations

from typing import Any

from werkzeug.wrappers import Response

from kernel.exceptions import UserError
from kernel.http.request import Request
from kernel.http.routing import Route



def _(text: str) -> str:
    """Marks a text of the script for the catalogue (``erp i18n extract``); translated when sent."""
    return text


# the texts the script writes, sent translated with the data
CHATTER_LABELS = (
    _("Send message"), _("Log note"), _("Schedule activity"), _("Post"), _("Load more"), _("All"), _("Comments"),
    _("Notes"), _("Tracked changes"), _("Followers"), _("Follow"), _("Unfollow"), _("Activities"), _("Mark done"),
    _("Feedback"), _("Due"), _("Summary"), _("Type"), _("Plan"), _("Attach files"), _("No messages yet."),
    _("Overdue"), _("Today"), _("Planned"), _("Assigned to"), _("Add a follower"), _("Remove"),
)
BELL_LABELS = (_("Notifications"), _("Mark all read"), _("Dismiss"), _("No notifications."))


def _labels(request: Request, texts: tuple[str, ...]) -> dict[str, str]:
    return {text: request.env._(text) for text in texts}


def _text(request: Request, name: str, default: str = "") -> str:
    value = request.params.get(name, default)
    if value is None or value is False:
        return default
    if not isinstance(value, str):
        raise UserError(f"{name} must be text, got {value!r}", code="BAD_REQUEST")
    return value


def _int(request: Request, name: str, required: bool = True) -> int:
    value = request.params.get(name)
    if (value is None or value is False or value == "") and not required:
        return 0
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise UserError(f"{name} must be a record id (a whole number), got {value!r}", code="BAD_REQUEST")
    return value


def _ints(request: Request, name: str) -> list[int]:
    values = request.params.get(name) or []
    if not isinstance(values, list) or not all(isinstance(v, int) and not isinstance(v, bool) for v in values):
        raise UserError(f"{name} must be a list of record ids, got {values!r}", code="BAD_REQUEST")
    return values


def _thread(request: Request) -> Any:
    """The record of the request, or ``None`` when its model has no chatter."""
    request.check_csrf()
    model = _text(request, "model")
    if model not in request.env.registry:
        raise UserError(f"unknown model {model!r}", code="MODEL_UNKNOWN", status=404)
    records = request.env[model]
    if not isinstance(records, request.env.registry["mail.thread"]):
        return None
    return records.browse(_int(request, "res_id"))


def chatter_load(request: Request) -> dict[str, Any]:
    """The record's timeline (a page of it), followers, activities and what the composer offers."""
    record = _thread(request)
    if record is None:
        return {"thread": False}
    timeline = record.message_fetch(kind=_text(request, "kind") or None, offset=_int(request, "offset", False))
    followers = record.message_followers()
    types = request.env["mail.activity.type"].search([])
    return {
        "thread": True, **timeline, "followers": followers, "activities": record.activity_list(),
        "is_follower": any(f["user_id"] == request.env.uid for f in followers),
        "activity_types": [{"id": t.id, "name": t.name} for t in types],
        "labels": _labels(request, CHATTER_LABELS),
    }


def chatter_post(request: Request) -> dict[str, Any]:
    record = _required_thread(request)
    message_id = record.message_post(body=_text(request, "body"), message_type=_text(request, "message_type",
                                                                                     "comment"),
                                     attachment_ids=_ints(request, "attachment_ids"))
    return {"id": message_id}


def chatter_follow(request: Request) -> dict[str, Any]:
    """``follow`` true adds, false removes a follower: ``partner_id`` or ``user_id``, else the user."""
    record = _required_thread(request)
    partner_id, user_id = _int(request, "partner_id", False), _int(request, "user_id", False)
    if partner_id and not request.env["basepartner"].browse(partner_id).exists():
        raise UserError(request.env._("Partner %(id)s does not exist or you may not see it", id=partner_id),
                        code="RECORD_MISSING", status=404)
    who = {"partner_ids": [partner_id]} if partner_id else {"user_ids": [user_id or request.env.uid]}
    if request.params.get("follow"):
        record.message_subscribe(**who)
    else:
        record.message_unsubscribe(**who)
    return {"followers": record.message_followers()}


def chatter_schedule(request: Request) -> dict[str, Any]:
    record = _required_thread(request)
    activity_id = record.activity_schedule(_int(request, "activity_type_id"), summary=_text(request, "summary"),
                                           user_id=_int(request, "user_id", False) or None,
                                           date_deadline=_text(request, "date_deadline") or None)
    return {"id": activity_id}


def activity_done(request: Request) -> dict[str, Any]:
    request.check_csrf()
    activity = request.env["mail.activity"].browse(_int(request, "activity_id")).exists()
    if not activity:
        raise UserError(request.env._("This activity does not exist any more or is not yours"),
                        code="RECORD_MISSING", status=404)
    return {"message_ids": activity.action_done(feedback=_text(request, "feedback"))}


def _required_thread(request: Request) -> Any:
    record = _thread(request)
    if record is None:
        raise UserError(request.env._("This kind of record has no chatter"), code="NO_CHATTER")
    return record


def bell(request: Request) -> dict[str, Any]:
    request.check_csrf()
    return {**request.env["mail.notification"].bell(), "labels": _labels(request, BELL_LABELS)}


def notification_read(request: Request) -> dict[str, Any]:
    request.check_csrf()
    notifications = request.env["mail.notification"]
    ids = _ints(request, "ids")
    chosen = notifications.browse(ids).exists() if ids else notifications.search([("is_read", "=", False)])
    chosen.mark_read()
    return notifications.bell()


def notification_dismiss(request: Request) -> dict[str, Any]:
    request.check_csrf()
    notifications = request.env["mail.notification"]
    notifications.browse(_ints(request, "ids")).exists().dismiss()
    return notifications.bell()


def open_record(request: Request, model: str, res_id: int) -> Response:
    """Go to a record's form through a window action of its model (a notification's link)."""
    if model not in request.env.registry:
        raise UserError(f"unknown model {model!r}", code="MODEL_UNKNOWN", status=404)
    action = request.env["ir.actions.window"].sudo().search([("res_model", "=", model)], limit=1)
    if not action:
        raise UserError(request.env._("No screen shows %(model)s records", model=model), code="ACTION_UNKNOWN",
                        status=404)
    response = Response("", status=303)
    response.headers["Location"] = f"/web/action/{action.id}/{res_id}"
    return response


def routes() -> list[Route]:
    post = ("POST",)
    return [
        Route("/mail/chatter/load", chatter_load, post, auth="user", kind="json"),
        Route("/mail/chatter/post", chatter_post, post, auth="user", kind="json"),
        Route("/mail/chatter/follow", chatter_follow, post, auth="user", kind="json"),
        Route("/mail/chatter/schedule", chatter_schedule, post, auth="user", kind="json"),
        Route("/mail/activity/done", activity_done, post, auth="user", kind="json"),
        Route("/mail/bell", bell, post, auth="user", kind="json"),
        Route("/mail/notification/read", notification_read, post, auth="user", kind="json"),
        Route("/mail/notification/dismiss", notification_dismiss, post, auth="user", kind="json"),
        Route("/mail/open/<string:model>/<int:res_id>", open_record, auth="user"),
    ]
