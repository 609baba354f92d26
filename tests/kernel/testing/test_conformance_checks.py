"""Each conformance check finds the flaw it is about, in an addon that has it (``conf_flawed``)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
import sqlalchemy as sa

from kernel import Kernel
from kernel.config import PROJECT_ROOT
from kernel.testing.conformance import (
    company_models_without_rules,
    menu_problems,
    models_without_access,
    reload_changes,
    schema_snapshot,
    view_problems,
    wizard_problems,
)

FIXTURES = PROJECT_ROOT / "tests" / "fixtures" / "conformance_addons"
ADDON = "conf_flawed"


@pytest.fixture(scope="module")
def erp_addons() -> list[str]:
    return [ADDON]


@pytest.fixture(scope="module")
def erp_addons_path() -> list[Path]:
    return [PROJECT_ROOT / "addons", FIXTURES]


def test_a_model_without_access_rows_is_named(env):
    assert models_without_access(env, ADDON) == [
        "flawed.note: no access rows (add it to security/ir.model.access.csv)"]


def test_a_company_field_without_company_rule_is_named(env):
    problems = company_models_without_rules(env, ADDON)
    assert [problem.split(":")[0] for problem in problems] == ["flawed.note"]
    assert "has company_id but no company rule" in problems[0]


def test_a_menu_whose_action_cannot_open_is_named(env):
    problems = menu_problems(env, ADDON)
    assert len(problems) == 1
    assert problems[0].startswith("menu 'Broken Items': action 'Broken Items': ")
    assert "no_such_field" in problems[0]


def test_a_view_that_no_longer_renders_is_named(env):
    view = env.ref(f"{ADDON}.view_item_list")
    assert view_problems(env, ADDON) == []
    table = env["ir.ui.view"]._sql
    env.execute(sa.update(table).where(table.c.id == view.id).values(arch='<list><field name="gone"/></list>'))
    env.transaction.invalidate()
    problems = view_problems(env, ADDON)
    assert len(problems) == 1 and problems[0].startswith(f"view 'flawed.item.list' (id {view.id}): ")
    assert "gone" in problems[0]


def test_a_dialog_action_without_form_and_a_wizard_without_rendering_form_are_named(env):
    assert wizard_problems(env, ADDON) == [
        "action 'Flawed Dialog' opens a dialog (target new) but has no form view mode"]
    view = env.ref(f"{ADDON}.view_wizard_form")
    table = env["ir.ui.view"]._sql
    env.execute(sa.update(table).where(table.c.id == view.id).values(arch='<form><field name="gone"/></form>'))
    env.transaction.invalidate()
    problems = wizard_problems(env, ADDON)
    assert problems[0].startswith("wizard flawed.wizard: its form view does not render: ") and "gone" in problems[0]


def test_a_data_record_changed_since_install_is_named_by_the_reload(erp_kernel):
    assert reload_changes(erp_kernel, ADDON) == [
        f"{ADDON}.item_one: changed by the upgrade: name: 'Renamed after install' -> 'One'"]
    assert reload_changes(erp_kernel, ADDON) == []  # reloaded once, the data file and the records agree


def test_what_an_uninstall_leaves_behind_is_named(kernel_factory: Callable[..., Kernel]):
    kernel = kernel_factory([PROJECT_ROOT / "addons", FIXTURES])
    kernel.init()
    before = schema_snapshot(kernel)
    kernel.install([ADDON])
    kernel.uninstall([ADDON])
    assert before.leftovers(schema_snapshot(kernel)) == [
        "table conf_flawed_log left behind",
        f"ir.ui.view 'flawed.item.extra' (id {_view_id(kernel, 'flawed.item.extra')}) left behind",
    ]


def test_an_addon_installed_and_uninstalled_cleanly_leaves_nothing(kernel_factory: Callable[..., Kernel]):
    kernel = kernel_factory()
    kernel.init()
    before = schema_snapshot(kernel)
    kernel.install(["core_purchase"])
    assert before.leftovers(schema_snapshot(kernel))  # the install added tables, columns and external ids
    kernel.uninstall(["core_purchase"])
    assert before.leftovers(schema_snapshot(kernel)) == []


def _view_id(kernel: Kernel, name: str) -> int:
    with kernel.engine.connect() as connection:
        return connection.execute(sa.text("SELECT id FROM ir_ui_view WHERE name = :name"), {"name": name}).scalar_one()
