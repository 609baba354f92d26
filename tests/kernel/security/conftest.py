"""Shared fixtures of the security tests: ``base`` with the ``sec_sales`` and ``sec_extra`` fixture addons.

The data (tests/fixtures/security_addons/sec_sales/data/people.xml): companies
My Company and Beta Corp; branches Jakarta and Surabaya (both of My Company);
admin (administrator, both companies and branches), manager (sales manager,
both companies and branches), rep (sales representative, My Company and
Jakarta only).  Customers, with company / branch / salesman:

    Acme        My Company / Jakarta  / rep
    Globex      My Company / Surabaya / rep
    Initech     Beta Corp  / -        / rep
    Shared Co   -          / -        / rep
    Umbrella    My Company / Jakarta  / manager
    Wayne       My Company / -        / rep
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[3]


@pytest.fixture(scope="module")
def erp_addons() -> list[str]:
    """The test kit's ``erp_kernel`` and ``env`` hold the security fixture addons; ``env_as("rep")`` (or
    ``"manager"``, ``"admin"``) is the same transaction as that user."""
    return ["sec_extra"]


@pytest.fixture(scope="module")
def erp_addons_path() -> list[Path]:
    return [ROOT / "addons", ROOT / "tests" / "fixtures" / "security_addons"]


@pytest.fixture(scope="session")
def all_customers() -> set[str]:
    """The names of every customer of the fixture data (see above)."""
    return {"Acme", "Globex", "Initech", "Shared Co", "Umbrella", "Wayne"}


@pytest.fixture(scope="session")
def names() -> Callable[[Any], set[str]]:
    """``names(records)``: their names, read as superuser, so a check is about which records a user got."""

    def of(records: Any) -> set[str]:
        return set(records.sudo().mapped("name"))

    return of
