"""Wizards in the web client (werkzeug's test client, both databases): a form button opens a dialog on the
record, the dialog's button runs and closes it; refusals stay in the dialog; other users' wizards are out of reach."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest

from kernel import Kernel

WIZARD = "basepartner.category.wizard"


@pytest.fixture(scope="module")
def erp_addons() -> list[str]:
    return ["web"]


JSON = {"Accept": "application/json"}


def setup(kernel: Kernel) -> tuple[int, int, int]:
    with kernel.env() as env:
        partner = env["basepartner"].create({"name": "Dialog Partner"})
        category = env["basepartnercategory"].create({"name": "Dialog VIP"})
        return env.ref("base.action_basepartner").id, partner.id, category.id


def test_a_form_button_opens_the_wizard_on_the_record_and_its_button_closes_it(logged_in: Callable[[str], Any],
        erp_kernel: Kernel) -> None:
    action, partner, category = setup(erp_kernel)
    admin = logged_in("admin")
    opened = admin.post(f"/web/action/{action}/{partner}", {"__call": "action_open_category_wizard", "__partial": "1"},
                        headers=JSON)
    assert opened.status_code == 200
    dialog = opened.get_json()["dialog"]
    path, query = urlsplit(dialog).path, parse_qs(urlsplit(dialog).query)
    assert path == f"/web/dialog/{WIZARD}"
    assert json.loads(query["context"][0]) == {"active_model": "basepartner", "active_id": partner,
                                                "active_ids": [partner]}
    assert query["back"] == [f"/web/action/{action}/{partner}"]
    page = admin.client.get(dialog)
    assert page.status_code == 200 and '<dialog class="wizard" open' in page.text
    assert "Dialog Partner" in page.text  # the active partner is the wizard's default
    refused = admin.post(dialog, {"__call": "action_apply"}, headers=JSON)
    assert refused.status_code == 400
    assert refused.get_json()["errors"] == {"category_ids": "Choose at least one category to add"}
    done = admin.post(dialog, {"__call": "action_apply", "partner_ids": str(partner), "category_ids": str(category)},
                      headers=JSON)
    assert done.status_code == 200
    assert done.get_json()["redirect"] == f"/web/action/{action}/{partner}?notice=Done"
    with erp_kernel.env() as env:
        assert env["basepartner"].browse(partner).categories.ids == [category]


def test_the_dialog_without_script_is_a_page_and_posts_redirect(logged_in: Callable[[str], Any],
        erp_kernel: Kernel) -> None:
    action, partner, category = setup(erp_kernel)
    admin = logged_in("admin")
    opened = admin.post(f"/web/action/{action}/{partner}", {"__call": "action_open_category_wizard", "__partial": "1"})
    assert opened.status_code == 303 and opened.headers["Location"].startswith(f"/web/dialog/{WIZARD}?")
    refused = admin.post(opened.headers["Location"], {"__call": "action_apply"})
    assert refused.status_code == 400 and "Choose at least one category to add" in refused.text
    assert '<dialog class="wizard" open' in refused.text


def test_a_dialog_refuses_methods_that_are_not_its_buttons(logged_in: Callable[[str], Any],
        erp_kernel: Kernel) -> None:
    admin = logged_in("admin")
    for method in ("unlink", "_default_partners", ""):
        refused = admin.post(f"/web/dialog/{WIZARD}", {"__call": method})
        assert refused.status_code == 403 and "is not a button of this dialog" in refused.text
    assert admin.client.get("/web/dialog/no.such.model").status_code == 404
    assert admin.client.get(f"/web/dialog/{WIZARD}?context=[1]").status_code == 400


def test_another_users_wizard_record_is_not_found(logged_in: Callable[[str], Any],
        erp_kernel: Kernel) -> None:
    with erp_kernel.env(login="admin") as env:
        mine = env[WIZARD].create({}).id
    clerk = logged_in("clerk")
    assert clerk.client.get(f"/web/dialog/{WIZARD}/{mine}").status_code == 404
    assert clerk.post(f"/web/dialog/{WIZARD}/{mine}", {"__call": "action_apply"}).status_code == 404


def test_a_target_new_action_opened_from_a_link_shows_its_dialog(logged_in: Callable[[str], Any],
        erp_kernel: Kernel) -> None:
    with erp_kernel.env() as env:
        action = env.ref("base.action_partner_category_wizard").id
    admin = logged_in("admin")
    response = admin.client.get(f"/web/action/{action}")
    assert response.status_code == 303 and response.headers["Location"].startswith(f"/web/dialog/{WIZARD}?")
