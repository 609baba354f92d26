"""The ORM tests run on the ``catalog`` fixture addon (with the fixtures' own ``base``), through the test kit:
``erp_kernel`` installs it once per module and backend, ``env`` rolls each test back."""

from __future__ import annotations

from pathlib import Path

import pytest

ORM_ADDONS = Path(__file__).resolve().parents[2] / "fixtures" / "orm_addons"


@pytest.fixture(scope="module")
def erp_addons() -> list[str]:
    return ["catalog"]


@pytest.fixture(scope="module")
def erp_addons_path() -> list[Path]:
    return [ORM_ADDONS]
