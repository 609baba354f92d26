"""Discuss: chatter, followers, tracked changes, outgoing mail queue, notifications.

Hook implementations only: ``kernel_models`` hands the kernel the models,
``kernel_jobs`` the jobs sending the queue and the activity reminders
(scheduled by ``data/mail_cron.xml``), ``kernel_routes`` the chatter's and
the bell's JSON routes.
"""

from __future__ import annotations

from typing import Any

from .jobs import activity_reminders, send_queue
from .models.activity import Activity, ActivityType
from .models.mail_mail import MailMail
from .models.message import Followers, Message, MessageSubtype, TrackingValue
from .models.notification import Notification, Preferences, Users
from .models.partner import Partner
from .models.template import MailTemplate, TemplatePreview
from .models.thread import MailThread


def kernel_routes() -> list[Any]:
    from .controllers import routes

    return routes()


def kernel_jobs() -> list[Any]:
    return [send_queue, activity_reminders]


def kernel_models() -> list[type]:
    return [MailThread, MessageSubtype, Message, TrackingValue, Followers, MailMail, Users, Notification, Partner,
            MailTemplate, ActivityType, Activity, Preferences,
            TemplatePreview]


# events stamping a partner's role code: (payload key of the partner, payload key and field of the code)
STAMPED_CODES = {"supplier.created": ("supplier_id", "vendor_code"), "customer.created": ("customer_id", "customer_code")}


def kernel_event(env: Any, name: str, payload: dict[str, Any]) -> None:
    """A vendor or customer code stamped on a partner shows in its chatter as a tracked change ('' → V00001):
    the code is stamped by a direct UPDATE after the write, so the write's tracking cannot see it."""
    if name in STAMPED_CODES:
        partner_key, code_field = STAMPED_CODES[name]
        partner = env["basepartner"].browse(payload[partner_key])
        if code_field in partner._fields:
            partner._post_tracking({code_field: ""}, {code_field: str(payload[code_field])})
