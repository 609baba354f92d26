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
from kernel.testing import database_backends, installed_kernel, rollback_env

ROOT = Path(__file__).resolve().parents[3]
ADDONS_PATH = [ROOT / "addons", ROOT / "tests" / "fixtures" / "security_addons"]
USERS = {"admin": "base.user_admin", "manager": "sec_sales.user_manager", "rep": "sec_sales.user_rep"}
ALL_CUSTOMERS = {"Acme", "Globex", "Initech", "Shared Co", "Umbrella", "Wayne"}


@pytest.fixture(scope="module", params=database_backends())
def security_kernel(request, tmp_path_factory):
    """A kernel with the security fixture addons, shared by the tests of one module."""
    with installed_kernel(request.param, tmp_path_factory.mktemp("db"), ADDONS_PATH, ["sec_extra"]) as kernel:
        yield kernel


@pytest.fixture
def env(security_kernel):
    """A superuser environment, rolled back after the test."""
    with rollback_env(security_kernel) as environment:
        yield environment


def as_user(env: Environment, login: str, **context: Any) -> Environment:
    """The same transaction as ``login`` (admin, manager or rep), with extra context."""
    return env(uid=env.ref(USERS[login]).id, su=False, context={**env.context, **context})


def names(records: Any) -> set[str]:
    return set(records.sudo().mapped("name"))
