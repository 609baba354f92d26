"""Fixtures of the partner master's tests: the test kit's ``erp_kernel`` with base (demo data), core_purchase and
master_sale installed, once per module and backend; each test's ``env`` is rolled back at its end."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from kernel import Kernel


@pytest.fixture(scope="module")
def erp_addons() -> list[str]:
    """The test kit's ``erp_kernel`` (once per module and backend) and ``env`` hold both sides of partners."""
    return ["core_purchase", "master_sale"]


@pytest.fixture(scope="module")
def erp_demo() -> bool:
    return True


class EventRecorder:
    """Receives business events like any addon implementing ``kernel_event`` would."""

    def __init__(self) -> None:
        self.events: list[tuple[str, dict[str, Any]]] = []

    def kernel_event(self, env: Any, name: str, payload: dict[str, Any]) -> None:
        self.events.append((name, payload))

    def named(self, name: str) -> list[dict[str, Any]]:
        return [payload for event, payload in self.events if event == name]


@pytest.fixture
def events(erp_kernel: Kernel) -> Iterator[EventRecorder]:
    recorder = EventRecorder()
    erp_kernel.plugins.register(recorder, name="event_recorder")
    yield recorder
    erp_kernel.plugins.unregister(name="event_recorder")


@pytest.fixture
def types(env: Any) -> dict[str, int]:
    return {"customer": env.ref("base.base_partner_type_customer").id,
            "vendor": env.ref("base.base_partner_type_vendor").id}


@pytest.fixture
def refused(env: Any) -> Any:
    """Run a call that must fail the way an RPC call does: its changes rolled back, the cache forgotten."""

    def run(call: Any, error: type[Exception] = Exception) -> Any:
        with pytest.raises(error) as info:
            with env.connection.begin_nested():
                call()
        env.transaction.invalidate()
        return info.value

    return run
