"""Custom fields from Settings / Technical / Fields in the web client (werkzeug's test client, both databases):
the new field shows in the model's form and list; a bad name is refused on the form; deleting it drops it."""

from __future__ import annotations

import html
from collections.abc import Callable
from typing import Any

import pytest
import sqlalchemy as sa

from kernel import Kernel


@pytest.fixture(scope="module")
def erp_addons() -> list[str]:
    return ["web"]


def ref(kernel: Kernel, xmlid: str) -> int:
    with kernel.env() as env:
        return env.ref(xmlid).id


def has_column(kernel: Kernel, name: str) -> bool:
    with kernel.engine.connect() as connection:
        return name in {column["name"] for column in sa.inspect(connection).get_columns("basepartner")}


def test_an_administrator_adds_a_field_that_shows_on_partners_then_removes_it(
        logged_in: Callable[[str], Any], erp_kernel: Kernel) -> None:
    admin = logged_in("admin")
    fields_action, partners = ref(erp_kernel, "base.action_custom_fields"), ref(erp_kernel, "base.action_basepartner")
    assert f'href="/web/action/{fields_action}"' in admin.get("/web").text
    refused = admin.post(f"/web/action/{fields_action}/new", {"model": "basepartner", "name": "shoe_size",
                                                               "ttype": "integer"})
    assert refused.status_code == 422 and "must start with &#39;x_&#39;" in refused.text
    assert not has_column(erp_kernel, "shoe_size")
    created = admin.post(f"/web/action/{fields_action}/new", {"model": "basepartner", "name": "x_shoe_size",
                                                               "ttype": "integer", "field_description": "Shoe Size"})
    assert created.status_code == 303, created.text
    assert has_column(erp_kernel, "x_shoe_size")
    form = html.unescape(admin.get(f"/web/action/{partners}/new").text)
    assert 'name="x_shoe_size"' in form and "Shoe Size" in form and "Custom Fields" in form
    saved = admin.post(f"/web/action/{partners}/new", {"name": "Big Feet", "entity_type": "individual",
                                                       "x_shoe_size": "46"})
    assert saved.status_code == 303
    assert "Shoe Size" in admin.get(f"/web/action/{partners}?view=list").text
    with erp_kernel.env() as env:
        assert env["basepartner"].search([("name", "=", "Big Feet")]).x_shoe_size == 46
        row = env["ir.model.fields"].search([("model", "=", "basepartner"), ("name", "=", "x_shoe_size")]).id
    deleted = admin.post(f"/web/action/{fields_action}/mass", {"ids": str(row), "op": "delete"})
    assert deleted.status_code == 303
    assert not has_column(erp_kernel, "x_shoe_size")
    assert 'name="x_shoe_size"' not in admin.get(f"/web/action/{partners}/new").text


def test_a_clerk_cannot_add_fields(logged_in: Callable[[str], Any], erp_kernel: Kernel) -> None:
    clerk = logged_in("clerk")
    fields_action = ref(erp_kernel, "base.action_custom_fields")
    refused = clerk.post(f"/web/action/{fields_action}/new", {"model": "basepartner", "name": "x_sneaky",
                                                               "ttype": "char"})
    assert refused.status_code == 403
    assert not has_column(erp_kernel, "x_sneaky")
