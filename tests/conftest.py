"""The project's tests use the test kit's fixtures (``kernel.testing``), registered by the ``pytest11`` entry point."""

from __future__ import annotations

import pytest

REINSTALL = "bash -c 'source scripts/_setup.sh; setup_venv dev'"


def pytest_configure(config: pytest.Config) -> None:
    if not config.pluginmanager.has_plugin("erp"):
        raise pytest.UsageError(f"the test kit's pytest plugin (entry point `erp`) is not installed in this "
                                f"environment: reinstall the project ({REINSTALL})")
