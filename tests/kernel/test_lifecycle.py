"""The kernel's addon lifecycle through its Python API, on SQLite and PostgreSQL."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import sqlalchemy as sa

from kernel import DependencyError, Kernel
from kernel.db import ir_module
from kernel.exceptions import AddonStepError, HookError
from kernel.loading import set_state

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "addons"


def write_addon(root: Path, name: str, manifest: str, init: str = "") -> None:
    (root / name).mkdir(parents=True, exist_ok=True)
    (root / name / "__manifest__.py").write_text(manifest)
    (root / name / "__init__.py").write_text(init)


@pytest.fixture
def fixture_kernel(kernel_factory) -> Kernel:
    kernel = kernel_factory([FIXTURES])
    kernel.init()
    return kernel


def test_plans_need_no_initialised_database(kernel_factory):
    kernel = kernel_factory([FIXTURES])
    assert kernel.plan_install(["gamma"]) == ["base", "alpha", "beta", "auto_ab", "gamma", "auto_list"]
    assert not kernel.is_initialised()


def test_addons_reports_state_version_and_category(fixture_kernel):
    fixture_kernel.install(["alpha"])
    by_name = {info.name: info for info in fixture_kernel.addons()}
    assert (by_name["alpha"].state, by_name["alpha"].version, by_name["alpha"].category) == ("installed", "1.2", "Fixtures")
    assert by_name["beta"].state == "uninstalled" and by_name["beta"].version is None
    assert by_name["hidden_x"].hidden
    assert fixture_kernel.installed() == ["base", "alpha"]


def test_install_returns_the_plan_and_is_idempotent(fixture_kernel):
    assert fixture_kernel.install(["alpha"]) == ["alpha"]
    assert fixture_kernel.install(["alpha"]) == []


def test_install_reports_its_progress_step_by_step(fixture_kernel):
    heard: list[tuple[float, str]] = []
    fixture_kernel.progress_listener = lambda percent, message: heard.append((percent, message))
    plan = fixture_kernel.install(["beta"])
    percents = [percent for percent, _ in heard]
    assert percents == sorted(percents) and percents[0] == 0 and 100 * (len(plan) - 1) / len(plan) < percents[-1] < 100
    assert "installing alpha: schema" in [message for _, message in heard]
    assert heard[-1][1] == f"installing {plan[-1]}: post_install"


def test_failure_keeps_earlier_addons_and_consistent_states(fixture_kernel):
    with pytest.raises(AddonStepError) as info:
        fixture_kernel.install(["broken"])
    assert (info.value.addon, info.value.step) == ("broken", "post_install")
    assert isinstance(info.value.__cause__, RuntimeError)
    states = {addon.name: addon.state for addon in fixture_kernel.addons()}
    assert states["alpha"] == "installed" and states["broken"] == "uninstalled"
    assert "to install" not in states.values()
    assert fixture_kernel.plugins.has_plugin("alpha") and not fixture_kernel.plugins.has_plugin("broken")


def test_interrupted_run_states_are_reset(fixture_kernel):
    with fixture_kernel.engine.begin() as connection:
        set_state(connection, "beta", "to install")
    assert {a.name: a.state for a in fixture_kernel.addons()}["beta"] == "to install"
    fixture_kernel.install(["alpha"])
    with fixture_kernel.engine.connect() as connection:
        state = connection.execute(sa.select(ir_module.c.state).where(ir_module.c.name == "beta")).scalar()
    assert state == "uninstalled"


def test_upgrade_records_the_new_version(kernel_factory, tmp_path):
    shutil.copytree(FIXTURES / "base", tmp_path / "base")
    write_addon(tmp_path, "shop", "{'name': 'Shop', 'version': '1.0', 'depends': ['base']}")
    kernel = kernel_factory([tmp_path])
    kernel.init()
    kernel.install(["shop"])
    write_addon(tmp_path, "shop", "{'name': 'Shop', 'version': '1.1', 'depends': ['base']}")
    kernel.reload()
    assert {a.name: a.available_version for a in kernel.addons()}["shop"] == "1.1"
    assert kernel.upgrade(["shop"]) == ["shop"]
    assert {a.name: a.version for a in kernel.addons()}["shop"] == "1.1"


def test_installed_addon_missing_from_path_is_reported(kernel_factory, tmp_path):
    shutil.copytree(FIXTURES / "base", tmp_path / "base")
    write_addon(tmp_path, "gone", "{'name': 'Gone', 'depends': ['base']}")
    kernel = kernel_factory([tmp_path])
    kernel.init()
    kernel.install(["gone"])
    shutil.rmtree(tmp_path / "gone")
    kernel.reload()
    with pytest.raises(DependencyError, match="gone.*not found on the addons path"):
        kernel.plan_install(["base"])
    assert {a.name: a.state for a in kernel.addons()}["gone"] == "installed"


def test_unknown_hook_stops_the_kernel_naming_the_addon(kernel_factory, tmp_path):
    shutil.copytree(FIXTURES / "base", tmp_path / "base")
    write_addon(tmp_path, "typo", "{'name': 'Typo', 'depends': ['base']}", "def kernel_modles():\n    return []\n")
    kernel = kernel_factory([tmp_path])
    kernel.init()
    with pytest.raises(HookError, match="typo"):
        kernel.install(["typo"])
    assert {a.name: a.state for a in kernel.addons()}["typo"] == "uninstalled"


def test_hooks_run_latest_installed_first(kernel_factory, tmp_path):
    shutil.copytree(FIXTURES / "base", tmp_path / "base")
    listener = "def kernel_event(env, name, payload):\n    payload.setdefault('seen', []).append({who!r})\n"
    write_addon(tmp_path, "first", "{'name': 'First', 'depends': ['base']}", listener.format(who="first"))
    write_addon(tmp_path, "second", "{'name': 'Second', 'depends': ['first']}", listener.format(who="second"))
    kernel = kernel_factory([tmp_path])
    kernel.init()
    kernel.install(["second"])
    payload: dict = {}
    with kernel.env() as env:
        env.publish("customer.created", payload)
    assert payload["seen"] == ["second", "first"]


def test_demo_is_decided_at_creation(kernel_factory):
    kernel = kernel_factory([FIXTURES])
    kernel.init(demo=True)
    kernel.init(demo=False)
    assert kernel.demo is True


def test_env_commits_on_success_and_rolls_back_on_error(fixture_kernel):
    with fixture_kernel.env() as env:
        env.connection.execute(sa.text("CREATE TABLE note (id INTEGER PRIMARY KEY)"))
    with pytest.raises(ZeroDivisionError):
        with fixture_kernel.env() as env:
            env.connection.execute(sa.text("INSERT INTO note (id) VALUES (1)"))
            1 / 0
    with fixture_kernel.env() as env:
        assert env.connection.execute(sa.text("SELECT count(*) FROM note")).scalar() == 0
