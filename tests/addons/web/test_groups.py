"""Kanban columns and list groups: true counts, and every record reachable with "Load more" (issue 12, point 6)."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import expect

from kernel.testing import Server, log_in

COMPANIES = 170  # more than two pages of 80


@pytest.fixture(scope="module")
def seeded(server: Server) -> Server:
    with server.kernel.env() as env:
        env["basepartner"].create([{"name": f"Company {n:03d}", "entity_type": "company"} for n in range(COMPANIES)])
        env["basepartner"].create([{"name": f"Person {n}", "entity_type": "individual"} for n in range(3)])
    return server


@pytest.fixture
def page(page: Any, seeded: Server) -> Any:
    """The conftest's page, logged in as the administrator."""
    log_in(page, seeded.url)
    return page


def test_kanban_columns_count_everything_and_load_the_rest(page: Any, seeded: Server) -> None:
    page.goto(f"{seeded.url}/web/action/1?view=kanban&g=entity_type")
    column = page.locator(".kanban-column[data-value=company]")
    expect(column.locator(".count")).to_have_text(str(COMPANIES))
    expect(column.locator(".card")).to_have_count(80)
    column.get_by_role("button", name="Load more").click()
    expect(column.locator(".card")).to_have_count(160)
    column.get_by_role("button", name="Load more").click()
    expect(column.locator(".card")).to_have_count(COMPANIES)
    expect(column.get_by_role("button", name="Load more")).to_have_count(0)
    expect(column.locator(".card").last).to_contain_text(f"Company {COMPANIES - 1:03d}")
    person = page.locator(".kanban-column[data-value=individual]")
    expect(person.locator(".count")).to_have_text("4")  # the three and the administrator's own partner
    expect(person.get_by_role("button", name="Load more")).to_have_count(0)


def test_ungrouped_kanban_counts_everything_and_loads_the_rest(page: Any, seeded: Server) -> None:
    page.goto(f"{seeded.url}/web/action/1?view=kanban&f=companies")
    column = page.locator(".kanban-column")
    expect(column.locator(".count")).to_have_text(str(COMPANIES))
    column.get_by_role("button", name="Load more").click()
    expect(column.locator(".card")).to_have_count(160)


def test_list_groups_count_everything_and_load_the_rest(page: Any, seeded: Server) -> None:
    page.goto(f"{seeded.url}/web/action/1?view=list&g=entity_type&order=name%20asc")
    company = page.locator("tbody.group", has_text="Company")
    expect(company.locator(".count")).to_have_text(f"({COMPANIES})")
    rows = page.locator("tbody.group-rows").first
    expect(rows.locator("tr.record")).to_have_count(80)
    rows.get_by_role("button", name="Load more").click()
    expect(rows.locator("tr.record")).to_have_count(160)
    rows.get_by_role("button", name="Load more").click()
    expect(rows.locator("tr.record")).to_have_count(COMPANIES)
    expect(rows.locator("tr.record").last).to_contain_text(f"Company {COMPANIES - 1:03d}")
    expect(rows.get_by_role("button", name="Load more")).to_have_count(0)
