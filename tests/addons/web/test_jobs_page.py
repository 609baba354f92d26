"""The Jobs page in Chromium: a user's own jobs, with progress bars, refreshed until they finish."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest

from kernel.config import PROJECT_ROOT
from kernel.testing import installed_kernel, log_in, running_server
from kernel.testing.workers import enqueue, jobs_config, kernel_for, running, start_worker, wait_finished

ADDONS = PROJECT_ROOT / "addons"
FIXTURES = PROJECT_ROOT / "tests" / "fixtures" / "job_addons"


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Any, Any]]:
    """``erp serve`` and ``erp worker`` on a database with ``web`` and the jobs of ``job_demo``."""
    folder = tmp_path_factory.mktemp("jobs-page")
    with installed_kernel("sqlite", folder, [ADDONS, FIXTURES], ["web", "job_demo"]) as kernel:
        with kernel.env() as env:
            env["res.users"].search([("login", "=", "admin")]).password = "admin"
            env["res.users"].create({"name": "Clerk", "login": "clerk", "password": "clerk",
                                     "group_ids": [(6, 0, [env.ref("base.group_user").id])]})
        config = jobs_config(folder / "jobs.toml", kernel, {"polling_interval": 0.05, "heartbeat": 0.5})
        jobs_kernel = kernel_for(config)
        with running_server(kernel, folder) as server, running(start_worker(config)):
            yield server, jobs_kernel
        jobs_kernel.close()


def test_the_jobs_page_shows_my_jobs_and_follows_them_to_the_end(served, page, shoot):
    server, kernel = served
    theirs = enqueue(kernel, "job_demo.note", "clerk's", login="clerk")
    wait_finished(kernel, theirs)
    log_in(page, server.url)
    page.get_by_role("link", name="Jobs").first.click()
    page.wait_for_selector('table.list[data-model="ir.job"]')
    assert page.locator("tbody tr.record").count() == 0  # the clerk's job is not the admin's

    mine = enqueue(kernel, "job_demo.slow", "page", 4, 0.5, login="admin")
    page.reload()
    row = page.locator("tbody tr.record").first
    assert re.search(r"Queued|Started", row.inner_text())
    page.wait_for_function("() => document.querySelector('tbody tr.record')?.innerText.includes('Done')",
                           timeout=20_000)  # no reload: the page refreshed itself
    bar = page.locator("tbody tr.record progress").first
    assert bar.get_attribute("value") == "100"
    assert "4 of 4" in page.locator("tbody tr.record").first.inner_text()
    shoot(page, "jobs")
    assert wait_finished(kernel, mine).state == "done"
