"""Delivering the event outbox to webhooks and AMQP exchanges: fan out, claim, send, record; at least once.

A sweep (:func:`deliver_due`) runs in short transactions of its own, never
holding the database while it waits for a subscriber:

1. **fan out** -- each event not yet dispatched gets one ``event.delivery``
   per active subscription whose pattern matches its name;
2. **claim** -- due pending deliveries get their next attempt pushed past the
   request's timeout (``FOR UPDATE SKIP LOCKED`` on PostgreSQL), so a second
   sweep running at the same time takes other ones;
3. **send** -- outside any transaction, an HTTP POST of the signed JSON body
   (a webhook) or a message on an AMQP exchange (:mod:`kernel.models.amqp`);
4. **record** -- the attempt's status, error and duration; a 2xx answer
   makes the delivery ``delivered``, anything else schedules a retry after an
   exponential backoff, and the ``max_attempts``-th failure makes it ``dead``.

A sweep that dies between 3 and 4 leaves the delivery claimed: it is posted
again once the claim expires, so a subscriber may see an event twice and
keeps the ``X-ERP-Event-Id`` of those it processed (at-least-once delivery).
"""

from __future__ import annotations

import hashlib
import hmac
import json
import time
from collections.abc import Callable
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa

from ..db import utcnow, writing
from ..exceptions import ValidationError
from . import amqp

if TYPE_CHECKING:
    from ..orm.env import Environment

EnvOpener = Callable[[], AbstractContextManager["Environment"]]
SIGNATURE_HEADER = "X-ERP-Signature"
CLAIM_MARGIN = timedelta(seconds=60)
ERROR_TEXT_LIMIT = 500


@dataclass(frozen=True)
class Backoff:
    """``[events] retry_base_seconds`` (30) doubled per failed attempt, at most ``retry_max_seconds`` (3600)."""

    base: float = 30.0
    cap: float = 3600.0

    @classmethod
    def from_env(cls, env: Environment) -> Backoff:
        section = env.services.settings.section("events")
        values = {"base": section.get("retry_base_seconds", cls.base), "cap": section.get("retry_max_seconds", cls.cap)}
        for key, value in values.items():
            if isinstance(value, bool) or not isinstance(value, (int, float)) or value < 0:
                raise ValidationError(f"configuration [events] retry_{key}_seconds: expected a number of seconds "
                                      f"of at least 0, got {value!r}", code="EVENT_CONFIG_INVALID")
        return cls(float(values["base"]), float(values["cap"]))

    def delay(self, failures: int) -> timedelta:
        return timedelta(seconds=min(self.base * 2 ** max(failures - 1, 0), self.cap))


@dataclass(frozen=True)
class Claimed:
    """A delivery taken by this sweep, with what posting it needs."""

    delivery_id: int
    kind: str
    url: str
    exchange: str
    secret: str
    timeout: float
    attempt: int
    max_attempts: int
    body: dict[str, Any]


@dataclass(frozen=True)
class Outcome:
    """How one attempt went: the HTTP status (webhooks), the error if it failed, how long it took."""

    status_code: int | None
    error: str | None
    duration_ms: float

    @property
    def success(self) -> bool:
        return self.error is None


@dataclass
class SweepReport:
    """What one sweep did, by count."""

    dispatched: int = 0
    delivered: int = 0
    retrying: int = 0
    dead: int = 0
    outcomes: list[Outcome] = field(default_factory=list)


def sign(secret: str, body: bytes) -> str:
    """The ``X-ERP-Signature`` value: ``sha256=`` and the hex HMAC-SHA256 of the body under the secret."""
    return "sha256=" + hmac.new(secret.encode("utf-8"), body, hashlib.sha256).hexdigest()


def verify(secret: str, body: bytes, signature: str, tolerance: float = 300.0, now: float | None = None) -> dict[str, Any]:
    """What a receiver does (docs/events.md): check the signature, then the signed timestamp's age.

    Returns the decoded body; raises :class:`ValueError` naming what is wrong.
    """
    if not hmac.compare_digest(sign(secret, body), signature or ""):
        raise ValueError("bad signature")
    data = json.loads(body)
    age = (time.time() if now is None else now) - float(data.get("timestamp", 0))
    if abs(age) > tolerance:
        raise ValueError(f"timestamp outside the {tolerance:.0f} s window (replayed or clock skew)")
    return data


def encode(body: dict[str, Any], timestamp: int) -> bytes:
    return json.dumps({**body, "timestamp": timestamp}, separators=(",", ":"), ensure_ascii=False).encode("utf-8")


def dispatch(env: Environment) -> int:
    """Fan the events not yet dispatched out to the active subscriptions matching them; returns their number."""
    outbox = env(su=True)["event.outbox"]
    events = outbox.search([("dispatched", "=", False)], order="id")
    if not events:
        return 0
    subscriptions = list(env(su=True)["event.subscription"].search([("active", "=", True)]))
    now = utcnow()
    deliveries = [
        {"event_id": event.id, "subscription_id": subscription.id, "next_attempt": now}
        for event in events for subscription in subscriptions if subscription.matches(event.name)
    ]
    if deliveries:
        env(su=True)["event.delivery"].create(deliveries)
    events.write({"dispatched": True})
    return len(events)


def claim(env: Environment, now: datetime, limit: int) -> list[Claimed]:
    """Take up to ``limit`` due deliveries for this sweep (see the module's docstring)."""
    table = env.registry["event.delivery"]._sql
    query = (sa.select(table.c.id).where(table.c.state == "pending", table.c.next_attempt <= now)
             .order_by(table.c.next_attempt, table.c.id).limit(limit))
    if env.connection.dialect.name == "postgresql":
        query = query.with_for_update(skip_locked=True)
    ids = list(env.execute(query).scalars())
    claimed = []
    for delivery in env(su=True)["event.delivery"].browse(ids):
        subscription = delivery.subscription_id
        claimed.append(Claimed(delivery.id, subscription.kind, subscription.url, subscription.exchange or "",
                               subscription.secret, subscription.timeout, delivery.attempts + 1,
                               subscription.max_attempts, delivery.event_id.body()))
        lease = now + timedelta(seconds=subscription.timeout) + CLAIM_MARGIN
        env.execute(sa.update(table).where(table.c.id == delivery.id).values(next_attempt=lease))
    return claimed


def signed(claimed: Claimed) -> tuple[bytes, dict[str, str]]:
    """The body of this attempt (stamped now) and the ``X-ERP-*`` headers that go with it."""
    timestamp = int(time.time())
    body = encode(claimed.body, timestamp)
    return body, {
        "X-ERP-Event": claimed.body["event"], "X-ERP-Event-Id": claimed.body["id"],
        "X-ERP-Delivery-Attempt": str(claimed.attempt), "X-ERP-Timestamp": str(timestamp),
        SIGNATURE_HEADER: sign(claimed.secret, body),
    }


def send(claimed: Claimed) -> Outcome:
    """Deliver one event the way its subscription says (a webhook POST, an AMQP message)."""
    return publish_amqp(claimed) if claimed.kind == "amqp" else post(claimed)


def publish_amqp(claimed: Claimed) -> Outcome:
    """Publish to the subscription's AMQP exchange; a broker that is down or refuses is a failure."""
    body, headers = signed(claimed)
    started = time.perf_counter()
    try:
        amqp.publish(claimed.url, claimed.exchange, claimed.body["event"], body, headers, claimed.body["id"],
                     claimed.timeout)
    except Exception as exc:  # noqa: BLE001 - any failure of the broker or the network is retried
        return Outcome(None, f"{type(exc).__name__}: {exc}"[:ERROR_TEXT_LIMIT], _since(started))
    return Outcome(None, None, _since(started))


def post(claimed: Claimed) -> Outcome:
    """POST one delivery; any answer but 2xx, and any network error, is a failure with its reason."""
    import httpx  # here: only a sweep needs the HTTP client

    body, signature_headers = signed(claimed)
    headers = {"Content-Type": "application/json", "User-Agent": "erp-webhooks/1", **signature_headers}
    started = time.perf_counter()
    try:
        response = httpx.post(claimed.url, content=body, headers=headers, timeout=claimed.timeout,
                              follow_redirects=False)
    except httpx.HTTPError as exc:
        return Outcome(None, f"{type(exc).__name__}: {exc}"[:ERROR_TEXT_LIMIT], _since(started))
    duration = _since(started)
    if 200 <= response.status_code < 300:
        return Outcome(response.status_code, None, duration)
    return Outcome(response.status_code, f"HTTP {response.status_code}: {response.text}"[:ERROR_TEXT_LIMIT], duration)


def _since(started: float) -> float:
    return round((time.perf_counter() - started) * 1000, 2)


def record(env: Environment, claimed: Claimed, outcome: Outcome, backoff: Backoff) -> str:
    """Log the attempt and move the delivery on; returns its new state."""
    now = utcnow()
    delivery = env(su=True)["event.delivery"].browse(claimed.delivery_id)
    env(su=True)["event.delivery.attempt"].create({
        "delivery_id": delivery.id, "attempted_at": now, "status_code": outcome.status_code or 0,
        "success": outcome.success, "error": outcome.error, "duration_ms": outcome.duration_ms,
    })
    if outcome.success:
        values: dict[str, Any] = {"state": "delivered", "delivered_at": now, "next_attempt": None, "last_error": False}
    elif claimed.attempt >= claimed.max_attempts:
        values = {"state": "dead", "next_attempt": None, "last_error": outcome.error}
    else:
        values = {"state": "pending", "next_attempt": now + backoff.delay(claimed.attempt), "last_error": outcome.error}
    delivery.write({**values, "attempts": claimed.attempt})
    return str(values["state"])


def deliver_due(open_env: EnvOpener, now: datetime | None = None, limit: int = 100) -> SweepReport:
    """One sweep: fan out new events, then post the deliveries due at ``now`` (default: the current time)."""
    report = SweepReport()
    with writing(), open_env() as env:
        report.dispatched = dispatch(env)
        backoff = Backoff.from_env(env)
        claimed = claim(env, now or utcnow(), limit)
    for each in claimed:
        outcome = send(each)
        report.outcomes.append(outcome)
        with writing(), open_env() as env:
            state = record(env, each, outcome, backoff)
        if state == "delivered":
            report.delivered += 1
        elif state == "dead":
            report.dead += 1
        else:
            report.retrying += 1
    return report


def purge(env: Environment, now: datetime | None = None) -> int:
    """Delete the events older than ``[events] keep_days`` (30; 0 keeps them) whose every delivery went
    through, with their deliveries and log; dead letters and pending deliveries stay. Returns their number."""
    keep_days = env.services.settings.section("events").get("keep_days", 30)
    if isinstance(keep_days, bool) or not isinstance(keep_days, (int, float)) or keep_days < 0:
        raise ValidationError(f"configuration [events] keep_days: expected a number of days of at least 0, got "
                              f"{keep_days!r}", code="EVENT_CONFIG_INVALID")
    if not keep_days:
        return 0
    outbox, deliveries = env.registry["event.outbox"]._sql, env.registry["event.delivery"]._sql
    unfinished = sa.select(deliveries.c.event_id).where(deliveries.c.state != "delivered")
    old = sa.select(outbox.c.id).where(outbox.c.dispatched.is_(True),
                                       outbox.c.create_date < (now or utcnow()) - timedelta(days=keep_days),
                                       outbox.c.id.not_in(unfinished))
    events = env(su=True)["event.outbox"].browse(list(env.execute(old).scalars()))
    events.unlink()
    return len(events)
