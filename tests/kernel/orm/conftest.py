"""Shared fixtures of the ORM tests: the ``catalog`` fixture addon installed once per module and backend."""

from __future__ import annotations

from pathlib import Path

import pytest

from kernel.testing import database_backends, installed_kernel, rollback_env

ORM_ADDONS = Path(__file__).resolve().parents[2] / "fixtures" / "orm_addons"


@pytest.fixture(scope="module", params=database_backends())
def catalog_kernel(request, tmp_path_factory):
    """A kernel with the ``catalog`` fixture addon, shared by the tests of one module."""
    with installed_kernel(request.param, tmp_path_factory.mktemp("db"), [ORM_ADDONS], ["catalog"]) as kernel:
        yield kernel


@pytest.fixture
def env(catalog_kernel):
    """A superuser environment on the catalog database, rolled back after the test."""
    with rollback_env(catalog_kernel) as environment:
        yield environment
