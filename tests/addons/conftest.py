"""Fixtures of the partner master's tests: one database per module and backend with base (demo data),
core_purchase and master_sale installed; each test runs in a transaction rolled back at its end."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from kernel import Kernel
from kernel.db import drop_database
from kernel.testing import database_backends, rollback_env, throwaway_database


@pytest.fixture(scope="module", params=database_backends())
def partner_kernel(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Kernel]:
    url = throwaway_database(request.param, tmp_path_factory.mktemp("db"))
    kernel = Kernel(url)
    try:
        kernel.init(demo=True)
        kernel.install(["core_purchase", "master_sale"])
        yield kernel
    finally:
        kernel.close()
        drop_database(url)


@pytest.fixture
def env(partner_kernel: Kernel) -> Iterator[Any]:
    with rollback_env(partner_kernel) as environment:
        yield environment


class EventRecorder:
    """Receives business events like any addon implementing ``kernel_event`` would."""

    def __init__(self) -> None:
        self.events: list[tuple[str, dict[str, Any]]] = []

    def kernel_event(self, env: Any, name: str, payload: dict[str, Any]) -> None:
        self.events.append((name, payload))

    def named(self, name: str) -> list[dict[str, Any]]:
        return [payload for event, payload in self.events if event == name]


@pytest.fixture
def events(partner_kernel: Kernel) -> Iterator[EventRecorder]:
    recorder = EventRecorder()
    partner_kernel.plugins.register(recorder, name="event_recorder")
    yield recorder
    partner_kernel.plugins.unregister(name="event_recorder")


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
