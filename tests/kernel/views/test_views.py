"""Combined views across three addons, generated defaults, translation, and view checks on install."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from lxml import etree

from kernel import DataLoadError
from kernel.exceptions import MissingError, ValidationError, ViewError
from kernel.testing import rollback_env
from kernel.views import check_arch, combined_arch, parse_arch
from kernel.views.validation import check_groups

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "view_addons"


@pytest.fixture(scope="module")
def erp_addons():
    """shelf (the base form), shelf_stock (extensions), shelf_label (early extension, derived view)."""
    return ["shelf_label"]


@pytest.fixture(scope="module")
def erp_addons_path():
    return [FIXTURES]


def make_user(env, login, *groups, lang="en_US"):
    group_ids = [env.ref(xmlid).id for xmlid in groups]
    user = env["res.users"].create({"name": login, "login": login, "lang": lang, "group_ids": [(6, 0, group_ids)]})
    return env(uid=user.id, su=False)


def form_of(env, view_id=None):
    result = env["ir.ui.view"].get_view("shelf.item", "form", view_id)
    return result, etree.fromstring(result["arch"])


def group_fields(arch):
    return [node.get("name") for node in arch.find("sheet/group").iter("field")]


def test_extensions_apply_by_priority_then_id_depth_first_across_addons(erp_kernel):
    with rollback_env(erp_kernel) as env:
        result, arch = form_of(env)
        assert result["id"] == env.ref("shelf.view_item_form").id and result["type"] == "form"
        # shelf_label's priority 10 comes before shelf_stock's 20 although installed after it;
        # shelf_stock's extension of its own extension follows its parent at once
        assert group_fields(arch) == ["name", "code", "location", "min_qty", "quantity"]
        assert arch.find("sheet/group/field[@name='name']").get("string") == "Label"
        assert arch.find("sheet/group[@string='Manager']/field").get("name") == "note", "superuser gets every group"
        assert arch.find("sheet/field[@name='line_ids']") is not None, "the derived view's replace stays in it"
        assert arch.find(".//field[@name='description']") is None, "the derived view's extension stays in it"


def test_inactive_extensions_do_not_apply(erp_kernel):
    with rollback_env(erp_kernel) as env:
        archived = env["ir.ui.view"].with_context(active_test=False).search([("name", "=", "shelf.item.form.archived")])
        assert not archived.active
        archived.active = True
        assert "name" not in group_fields(form_of(env)[1]), "once active, its replace removes the name"


def test_groups_restricted_extension_applies_to_members_and_implied_members(erp_kernel):
    with rollback_env(erp_kernel) as env:
        director = env["res.groups"].create({"name": "Director", "implied_ids": [(4, env.ref("base.group_manager").id)]})
        env["ir.model.data"].record_xmlid("base", "group_director", director, noupdate=False)
        for groups, sees_manager_part in [((), False), (("base.group_user",), False),
                                         (("base.group_manager",), True), (("base.group_director",), True)]:
            user_env = make_user(env, "u" + "_".join(groups), *groups)
            arch = form_of(user_env)[1]
            assert (arch.find("sheet/group[@string='Manager']") is not None) is sees_manager_part, groups
            assert group_fields(arch) == ["name", "code", "location", "min_qty", "quantity"]


def test_nodes_restricted_with_groups_show_only_to_their_users(erp_kernel):
    with rollback_env(erp_kernel) as env:
        def hints(user_env):
            arch = form_of(user_env)[1]
            assert all(node.get("groups") is None for node in arch.iter()), "the attribute is not sent"
            return [div.get("name") for div in arch.iter("div")]

        assert hints(make_user(env, "plain", "base.group_user")) == ["ask_manager"]
        assert hints(make_user(env, "boss", "base.group_manager")) == ["manager_hint"]
        assert hints(env) == ["manager_hint", "ask_manager"], "the superuser sees every node"


def test_derived_primary_view_starts_from_its_parents_combined_arch(erp_kernel):
    with rollback_env(erp_kernel) as env:
        derived = env.ref("shelf_label.view_item_form_simple")
        result, arch = form_of(env, derived.id)
        assert result["id"] == derived.id
        assert group_fields(arch) == ["name", "code", "location", "min_qty", "quantity"]
        assert arch.find(".//field[@name='line_ids']") is None
        assert arch.find("sheet/field[@name='description']") is not None, "its own extension applies after it"
        assert "shelf.line" not in result["models"]
        extension = env.ref("shelf_label.view_item_form_simple_description")
        assert form_of(env, extension.id)[0]["id"] == derived.id, "an extension's id opens the view it extends"


def test_default_view_is_the_lowest_priority_then_lowest_id_visible_primary(erp_kernel):
    with rollback_env(erp_kernel) as env:
        views = env["ir.ui.view"]
        base_form = env.ref("shelf.view_item_form")
        arch = "<form><field name='code'/></form>"
        same = views.create({"name": "same priority", "model": "shelf.item", "arch": arch, "type": "form", "mode": "primary"})
        assert views.get_view("shelf.item", "form")["id"] == base_form.id < same.id
        managers_only = views.create({"name": "managers", "model": "shelf.item", "arch": arch, "type": "form",
                                      "mode": "primary", "priority": 1,
                                      "group_ids": [(4, env.ref("base.group_manager").id)]})
        assert views.get_view("shelf.item", "form")["id"] == managers_only.id
        assert make_user(env, "plain", "base.group_user")["ir.ui.view"].get_view("shelf.item", "form")["id"] == base_form.id
        same.write({"priority": 0})
        assert views.get_view("shelf.item", "form")["id"] == same.id


def test_fields_describe_what_the_arch_names_per_model(erp_kernel):
    with rollback_env(erp_kernel) as env:
        result = form_of(env)[0]
        assert set(result["fields"]) == {"name", "code", "location", "min_qty", "quantity", "line_ids", "note"}
        assert result["fields"]["line_ids"]["relation"] == "shelf.line"
        assert result["fields"]["quantity"]["type"] == "integer"
        assert set(result["models"]["shelf.line"]) == {"name", "qty"}, "subview fields belong to the comodel"
        assert result["models"]["shelf.item"] == result["fields"]


def test_models_without_views_get_generated_ones(erp_kernel):
    with rollback_env(erp_kernel) as env:
        views = env["ir.ui.view"]
        form = views.get_view("shelf.line", "form")
        assert form["id"] is False
        assert [n.get("name") for n in etree.fromstring(form["arch"]).iter("field")] == ["name", "qty", "item_id"]
        both = views.get_views("shelf.line", [(False, "list"), (False, "search"), (False, "kanban")])
        assert both["views"]["list"]["arch"] == '<list><field name="name"/></list>'
        assert both["views"]["search"]["arch"] == '<search><field name="name"/></search>'
        assert etree.fromstring(both["views"]["kanban"]["arch"]).find(".//field").get("name") == "name"
        assert set(both["models"]["shelf.line"]) == {"name"}
        listed = views.get_views("shelf.item", [(False, "tree"), (env.ref("shelf.view_item_form").id, "form")])
        assert set(listed["views"]) == {"list", "form"} and listed["views"]["list"]["id"] == env.ref("shelf.view_item_list").id
        assert {"quantity", "line_ids"} <= set(listed["models"]["shelf.item"])


def test_bad_requests_get_clear_errors(erp_kernel):
    with rollback_env(erp_kernel) as env:
        views = env["ir.ui.view"]
        with pytest.raises(ViewError, match="has no calendar view and none can be generated"):
            views.get_view("shelf.line", "calendar")
        with pytest.raises(ValidationError, match="unknown model 'no.such'"):
            views.get_view("no.such")
        with pytest.raises(ValidationError, match="shows model 'shelf.item', not 'shelf.line'"):
            views.get_view("shelf.line", "form", env.ref("shelf.view_item_form").id)
        with pytest.raises(MissingError, match="view 99999 does not exist"):
            views.get_view("shelf.item", "form", 99999)


def test_a_broken_extension_written_outside_the_loader_names_itself(erp_kernel):
    with rollback_env(erp_kernel) as env:
        env["ir.ui.view"].create({"name": "broken later", "inherit_id": env.ref("shelf.view_item_form").id,
                                  "model": "shelf.item", "mode": "extension",
                                  "arch": "<xpath expr=\"//notebook\" position=\"inside\"><field name='code'/></xpath>"})
        with pytest.raises(ViewError, match=r"view 'broken later' \(id \d+\): element cannot be located"):
            form_of(env)


def test_arch_is_translated_for_the_users_language(erp_kernel):
    with rollback_env(erp_kernel) as env:
        arch = form_of(make_user(env, "budi", "base.group_user", lang="id"))[1]
        assert arch.get("string") == "Barang"
        assert arch.find("header/button").get("string") == "Isi Ulang"
        assert form_of(env)[1].get("string") == "Item", "the superuser reads the source language"
        translated = env(context={"lang": "id"})["ir.ui.view"].get_view("shelf.item", "form")
        assert 'string="Isi Ulang"' in translated["arch"]


def test_combined_arch_is_public_and_takes_a_view_record(erp_kernel):
    with rollback_env(erp_kernel) as env:
        arch = combined_arch(env, env.ref("shelf_stock.view_item_form_stock_min"))
        assert arch.tag == "form" and arch.find(".//field[@name='min_qty']") is not None


# -- checks ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("arch", "message"),
    [
        ("<form><field name='nope'/></form>", "field 'nope' does not exist on model 'shelf.item'"),
        ("<form><field name='line_ids'><list><field name='code'/></list></field></form>",
         "field 'code' does not exist on model 'shelf.line'"),
        ("<form><button type='object' name='_restock_quietly'/></form>", "no public method of model 'shelf.item'"),
        ("<form><button type='object' name='code'/></form>", "button calls 'code'"),
        ("<form><field string='x'/></form>", "a <field> without a name"),
        ("<form><field name='code' attrs=\"{'invisible': [('name', '=', False)]}\"/></form>",
         r"attrs= is Odoo 16's form.*invisible=\"not name\""),
        ("<form><button type='object' name='restock' states='draft,sent'/></form>",
         r"states= is Odoo 16's form.*invisible=\"state not in \('draft', 'sent'\)\""),
    ],
)
def test_check_arch_refuses_unknown_fields_and_private_buttons(erp_kernel, arch, message):
    with pytest.raises(ViewError, match=message):
        check_arch(erp_kernel.registry, "shelf.item", parse_arch(arch))


@pytest.mark.parametrize("groups", ["base.no_such_group", "no_dot", "shelf.view_item_form", "base.group_user,!base.nope"])
def test_check_groups_refuses_what_is_no_group(erp_kernel, groups):
    with rollback_env(erp_kernel) as env, pytest.raises(ViewError, match="which is no group"):
        check_groups(env, parse_arch(f"<form><div groups='{groups}'/></form>"))


def test_check_arch_accepts_comodel_fields_and_public_buttons(erp_kernel):
    check_arch(erp_kernel.registry, "shelf.item", parse_arch(
        "<form><button type='object' name='action_restock'/><button type='action' name='%(x)d'/>"
        "<field name='line_ids'><form><field name='qty'/><field name='item_id'/></form></field></form>"))


@pytest.mark.parametrize(
    ("addon", "file", "line", "xmlid", "message"),
    [
        ("shelf_badfield", "views/bad.xml", 7, "shelf_badfield.view_item_form_bad",
         "field 'no_such_field' does not exist on model 'shelf.item'"),
        ("shelf_badspec", "views/bad.xml", 3, "shelf_badspec.view_item_form_nowhere",
         "element cannot be located in the parent view"),
        ("shelf_odoo16", "views/odoo16.xml", 3, "shelf_odoo16.view_item_form_odoo16",
         r"attrs= is Odoo 16's form.*write invisible=\"not name\" instead"),
    ],
)
def test_a_bad_view_fails_its_install_naming_addon_file_line_and_record(kernel_factory, addon, file, line, xmlid, message):
    kernel = kernel_factory([FIXTURES])
    kernel.init()
    kernel.install(["shelf"])
    with pytest.raises(DataLoadError, match=message) as info:
        kernel.install([addon])
    error = info.value
    assert (error.addon, error.file, error.line, error.xmlid) == (addon, file, line, xmlid)
    assert f"{file}:{line}" in str(error) and xmlid in str(error)
    assert {a.name: a.state for a in kernel.addons()}[addon] == "uninstalled"
    with rollback_env(kernel) as env:
        assert not env["ir.model.data"].search([("module", "=", addon)]), "the addon's records rolled back"
        assert not env["ir.actions.window"].search([("name", "=", "Bad Items")])
        assert env["ir.ui.view"].get_view("shelf.item")["id"] == env.ref("shelf.view_item_form").id


def test_an_upgrade_that_breaks_a_view_is_refused_and_changes_nothing(kernel_factory, tmp_path):
    addons = tmp_path / "addons"
    shutil.copytree(FIXTURES, addons)
    kernel = kernel_factory([addons])
    kernel.init()
    kernel.install(["shelf_stock"])
    views_file = addons / "shelf_stock" / "views" / "item_views.xml"
    text = views_file.read_text()
    views_file.write_text(text.replace('<field name="min_qty"/>', '<field name="max_qty"/>'))
    with pytest.raises(DataLoadError, match="field 'max_qty' does not exist") as info:
        kernel.upgrade(["shelf_stock"])
    record_line = text.splitlines().index('    <record id="view_item_form_stock_min" model="ir.ui.view">') + 1
    assert (info.value.addon, info.value.line, info.value.xmlid) == (
        "shelf_stock", record_line, "shelf_stock.view_item_form_stock_min")
    with rollback_env(kernel) as env:
        assert "min_qty" in env.ref("shelf_stock.view_item_form_stock_min").arch
