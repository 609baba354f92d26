"""The mail addon's tests: a database holding mail (and so base and web), once per module and backend."""

from __future__ import annotations

import pytest


@pytest.fixture(scope="module")
def erp_addons() -> list[str]:
    return ["mail"]


@pytest.fixture(scope="module")
def erp_demo() -> bool:
    return False
