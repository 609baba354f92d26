"""The Settings screen in the web client (werkzeug's test client, both databases): one screen with a section
per installed addon, opened from the Settings menu, whose Save writes the parameters; administrators only."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import pytest

from kernel import Kernel


@pytest.fixture(scope="module")
def erp_addons() -> list[str]:
    return ["web", "master_sale"]


def settings_action(kernel: Kernel) -> int:
    with kernel.env() as env:
        return env.ref("base.action_res_config_settings").id


def param(kernel: Kernel, key: str) -> Any:
    with kernel.env() as env:
        return env["ir.config_parameter"].get_param(key)


def test_the_settings_menu_opens_one_screen_with_a_section_per_addon_and_save_writes(
        logged_in: Callable[[str], Any], erp_kernel: Kernel) -> None:
    admin = logged_in("admin")
    action = settings_action(erp_kernel)
    assert f'href="/web/action/{action}"' in admin.client.get("/web").text  # in the admin's menus
    opened = admin.client.get(f"/web/action/{action}")
    assert opened.status_code == 303
    screen = admin.client.get(opened.headers["Location"])
    sections = re.findall(r'data-name="(\w+)"><h3>([^<]+)</h3>', screen.text)
    assert sections == [("base", "Contacts"), ("company", "Company"), ("master_sale", "Sales")]
    assert re.search(r'name="sale_credit_check"[^>]* checked', screen.text)  # on by default
    saved = admin.post(opened.headers["Location"], {"__call": "execute", "partner_unique_names": "1"})
    assert saved.status_code == 303 and saved.headers["Location"] == f"/web/action/{action}?notice=Done"
    assert param(erp_kernel, "base.partner_unique_names") == "True"
    assert param(erp_kernel, "master_sale.credit_check") == "False"  # unticked: posted without the box
    again = admin.client.get(saved.headers["Location"])
    assert again.status_code == 303 and "notice=Done" in again.headers["Location"]
    assert re.search(r'name="partner_unique_names"[^>]* checked', admin.client.get(again.headers["Location"]).text)


def test_a_clerk_neither_sees_nor_opens_the_settings(logged_in: Callable[[str], Any], erp_kernel: Kernel) -> None:
    clerk = logged_in("clerk")
    action = settings_action(erp_kernel)
    assert f'href="/web/action/{action}"' not in clerk.client.get("/web").text
    before = param(erp_kernel, "base.partner_unique_names")
    refused = clerk.post("/web/dialog/res.config.settings?back=/web",
                         {"__call": "execute", "partner_unique_names": "1" if before != "True" else ""})
    assert refused.status_code == 403 and "not allowed" in refused.text
    assert param(erp_kernel, "base.partner_unique_names") == before
