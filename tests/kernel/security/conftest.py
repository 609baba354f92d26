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

from pathlib import Path
from typing import Any

import pytest

from kernel.orm.env import Environment

ROOT = Path(__file__).resolve().parents[3]
ADDONS_PATH = [ROOT / "addons", ROOT / "tests" / "fixtures" / "security_addons"]
USERS = {"admin": "base.user_admin", "manager": "sec_sales.user_manager", "rep": "sec_sales.user_rep"}
ALL_CUSTOMERS = {"Acme", "Globex", "Initech", "Shared Co", "Umbrella", "Wayne"}


@pytest.fixture(scope="module")
def erp_addons() -> list[str]:
    """The test kit's ``erp_kernel`` and ``env`` hold the security fixture addons."""
    return ["sec_extra"]


@pytest.fixture(scope="module")
def erp_addons_path() -> list[Path]:
    return ADDONS_PATH


def as_user(env: Environment, login: str, **context: Any) -> Environment:
    """The same transaction as ``login`` (admin, manager or rep), with extra context."""
    return env(uid=env.ref(USERS[login]).id, su=False, context={**env.context, **context})


def names(records: Any) -> set[str]:
    return set(records.sudo().mapped("name"))
