"""Menu trees filtered by the user's groups, and window actions as clients read them."""

from __future__ import annotations

from pathlib import Path

import pytest

from kernel.exceptions import ValidationError
from kernel.testing import rollback_env

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "view_addons"


@pytest.fixture(scope="module")
def erp_addons():
    """The test kit's ``erp_kernel`` holds the shelf fixture addon, once per module and backend."""
    return ["shelf"]


@pytest.fixture(scope="module")
def erp_addons_path():
    return [FIXTURES]


def user_env(env, login, *groups, lang="en_US"):
    user = env["res.users"].create({"name": login, "login": login, "lang": lang,
                                    "group_ids": [(6, 0, [env.ref(xmlid).id for xmlid in groups])]})
    return env(uid=user.id, su=False)


def outline(entries):
    """The tree as nested (name, children) pairs, in order."""
    return [(entry["name"], outline(entry["children"])) for entry in entries]


EVERYTHING = [
    ("Shelf", [("Items", []), ("Configuration", [("Item Settings", [])])]),
    ("Reports", [("Item Report", [])]),
]


@pytest.mark.parametrize(
    ("groups", "expected"),
    [
        ((), [("Shelf", [("Items", [])])]),
        (("base.group_user",), [("Shelf", [("Items", [])])]),
        (("base.group_manager",), EVERYTHING),
    ],
    ids=["no groups", "user", "manager (implies user)"],
)
def test_menu_tree_follows_the_users_groups(erp_kernel, groups, expected):
    """A restricted menu hides its children; a menu with neither action nor visible child is hidden."""
    with rollback_env(erp_kernel) as env:
        assert outline(user_env(env, "someone", *groups)["ir.ui.menu"].load_menus()) == expected


def test_superuser_sees_every_menu_with_an_action_or_child(erp_kernel):
    with rollback_env(erp_kernel) as env:
        assert outline(env["ir.ui.menu"].load_menus()) == EVERYTHING


def test_entries_carry_ids_xmlids_sequences_and_action_summaries(erp_kernel):
    with rollback_env(erp_kernel) as env:
        manager = user_env(env, "boss", "base.group_manager")
        root = manager["ir.ui.menu"].load_menus()[0]
        assert (root["id"], root["xmlid"], root["sequence"], root["action"]) == (
            env.ref("shelf.menu_root").id, "shelf.menu_root", 10, False)
        items = root["children"][0]
        assert items["xmlid"] == "shelf.menu_items" and items["sequence"] == 5
        assert items["action"] == {
            "id": env.ref("shelf.action_items").id, "res_model": "shelf.item", "view_mode": "list,form",
            "domain": [("create_uid", "=", manager.uid)], "context": {"default_quantity": 1},
        }, "the domain is evaluated for the reading user"


def test_archived_menus_hide_their_subtree(erp_kernel):
    with rollback_env(erp_kernel) as env:
        env.ref("shelf.menu_config").active = False
        assert outline(env["ir.ui.menu"].load_menus())[0] == ("Shelf", [("Items", [])])


def test_menu_names_are_translated(erp_kernel):
    with rollback_env(erp_kernel) as env:
        assert user_env(env, "budi", "base.group_user", lang="id")["ir.ui.menu"].load_menus()[0]["name"] == "Rak"


def test_read_action_gives_the_client_dictionary(erp_kernel):
    with rollback_env(erp_kernel) as env:
        action = env.ref("shelf.action_items_config").read_action()
        form, search = env.ref("shelf.view_item_form"), env.ref("shelf.view_item_search")
        assert action == {
            "id": env.ref("shelf.action_items_config").id, "type": "ir.actions.act_window", "name": "Item Settings",
            "res_model": "shelf.item", "view_mode": "form,list", "views": [[form.id, "form"], [False, "list"]],
            "view_id": form.id, "search_view_id": search.id, "domain": [], "context": {}, "target": "new",
            "limit": 20, "help": "",
        }
        plain = env.ref("shelf.action_items").read_action()
        assert plain["views"] == [[False, "list"], [False, "form"]] and plain["target"] == "current"
        assert plain["limit"] == 80


def test_action_expressions_use_refs_companies_and_today(erp_kernel):
    with rollback_env(erp_kernel) as env:
        action = env["ir.actions.window"].create({
            "name": "Mine", "res_model": "shelf.item",
            "domain": "[('write_date', '>=', context_today().isoformat()), ('create_uid', 'in', [uid])]",
            "context": "{'form_view_ref': ref('shelf.view_item_form'), 'company': company_id}",
        })
        read = action.read_action()
        assert read["domain"][1] == ("create_uid", "in", [env.uid])
        assert read["context"] == {"form_view_ref": env.ref("shelf.view_item_form").id, "company": False}


@pytest.mark.parametrize(
    ("values", "message"),
    [
        ({"res_model": "no.such"}, "unknown model 'no.such'"),
        ({"view_mode": " , "}, "view_mode names no view type"),
        ({"domain": "__import__('os').system('true')"}, "domain: name '__import__' is not available"),
        ({"context": "{'a': ().__class__}"}, "context: attribute '__class__' is not allowed"),
        ({"domain": "[('a', '=', open('x'))]"}, "name 'open' is not available"),
    ],
)
def test_bad_actions_are_refused_with_the_reason(erp_kernel, values, message):
    with rollback_env(erp_kernel) as env:
        with pytest.raises(ValidationError, match=message):
            env["ir.actions.window"].create({"name": "Bad", "res_model": "shelf.item", **values})


def test_an_action_whose_domain_is_not_a_list_fails_when_read(erp_kernel):
    with rollback_env(erp_kernel) as env:
        action = env["ir.actions.window"].create({"name": "Odd", "res_model": "shelf.item", "domain": "{'a': 1}"})
        with pytest.raises(ValidationError, match="action 'Odd', domain: must be a list, not dict"):
            action.read_action()
