"""Partners in the many2one autocompletion: a contact person shows after its company, and each entry says
whether it is a company or a person (the dropdown draws the icon)."""

from __future__ import annotations

from kernel import Kernel
from kernel.testing import WebClient


def test_pickers_show_the_company_of_a_contact_and_the_kind_of_partner(admin: WebClient, web_kernel: Kernel) -> None:
    with web_kernel.env() as env:
        acme = env["basepartner"].create({"name": "Acme Picker", "entity_type": "company"})
        env["basepartner"].create({"name": "Budi Picker", "parent_id": acme.id})
    found = admin.json("/web/json/name_search", {"model": "basepartner", "term": "Picker"})["result"]
    assert [(record["name"], record["icon"]) for record in found] == [
        ("Acme Picker", "company"), ("Acme Picker, Budi Picker", "person")]
    categories = admin.json("/web/json/name_search", {"model": "basepartnercategory", "term": ""})["result"]
    assert all("icon" not in record for record in categories), "only models that tell their kind get icons"
