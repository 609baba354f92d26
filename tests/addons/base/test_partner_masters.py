"""base: categories (tree, colours), titles, demo data, views, actions, menus and access rows."""

from __future__ import annotations

import pytest
from lxml import etree

from kernel.exceptions import ValidationError


def test_demo_titles_are_the_documents_titles(env):
    titles = {title.name: title.shortcut for title in env["basepartnertitle"].search([])}
    assert titles == {"Mr.": "Mr", "Ms.": "Ms", "Dr.": "Dr", "Bapak": "Pak", "Ibu": "Bu"}
    partner = env["basepartner"].create({"name": "Joko", "title": env.ref("base.partner_title_bapak").id})
    assert partner.title.shortcut == "Pak"


def test_demo_categories_form_the_documents_tree(env):
    vip, gold = env.ref("base.partner_category_vip"), env.ref("base.partner_category_vip_gold")
    assert gold.parent == vip and gold.display_name == "VIP / VIP – Gold"
    assert vip.children == gold
    assert env.ref("base.partner_category_reseller").parent.id is False
    under_vip = env["basepartnercategory"].search([("id", "child_of", vip.id)])
    assert set(under_vip.mapped("name")) == {"VIP", "VIP – Gold"}
    assert gold.parent_path == f"{vip.id}/{gold.id}/"


def test_a_category_cannot_be_its_own_ancestor(env, refused):
    vip, gold = env.ref("base.partner_category_vip"), env.ref("base.partner_category_vip_gold")
    error = refused(lambda: vip.write({"parent": gold.id}), ValidationError)
    assert error.code == "TREE_CYCLE"
    assert vip.parent.id is False


def test_category_colour_defaults_to_a_random_index_between_1_and_11(env):
    colours = env["basepartnercategory"].create([{"name": f"Tag {i}"} for i in range(40)]).mapped("color")
    assert all(1 <= colour <= 11 for colour in colours)
    assert len(set(colours)) > 1, "the default is drawn per category"


@pytest.mark.parametrize("colour", [0, 12, -3])
def test_a_colour_outside_1_to_11_is_refused(env, colour):
    with pytest.raises(ValidationError) as info:
        env["basepartnercategory"].create({"name": "Off", "color": colour})
    assert info.value.code == "PARTY_CATEGORY_COLOR" and str(colour) in str(info.value)


def test_partners_are_seen_from_their_categories(env):
    vip, reseller = env.ref("base.partner_category_vip"), env.ref("base.partner_category_reseller")
    ann, bob = env["basepartner"].create([
        {"name": "Ann", "categories": [(6, 0, [vip.id, reseller.id])]},
        {"name": "Bob", "categories": [(4, reseller.id)]},
    ])
    assert reseller.partners == ann | bob and vip.partners == ann
    vip.write({"partners": [(4, bob.id)]})
    assert vip in bob.categories
    archived = env["basepartnercategory"].create({"name": "Old", "active": False, "partners": [(4, ann.id)]})
    assert archived not in ann.categories, "archived categories are hidden like any archived record"


def test_archived_partners_are_hidden_from_searches(env):
    gone = env["basepartner"].create({"name": "Gone", "active": False})
    assert gone not in env["basepartner"].search([("name", "=", "Gone")])
    assert gone in env["basepartner"].with_context(active_test=False).search([("name", "=", "Gone")])


def view_arch(env, xmlid):
    return etree.fromstring(env.ref(xmlid).arch)


def test_partner_form_has_a_sheet_with_address_and_categories_pages(env):
    form = view_arch(env, "base.view_basepartner_form")
    pages = [page.get("name") for page in form.iterfind("sheet/notebook/page")]
    assert pages == ["contacts", "address", "categories"]
    address = {field.get("name") for field in form.iterfind(".//page[@name='address']/group//field")}
    assert address == {"street", "street2", "zip", "city", "state_id", "country_id"}
    model_fields = env["basepartner"]._fields
    own = [field for field in form.iter("field") if not any(a.tag == "list" for a in field.iterancestors())]
    assert all(field.get("name") in model_fields for field in own)


def test_list_kanban_and_search_views(env):
    assert env.ref("base.view_basepartner_list").type == "list"
    assert env.ref("base.view_basepartner_kanban").type == "kanban"
    search = view_arch(env, "base.view_basepartner_search")
    filters = {node.get("name"): node for node in search.iter("filter")}
    assert {"customer", "vendor", "group_entity_type", "group_country"} <= set(filters)
    assert "base.base_partner_type_customer" in filters["customer"].get("domain")
    assert "group_by" in filters["group_country"].get("context")


def test_contacts_menus_and_actions(env):
    root = env.ref("base.menu_contacts")
    assert root.name == "Contacts" and root.action_id == env.ref("base.action_basepartner")
    assert root.group_ids == env.ref("base.group_user")
    assert env.ref("base.menu_basepartnercategory").complete_name == "Contacts / Configuration / Partner Categories"
    assert env.ref("base.menu_basepartnertitle").complete_name == "Contacts / Configuration / Partner Titles"
    assert env.ref("base.action_basepartner").res_model == "basepartner"


def test_internal_users_get_access_to_the_partner_master(env):
    user_group = env.ref("base.group_user")
    rows = env["ir.model.access"].search([("group_id", "=", user_group.id)])
    by_model = {row.model_id.model: row for row in rows}
    assert {"basepartner", "basepartnercategory", "basepartnertitle", "partner_type", "res.country"} <= set(by_model)
    partner_access = by_model["basepartner"]
    assert all((partner_access.perm_read, partner_access.perm_write, partner_access.perm_create,
                partner_access.perm_unlink))
    assert by_model["sale.order"].perm_create and by_model["purchase.order"].perm_create
