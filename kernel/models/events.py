"""The event outbox: business events kept in the database until every subscriber has them.

``env.publish(name, payload)`` writes an ``event.outbox`` row in the
publishing transaction, so an event exists exactly when the change that caused
it committed.  :mod:`kernel.models.webhooks` later fans each event out to the
matching active ``event.subscription`` records (one ``event.delivery`` each)
and posts them, logging every attempt in ``event.delivery.attempt``.
"""

from __future__ import annotations

import ipaddress
import json
import re
import secrets
import uuid
from collections.abc import Mapping, Sequence
from fnmatch import fnmatchcase
from typing import Any
from urllib.parse import urlsplit

from ..db import utcnow
from ..exceptions import ValidationError
from ..orm import api, fields
from ..orm.env import SUPERUSER_ID
from ..orm.models import Model

DELIVERY_JOB = "base.deliver_events"  # declared by base (addons/base/jobs.py); also run by its ir.cron
PATTERN = re.compile(r"^[a-z0-9_.*?\[\]-]+$")
EXCHANGE = re.compile(r"^[A-Za-z0-9_.:-]{1,127}$")
DELIVERY_STATES = [("pending", "Pending"), ("delivered", "Delivered"), ("dead", "Dead Letter")]
LOOPBACK_NAMES = frozenset({"localhost", "localhost.localdomain"})


def event_body(event_id: str, name: str, created: str, payload: Any) -> dict[str, Any]:
    """What a subscriber receives (the webhook's JSON body, without its timestamp)."""
    return {"id": event_id, "event": name, "created": created, "payload": payload}


def serialise_payload(name: str, payload: Any) -> Any:
    """The payload as stored: it must be JSON (``json.dumps`` without converters), else the publisher hears why."""
    if not isinstance(payload, Mapping):
        raise ValidationError(f"event {name!r}: the payload must be a dict of JSON values, got {type(payload).__name__}",
                              code="EVENT_PAYLOAD_INVALID")
    try:
        return json.loads(json.dumps(payload))
    except (TypeError, ValueError) as exc:
        raise ValidationError(f"event {name!r}: the payload is not JSON-serialisable ({exc})",
                              code="EVENT_PAYLOAD_INVALID") from None


def is_loopback(host: str) -> bool:
    if host.lower() in LOOPBACK_NAMES:
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


SCHEMES = {"webhook": ("https", "http"), "amqp": ("amqps", "amqp")}  # (encrypted, plain: loopback only)


def check_target_url(kind: str, url: str) -> None:
    """Webhooks go over HTTPS and AMQP over TLS (amqps); plain http/amqp only to this machine (a receiver
    or a broker on loopback, as in tests)."""
    secure, plain = SCHEMES[kind]
    parts = urlsplit(url or "")
    try:
        host = parts.hostname
    except ValueError:
        host = None
    if parts.scheme not in (secure, plain) or not host:
        raise ValidationError(f"{kind} URL {url!r}: expected an absolute {secure}:// URL", code="EVENT_URL_INVALID")
    if parts.scheme == plain and not is_loopback(host):
        raise ValidationError(f"{kind} URL {url!r}: plain {plain} is only accepted for loopback addresses; "
                              f"use {secure}://", code="EVENT_URL_INSECURE")


class EventOutbox(Model):
    """One published event; ``dispatched`` once its deliveries exist."""

    _name = "event.outbox"
    _description = "Event Outbox"
    _order = "id desc"

    event_uuid = fields.Char("Event ID", required=True, unique=True, size=32, readonly=True)
    name = fields.Char("Event", required=True, index=True, readonly=True)
    payload = fields.Json("Payload", readonly=True)
    dispatched = fields.Boolean("Dispatched", default=False, index=True, readonly=True)
    delivery_ids = fields.One2many("event.delivery", "event_id", "Deliveries")

    @api.model
    def record(self, name: str, payloads: Sequence[Mapping[str, Any]]) -> Any:
        """Write one event of ``name`` per payload in the current transaction (called by ``env.publish``)."""
        if not isinstance(name, str) or not name.strip():
            raise ValidationError("an event needs a name such as 'customer.created'", code="EVENT_NAME_INVALID")
        events = self.sudo().create([{"event_uuid": uuid.uuid4().hex, "name": name,
                                      "payload": serialise_payload(name, payload)} for payload in payloads])
        self._queue_delivery()
        return events

    @api.model
    def _queue_delivery(self) -> None:
        """Queue the delivery job once per transaction (it runs after the commit), when someone subscribes."""
        transaction = self.env.transaction
        if DELIVERY_JOB in transaction.done_once or DELIVERY_JOB not in self.env.services.plugins.jobs():
            return
        transaction.done_once.add(DELIVERY_JOB)
        if self.env(su=True)["event.subscription"].search_count([("active", "=", True)], limit=1):
            self.env(uid=SUPERUSER_ID, su=True)["ir.job"].enqueue(DELIVERY_JOB)

    def body(self) -> dict[str, Any]:
        self.ensure_one()
        return event_body(self.event_uuid, self.name, self.create_date.isoformat() + "Z", self.payload or {})


class EventSubscription(Model):
    """Where events whose name matches ``event_pattern`` (``customer.*``, ``*``) are sent."""

    _name = "event.subscription"
    _description = "Event Subscription"
    _order = "name, id"

    name = fields.Char("Name", required=True)
    event_pattern = fields.Char("Events", required=True, default="*",
                                help="Event names to send, with * as wildcard: customer.*, supplier.on_hold, *")
    kind = fields.Selection([("webhook", "Webhook"), ("amqp", "AMQP Exchange")], "Kind", required=True,
                            default="webhook")
    url = fields.Char("URL", required=True,
                      help="Webhook: https:// URL receiving a JSON POST per event; AMQP: the broker's amqps:// URL")
    exchange = fields.Char("Exchange", default="erp.events",
                           help="AMQP: the topic exchange the events are published to, routed by event name")
    secret = fields.Char("Secret", required=True, default=lambda self: secrets.token_hex(32),
                         help="Key of the HMAC-SHA256 signature in the X-ERP-Signature header")
    active = fields.Boolean("Active", default=True)
    max_attempts = fields.Integer("Max Attempts", default=8, help="After this many failed attempts the delivery is dead")
    timeout = fields.Float("Timeout (seconds)", default=10.0)
    delivery_ids = fields.One2many("event.delivery", "subscription_id", "Deliveries")

    @api.constrains("event_pattern", "kind", "url", "exchange", "max_attempts", "timeout", "secret")
    def _check_settings(self) -> None:
        for subscription in self:
            if not PATTERN.match(subscription.event_pattern or ""):
                raise ValidationError(
                    f"subscription {subscription.name!r}: event pattern {subscription.event_pattern!r} may hold "
                    "lower-case letters, digits, '.', '_', '-' and wildcards only", code="EVENT_PATTERN_INVALID")
            check_target_url(subscription.kind, subscription.url)
            if subscription.kind == "amqp" and not EXCHANGE.match(subscription.exchange or ""):
                raise ValidationError(f"subscription {subscription.name!r}: AMQP exchange {subscription.exchange!r} "
                                      "needs a name of letters, digits, '.', '_' and '-'",
                                      code="EVENT_EXCHANGE_INVALID")
            if subscription.max_attempts < 1:
                raise ValidationError(f"subscription {subscription.name!r}: max attempts must be at least 1",
                                      code="EVENT_ATTEMPTS_INVALID")
            if not 0 < subscription.timeout <= 300:
                raise ValidationError(f"subscription {subscription.name!r}: the timeout must be between 0 and 300 "
                                      "seconds", code="EVENT_TIMEOUT_INVALID")
            if len(subscription.secret or "") < 16:
                raise ValidationError(f"subscription {subscription.name!r}: the secret must have at least 16 "
                                      "characters", code="EVENT_SECRET_WEAK")

    def matches(self, name: str) -> bool:
        return fnmatchcase(name, self.event_pattern)


class EventDelivery(Model):
    """One event for one subscription: pending until delivered, dead after ``max_attempts`` failures."""

    _name = "event.delivery"
    _description = "Event Delivery"
    _order = "id desc"

    event_id = fields.Many2one("event.outbox", "Event", required=True, ondelete="cascade", index=True, readonly=True)
    subscription_id = fields.Many2one("event.subscription", "Subscription", required=True, ondelete="cascade",
                                      index=True, readonly=True)
    event_name = fields.Char("Event Name", related="event_id.name")
    state = fields.Selection(DELIVERY_STATES, "State", required=True, default="pending", index=True, readonly=True)
    attempts = fields.Integer("Attempts", default=0, readonly=True)
    next_attempt = fields.Datetime("Next Attempt", index=True, readonly=True)
    delivered_at = fields.Datetime("Delivered on", readonly=True)
    last_error = fields.Text("Last Error", readonly=True)
    attempt_ids = fields.One2many("event.delivery.attempt", "delivery_id", "Attempts Log")

    def action_retry(self) -> bool:
        """Send dead or pending deliveries again at the next sweep, with a fresh attempt budget."""
        self.sudo().write({"state": "pending", "attempts": 0, "next_attempt": utcnow()})
        return True


class EventDeliveryAttempt(Model):
    """The log of one delivery attempt: HTTP status, error, duration."""

    _name = "event.delivery.attempt"
    _description = "Event Delivery Attempt"
    _order = "id desc"
    _log_access = False

    delivery_id = fields.Many2one("event.delivery", "Delivery", required=True, ondelete="cascade", index=True)
    attempted_at = fields.Datetime("Attempted on", required=True)
    status_code = fields.Integer("HTTP Status")
    success = fields.Boolean("Success")
    error = fields.Text("Error")
    duration_ms = fields.Float("Duration (ms)")


EVENT_MODELS: list[type] = [EventOutbox, EventSubscription, EventDelivery, EventDeliveryAttempt]
