"""The event outbox and its webhook deliveries, against a real HTTP receiver on loopback."""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator
from datetime import timedelta
from decimal import Decimal
from typing import Any

import pytest

from kernel import AccessError, ValidationError
from kernel.db import utcnow
from kernel.models.webhooks import SIGNATURE_HEADER, deliver_due, purge, verify
from kernel.testing.webhooks import WebhookReceiver

SECRET = "s3cret-for-the-test-receiver"


@pytest.fixture(scope="module")
def erp_addons() -> list[str]:
    return ["base"]


@pytest.fixture
def receiver() -> Iterator[WebhookReceiver]:
    found = WebhookReceiver().start()
    yield found
    found.stop()


@pytest.fixture
def committed(erp_kernel: Any) -> Iterator[Any]:
    """The module's kernel, whose events, deliveries and subscriptions are deleted after the test (they commit)."""
    yield erp_kernel
    with erp_kernel.env() as env:
        env["event.subscription"].with_context(active_test=False).search([]).unlink()
        env["event.outbox"].search([]).unlink()


def subscribe(kernel: Any, url: str, pattern: str = "customer.*", **values: Any) -> int:
    with kernel.env() as env:
        return env["event.subscription"].create(
            {"name": "Receiver", "event_pattern": pattern, "url": url, "secret": SECRET, **values}).id


def publish(kernel: Any, name: str, payload: dict[str, Any]) -> None:
    with kernel.env() as env:
        env.publish(name, payload)


def delivery_of(kernel: Any, name: str) -> dict[str, Any]:
    with kernel.env() as env:
        delivery = env["event.delivery"].search([("event_id.name", "=", name)])
        delivery.ensure_one()
        return {"state": delivery.state, "attempts": delivery.attempts, "error": delivery.last_error,
                "log": [(a.status_code, a.success, a.error) for a in delivery.attempt_ids.sorted("id")]}


def test_publish_writes_the_event_to_the_outbox_in_its_transaction(env):
    env.publish("customer.created", {"customer_id": 7, "name": "Acme"})
    event = env["event.outbox"].search([("name", "=", "customer.created")])
    assert len(event) == 1 and event.payload == {"customer_id": 7, "name": "Acme"}
    assert len(event.event_uuid) == 32 and not event.dispatched


def test_a_payload_that_is_not_json_is_refused_by_the_publisher(env):
    with pytest.raises(ValidationError, match="'customer.created': the payload is not JSON-serialisable"):
        env.publish("customer.created", {"amount": Decimal("1.50")})


def test_an_event_reaches_the_webhook_signed_and_once(committed, receiver):
    subscribe(committed, receiver.url)
    publish(committed, "customer.created", {"customer_id": 7})
    publish(committed, "supplier.on_hold", {"supplier_id": 8})  # another pattern: not sent
    report = deliver_due(committed.env)
    assert (report.dispatched, report.delivered, report.retrying) == (2, 1, 0)
    (headers, body), = receiver.received
    data = verify(SECRET, body, headers[SIGNATURE_HEADER])
    assert data["event"] == "customer.created" and data["payload"] == {"customer_id": 7}
    assert headers["X-ERP-Event-Id"] == data["id"] and headers["X-ERP-Timestamp"] == str(data["timestamp"])
    with pytest.raises(ValueError, match="bad signature"):
        verify("another-secret-of-16+", body, headers[SIGNATURE_HEADER])
    with pytest.raises(ValueError, match="replayed"):
        verify(SECRET, body, headers[SIGNATURE_HEADER], now=data["timestamp"] + 3600)
    assert delivery_of(committed, "customer.created")["state"] == "delivered"
    assert deliver_due(committed.env).delivered == 0  # nothing twice
    assert len(receiver.received) == 1


def test_a_rolled_back_transaction_publishes_nothing(committed, receiver):
    subscribe(committed, receiver.url)
    with pytest.raises(RuntimeError):
        with committed.env() as env:
            env.publish("customer.created", {"customer_id": 9})
            raise RuntimeError("the change fails")
    assert deliver_due(committed.env).dispatched == 0
    assert receiver.received == []


def test_a_receiver_that_is_down_gets_the_event_when_it_returns(committed, receiver):
    subscribe(committed, receiver.url)
    receiver.stop()
    publish(committed, "customer.created", {"customer_id": 10})
    assert deliver_due(committed.env).retrying == 1
    state = delivery_of(committed, "customer.created")
    assert state["state"] == "pending" and state["attempts"] == 1 and "ConnectError" in state["error"]
    assert deliver_due(committed.env).outcomes == []  # the retry waits for its backoff
    receiver.start()
    report = deliver_due(committed.env, now=utcnow() + timedelta(hours=2))
    assert report.delivered == 1
    (headers, _body), = receiver.received
    assert headers["X-ERP-Delivery-Attempt"] == "2"
    log = delivery_of(committed, "customer.created")["log"]
    assert [success for _status, success, _error in log] == [False, True]


def test_a_delivery_failing_max_attempts_times_is_dead(committed, receiver):
    subscribe(committed, receiver.url, max_attempts=2)
    receiver.status = 500
    publish(committed, "customer.created", {"customer_id": 11})
    assert deliver_due(committed.env).retrying == 1
    assert deliver_due(committed.env, now=utcnow() + timedelta(hours=2)).dead == 1
    state = delivery_of(committed, "customer.created")
    assert state["state"] == "dead" and state["attempts"] == 2
    assert state["log"] == [(500, False, "HTTP 500: nope")] * 2
    assert deliver_due(committed.env, now=utcnow() + timedelta(days=2)).outcomes == []  # dead stays dead
    receiver.status = 200
    with committed.env() as env:
        env["event.delivery"].search([]).action_retry()
    assert deliver_due(committed.env).delivered == 1


@pytest.mark.parametrize(("values", "message"), [
    ({"url": "http://example.com/hook"}, "plain http is only accepted for loopback"),
    ({"url": "ftp://127.0.0.1/x"}, "expected an absolute https:// URL"),
    ({"event_pattern": "Customer Created"}, "may hold lower-case letters"),
    ({"max_attempts": 0}, "max attempts must be at least 1"),
    ({"secret": "short"}, "at least 16 characters"),
    ({"kind": "amqp", "url": "amqp://broker.example.com//"}, "plain amqp is only accepted for loopback"),
    ({"kind": "amqp", "url": "https://broker.example.com"}, "expected an absolute amqps:// URL"),
    ({"kind": "amqp", "url": "amqps://broker.example.com//", "exchange": "bad name"}, "AMQP exchange 'bad name'"),
])
def test_bad_subscription_settings_are_refused(env, values, message):
    with pytest.raises(ValidationError, match=message):
        env["event.subscription"].create({"name": "Bad", "url": "https://hooks.example.com/x", **values})


def test_https_subscriptions_get_a_generated_secret(env):
    subscription = env["event.subscription"].create({"name": "Good", "url": "https://hooks.example.com/x"})
    assert len(subscription.secret) == 64


def test_only_administrators_see_subscriptions_and_the_outbox(env, env_as):
    env["res.users"].create([{"name": "Clerk", "login": "clerk_events", "group_ids": [(4, env.ref("base.group_user").id)]},
                             {"name": "Settings Admin", "login": "admin_events",
                              "group_ids": [(4, env.ref("base.group_system").id)]}])
    env["event.subscription"].create({"name": "Seen", "url": "https://hooks.example.com/seen"})
    env.publish("customer.created", {"customer_id": 7})
    as_clerk, as_admin = env_as("clerk_events"), env_as("admin_events")
    for model in ("event.subscription", "event.outbox", "event.delivery", "event.delivery.attempt"):
        with pytest.raises(AccessError):
            as_clerk[model].search([])
        assert as_admin[model].search_count([]) == env[model].search_count([]), f"an administrator sees {model}"
    assert as_admin["event.subscription"].search_count([]) >= 1 and as_admin["event.outbox"].search_count([]) >= 1


def test_the_body_is_the_json_event(env):
    env.publish("customer.created", {"customer_id": 12})
    body = env["event.outbox"].search([("name", "=", "customer.created")]).body()
    assert set(body) == {"id", "event", "created", "payload"} and json.dumps(body)


AMQP_URL = "amqp://guest:guest@127.0.0.1:5672//"


@pytest.fixture
def amqp_queue() -> Iterator[tuple[str, Any]]:
    """A fresh topic exchange on the RabbitMQ of this machine, with a queue bound to ``customer.*``."""
    import kombu

    exchange = kombu.Exchange(f"erp.test.{uuid.uuid4().hex[:8]}", type="topic", durable=True)
    with kombu.Connection(AMQP_URL) as connection:
        queue = kombu.Queue(f"{exchange.name}.q", exchange=exchange, routing_key="customer.*", auto_delete=True)
        bound = queue(connection.default_channel)
        bound.declare()
        yield exchange.name, bound
        bound.delete()
        exchange(connection.default_channel).delete()


def test_an_event_reaches_an_amqp_exchange_signed(committed, amqp_queue):
    exchange, queue = amqp_queue
    subscribe(committed, AMQP_URL, kind="amqp", exchange=exchange)
    publish(committed, "customer.created", {"customer_id": 21})
    assert deliver_due(committed.env).delivered == 1
    message = queue.get(no_ack=True)
    assert message is not None and message.delivery_info["routing_key"] == "customer.created"
    body = message.body if isinstance(message.body, bytes) else message.body.encode("utf-8")  # kombu decodes utf-8
    data = verify(SECRET, body, message.headers[SIGNATURE_HEADER])
    assert data["payload"] == {"customer_id": 21} and message.properties["message_id"] == data["id"]


def test_an_amqp_broker_that_is_down_gets_the_event_later(committed, amqp_queue):
    exchange, queue = amqp_queue
    subscription = subscribe(committed, "amqp://guest:guest@127.0.0.1:1//", kind="amqp", exchange=exchange,
                             timeout=2)
    publish(committed, "customer.created", {"customer_id": 22})
    assert deliver_due(committed.env).retrying == 1
    assert queue.get(no_ack=True) is None
    with committed.env() as env:
        env["event.subscription"].browse(subscription).url = AMQP_URL  # the broker is back (here: found)
    assert deliver_due(committed.env, now=utcnow() + timedelta(hours=2)).delivered == 1
    assert queue.get(no_ack=True).headers["X-ERP-Delivery-Attempt"] == "2"


def test_old_delivered_events_are_purged_dead_letters_stay(committed, receiver):
    subscribe(committed, receiver.url, max_attempts=1)
    publish(committed, "customer.created", {"customer_id": 31})
    deliver_due(committed.env)
    receiver.status = 500
    publish(committed, "customer.updated", {"customer_id": 32})
    deliver_due(committed.env)
    with committed.env() as env:
        assert purge(env) == 0  # both are recent
        assert purge(env, now=utcnow() + timedelta(days=31)) == 1
        assert env["event.outbox"].search([]).mapped("name") == ["customer.updated"]  # the dead letter stays
        assert env["event.delivery"].search([]).state == "dead"
