"""Chromium through Playwright for tests of the web client: the browser, fresh pages, logging in.

Playwright is imported only when a test asks for the browser, so the kit
loads without it.  ``ERP_TEST_CHROMIUM`` names the Chromium to run
(default ``/usr/bin/chromium``).
"""

from __future__ import annotations

import contextlib
import os
import re
from collections.abc import Iterator
from typing import Any

import pytest

BROWSER_TIMEOUT = 15_000  # ms, for every wait of a browser test
CHROMIUM_ENV = "ERP_TEST_CHROMIUM"
CHROMIUM_ARGS = ["--no-sandbox", "--headless", "--disable-gpu", "--disable-background-networking"]


def log_in(page: Any, url: str, login: str = "admin", password: str = "admin") -> None:
    """Log in through the login form of the server at ``url``; returns once the client's home page is shown."""
    page.goto(f"{url}/web/login")
    page.get_by_label("Login").fill(login)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(re.compile(r"/web$"))


@contextlib.contextmanager
def browser_context(browser: Any, **options: Any) -> Iterator[Any]:
    """A new context (no cookies) with the kit's timeout, closed after the block; ``options`` as Playwright's."""
    context = browser.new_context(**options)
    context.set_default_timeout(BROWSER_TIMEOUT)
    try:
        yield context
    finally:
        context.close()


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    """Headless Chromium, shared by the tests of a module."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        instance = playwright.chromium.launch(executable_path=os.environ.get(CHROMIUM_ENV, "/usr/bin/chromium"),
                                              args=CHROMIUM_ARGS)
        yield instance
        instance.close()


@pytest.fixture
def page(browser: Any) -> Iterator[Any]:
    """A page in a fresh context (no cookies, 1280x900); a module needing a logged-in page wraps it with ``log_in``."""
    with browser_context(browser, viewport={"width": 1280, "height": 900}, accept_downloads=True) as context:
        yield context.new_page()
