"""Partners of a company are seen only by users allowed in it (and in the branch, when set); partners
without a company are shared by everyone."""

from __future__ import annotations

from typing import Any

import pytest

from kernel import MissingError


@pytest.fixture
def world(env: Any) -> dict[str, Any]:
    companies = env["res.company"].create([{"name": "PT Jaya"}, {"name": "PT Makmur"}])
    jaya, makmur = companies
    north = env["res.branch"].create({"name": "North", "company_id": jaya.id})
    south = env["res.branch"].create({"name": "South", "company_id": jaya.id})
    group_user = env.ref("base.group_user")
    rep = env["res.users"].create({
        "name": "Rep", "login": "rep_visibility", "group_ids": [(6, 0, [group_user.id])],
        "company_id": jaya.id, "company_ids": [(6, 0, [jaya.id])],
        "branch_id": north.id, "branch_ids": [(6, 0, [north.id])],
    })
    partners = env["basepartner"].create([
        {"name": "Shared Supplier", "company_id": False},
        {"name": "Jaya Customer", "company_id": jaya.id},
        {"name": "Jaya North Customer", "company_id": jaya.id, "branch_id": north.id},
        {"name": "Jaya South Customer", "company_id": jaya.id, "branch_id": south.id},
        {"name": "Makmur Customer", "company_id": makmur.id},
    ])
    return {"rep": rep, "partners": {partner.name: partner for partner in partners}, "jaya": jaya}


def test_a_rep_sees_shared_partners_and_those_of_their_company_and_branch(env, world):
    as_rep = env(uid=world["rep"].id, su=False)
    names = set(as_rep["basepartner"].search([("name", "like", "Customer")]).mapped("name")) | set(
        as_rep["basepartner"].search([("name", "=", "Shared Supplier")]).mapped("name"))
    assert names == {"Shared Supplier", "Jaya Customer", "Jaya North Customer"}
    assert as_rep["basepartner"].search_count([("name", "=", "Makmur Customer")]) == 0


def test_reading_or_changing_a_partner_of_another_company_is_refused(env, world, refused):
    as_rep = env(uid=world["rep"].id, su=False)
    hidden = as_rep["basepartner"].browse(world["partners"]["Makmur Customer"].id)
    error = refused(lambda: hidden.read(["name"]), MissingError)  # as if it did not exist
    assert "Makmur" not in str(error)
    refused(lambda: hidden.write({"city": "Bandung"}), MissingError)
    other_branch = as_rep["basepartner"].browse(world["partners"]["Jaya South Customer"].id)
    refused(lambda: other_branch.unlink(), MissingError)
