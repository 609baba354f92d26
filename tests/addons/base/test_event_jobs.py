"""Event delivery by a real ``erp worker`` and ``erp beat``: queued after the publishing transaction commits,
retried by the schedule while the receiver is down, delivered once it is back."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from kernel.db import writing
from kernel.models.webhooks import SIGNATURE_HEADER, verify
from kernel.testing.webhooks import WebhookReceiver
from kernel.testing.workers import jobs_config, kernel_for, running_beat, running_worker, wait_for
from tests.kernel.jobs.jobkit import FAST

SECRET = "a-secret-for-the-worker-test"


@pytest.fixture(scope="module")
def erp_addons() -> list[str]:
    return ["base"]


@pytest.fixture(scope="module")
def config(erp_kernel: Any, tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = jobs_config(tmp_path_factory.mktemp("events") / "erp.toml", erp_kernel, FAST)
    with path.open("a") as handle:
        handle.write("\n[events]\nretry_base_seconds = 0.2\nretry_max_seconds = 1\n")
    return path


@pytest.fixture(scope="module")
def kernel(config: Path) -> Iterator[Any]:
    kernel = kernel_for(config)
    yield kernel
    kernel.close()


@pytest.fixture
def receiver(kernel: Any) -> Iterator[WebhookReceiver]:
    found = WebhookReceiver().start()
    with writing(), kernel.env() as env:
        env["event.subscription"].create({"name": "Worker test", "event_pattern": "customer.*", "url": found.url,
                                          "secret": SECRET})
    yield found
    found.stop()
    with writing(), kernel.env() as env:
        env["event.subscription"].with_context(active_test=False).search([]).unlink()


def publish(kernel: Any, payload: dict[str, Any]) -> None:
    with writing(), kernel.env() as env:
        env.publish("customer.created", payload)


def delivery(kernel: Any, customer_id: int) -> Any:
    with kernel.env() as env:
        found = env["event.delivery"].search([]).filtered(lambda d: d.event_id.payload == {"customer_id": customer_id})
        return found and (found.state, found.attempts)


def test_an_event_is_posted_by_the_worker_after_the_commit(kernel, config, receiver):
    with running_worker(config):
        publish(kernel, {"customer_id": 1})
        (headers, body), = wait_for(lambda: receiver.received, what="the webhook receiving the event")
    assert verify(SECRET, body, headers[SIGNATURE_HEADER])["payload"] == {"customer_id": 1}
    assert delivery(kernel, 1) == ("delivered", 1)


def test_the_schedule_delivers_once_the_receiver_is_back(kernel, config, receiver):
    receiver.stop()
    with writing(), kernel.env() as env:  # the sweep every second instead of every minute
        env.ref("base.cron_deliver_events").write({"interval_number": 1, "interval_type": "seconds"})
    with running_worker(config):
        publish(kernel, {"customer_id": 2})
        wait_for(lambda: delivery(kernel, 2) == ("pending", 1), what="the first attempt failing")
        with running_beat(config):
            wait_for(lambda: delivery(kernel, 2)[1] >= 2, what="the schedule retrying")
            receiver.start()
            (headers, body), = wait_for(lambda: receiver.received, what="the event once the receiver is back")
            wait_for(lambda: delivery(kernel, 2)[0] == "delivered", what="the delivery recorded")
    assert verify(SECRET, body, headers[SIGNATURE_HEADER])["payload"] == {"customer_id": 2}
    assert int(headers["X-ERP-Delivery-Attempt"]) >= 3
