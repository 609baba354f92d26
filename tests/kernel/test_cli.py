"""End-to-end tests of the ``erp`` command, run as a subprocess against SQLite and PostgreSQL."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
import sqlalchemy as sa

from kernel.db import create_engine

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "addons"
PRODUCT_ADDONS = Path(__file__).resolve().parents[2] / "addons"
ERP = Path(sys.executable).with_name("erp")


def erp(*args: str, input: str | None = None, stdin: int | None = None) -> subprocess.CompletedProcess[str]:
    env = {key: value for key, value in os.environ.items() if not key.startswith("ERP_")}
    return subprocess.run(
        [str(ERP), *args], capture_output=True, text=True, env=env, timeout=120, input=input, stdin=stdin
    )


def fixture_erp(db_url: str, *args: str) -> subprocess.CompletedProcess[str]:
    return erp("--db", db_url, "--addons-path", str(FIXTURES), *args)


def states(db_url: str) -> dict[str, str]:
    engine = create_engine(db_url)
    try:
        with engine.connect() as connection:
            return dict(connection.execute(sa.text("SELECT name, state FROM ir_module")).all())
    finally:
        engine.dispose()


def table_exists(db_url: str, table: str) -> bool:
    engine = create_engine(db_url)
    try:
        with engine.connect() as connection:
            return sa.inspect(connection).has_table(table)
    finally:
        engine.dispose()


def installed(db_url: str) -> set[str]:
    return {name for name, state in states(db_url).items() if state == "installed"}


def test_dry_run_prints_the_documents_plan_for_partners(db_url):
    result = erp("--db", db_url, "install", "--dry-run", "partners")
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["base", "web", "onboarding", "webx", "partners"]


def test_init_is_idempotent_and_install_pulls_in_dependencies(db_url):
    first = fixture_erp(db_url, "init")
    assert first.returncode == 0, first.stderr
    assert "installed: base" in first.stdout
    again = fixture_erp(db_url, "init")
    assert again.returncode == 0 and "nothing to install" in again.stdout
    result = fixture_erp(db_url, "install", "gamma", "--noinput")
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "installed: alpha, beta, auto_ab, gamma, auto_list"
    assert "installing gamma (4/5)" in result.stderr
    assert installed(db_url) == {"base", "alpha", "beta", "auto_ab", "gamma", "auto_list"}
    assert table_exists(db_url, "alpha_marker")


def test_documents_update_install_form_with_alias(db_url, tmp_path):
    config = tmp_path / "erp.toml"
    config.write_text(f'[databases]\ndefault = "{db_url}"\n[addons]\npath = ["{FIXTURES}"]\n')
    assert erp("--config", str(config), "init").returncode == 0
    result = erp("--config", str(config), "update", "install", "alpha", "beta", "--alias=default", "--noinput")
    assert result.returncode == 0, result.stderr
    assert installed(db_url) >= {"alpha", "beta", "auto_ab"}
    listing = erp("addons", "--config", str(config), "--alias", "default")
    assert listing.returncode == 0, listing.stderr
    rows = {line.split()[0]: line.split()[1:] for line in listing.stdout.splitlines()[1:]}
    assert rows["alpha"][:2] == ["installed", "1.2"]
    assert rows["broken"][0] == "uninstalled"
    assert "hidden_x" not in rows
    assert "hidden_x" in erp("addons", "--all", "--config", str(config)).stdout


def test_uninstall_removes_dependents_first(db_url):
    fixture_erp(db_url, "init")
    fixture_erp(db_url, "install", "gamma", "--noinput")
    plan = fixture_erp(db_url, "uninstall", "alpha", "--dry-run")
    assert plan.stdout.split() == ["auto_list", "gamma", "auto_ab", "alpha"]
    assert installed(db_url) >= {"alpha", "gamma"}, "a dry run changes nothing"
    result = fixture_erp(db_url, "uninstall", "alpha", "--noinput")
    assert result.returncode == 0, result.stderr
    assert installed(db_url) == {"base", "beta"}
    assert not table_exists(db_url, "alpha_marker")


def test_upgrade_takes_the_dependents_along(db_url):
    fixture_erp(db_url, "init")
    fixture_erp(db_url, "install", "gamma", "--noinput")
    plan = fixture_erp(db_url, "upgrade", "beta", "--dry-run")
    assert plan.stdout.split() == ["beta", "auto_ab", "gamma", "auto_list"]
    result = fixture_erp(db_url, "upgrade", "beta", "--noinput")
    assert result.returncode == 0, result.stderr
    assert "upgraded: beta, auto_ab, gamma, auto_list" in result.stdout


def test_failing_addon_is_rolled_back_and_the_others_stay(db_url):
    fixture_erp(db_url, "init")
    result = fixture_erp(db_url, "install", "broken", "--noinput")
    assert result.returncode == 1
    assert "'broken'" in result.stderr and "post_install" in result.stderr
    assert "broken on purpose" in result.stderr
    assert "Traceback" not in result.stderr
    assert states(db_url)["alpha"] == "installed"
    assert states(db_url)["broken"] == "uninstalled"
    assert table_exists(db_url, "alpha_marker")
    assert not table_exists(db_url, "broken_marker"), "the failed addon's schema change rolled back"
    debug = fixture_erp(db_url, "install", "broken", "--noinput", "--debug")
    assert debug.returncode == 1 and "Traceback" in debug.stderr
    assert set(states(db_url).values()) <= {"installed", "uninstalled"}


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("uninstall", "base", "--noinput"), "'base' cannot be uninstalled"),
        (("install", "alpah", "--noinput"), "did you mean: alpha"),
        (("install", "needs_notinst", "--noinput"), "'notinst' is not installable"),
        (("uninstall", "gamma", "--noinput"), "'gamma': it is not installed"),
    ],
)
def test_refused_requests_change_nothing(db_url, args, message):
    fixture_erp(db_url, "init")
    before = states(db_url)
    result = fixture_erp(db_url, *args)
    assert result.returncode == 1
    assert message in result.stderr
    assert "Traceback" not in result.stderr
    assert states(db_url) == before


def test_an_addon_missing_from_a_replaced_addons_path_says_the_path_was_replaced(db_url, tmp_path):
    """``--addons-path`` replaces the configured folders (as Odoo's does): the error says so."""
    fixture_erp(db_url, "init")
    result = erp("--db", db_url, "--addons-path", str(FIXTURES), "install", "master_sale", "--noinput")
    assert result.returncode == 1 and "unknown addon 'master_sale'" in result.stderr
    assert f"--addons-path {FIXTURES} replaced the configured addons path" in result.stderr


def test_usage_errors_exit_with_2(db_url):
    assert erp().returncode == 2
    assert erp("install").returncode == 2
    assert erp("frobnicate").returncode == 2
    both = erp("--db", db_url, "--alias", "default", "addons")
    assert both.returncode == 2 and "cannot be used together" in both.stderr


def test_database_errors_are_one_clear_line(db_url, tmp_path):
    unknown_alias = erp("--alias", "nope", "addons")
    assert unknown_alias.returncode == 1 and "unknown database alias 'nope'" in unknown_alias.stderr
    unreachable = erp("--db", "postgresql+psycopg://postgres@127.0.0.1:1/x", "addons")
    assert unreachable.returncode == 1 and "cannot connect to database" in unreachable.stderr
    not_initialised = fixture_erp(db_url, "install", "alpha", "--noinput")
    assert not_initialised.returncode == 1 and "erp init" in not_initialised.stderr


def test_bad_manifest_and_cycle_are_reported(db_url, tmp_path):
    for name, manifest in {
        "base": "{'name': 'Base'}",
        "left": "{'name': 'Left', 'depends': ['right']}",
        "right": "{'name': 'Right', 'depends': ['left']}",
    }.items():
        (tmp_path / name).mkdir()
        (tmp_path / name / "__manifest__.py").write_text(manifest)
        (tmp_path / name / "__init__.py").write_text("")
    cycle = erp("--db", db_url, "--addons-path", str(tmp_path), "install", "left", "--dry-run")
    assert cycle.returncode == 1 and "dependency cycle: left -> right -> left" in cycle.stderr
    (tmp_path / "right" / "__manifest__.py").write_text("{'name': 'Right', 'depends': open('x')}")
    bad = erp("--db", db_url, "--addons-path", str(tmp_path), "install", "left", "--dry-run")
    assert bad.returncode == 1
    assert str(tmp_path / "right" / "__manifest__.py") in bad.stderr and "'depends'" in bad.stderr


def test_a_broken_manifest_stops_only_what_needs_it(db_url, tmp_path):
    for name, manifest in {
        "base": "{'name': 'Base'}",
        "shop": "{'name': 'Shop', 'depends': ['base']}",
        "left": "{'name': 'Left', 'depends': ['right']}",
        "right": "{'name': 'Right', 'depends': open('x')}",
    }.items():
        (tmp_path / name).mkdir()
        (tmp_path / name / "__manifest__.py").write_text(manifest)
        (tmp_path / name / "__init__.py").write_text("")
    broken_file = str(tmp_path / "right" / "__manifest__.py")

    def run(*args: str) -> subprocess.CompletedProcess[str]:
        return erp("--db", db_url, "--addons-path", str(tmp_path), *args)

    assert run("install", "shop", "--dry-run").stdout.split() == ["base", "shop"]
    assert run("init").returncode == 0
    installed_shop = run("install", "shop", "--noinput")
    assert installed_shop.returncode == 0, installed_shop.stderr
    listing = run("addons", "--all")
    assert listing.returncode == 0, listing.stderr
    row = next(line for line in listing.stdout.splitlines() if line.startswith("right "))
    assert "uninstalled" in row and f"broken: {broken_file}: key 'depends'" in row
    for needed, why in (("right", ""), ("left", "addon 'left' depends on 'right'")):
        before = states(db_url)
        refused = run("install", needed, "--noinput")
        assert refused.returncode == 1 and "Traceback" not in refused.stderr
        assert f"error: {broken_file}: key 'depends': line 1: only literals are allowed" in refused.stderr
        assert why in refused.stderr
        assert states(db_url) == before
    assert installed(db_url) == {"base", "shop"}


def test_terminal_user_confirms_the_plan(db_url):
    fixture_erp(db_url, "init")
    primary, secondary = os.openpty()
    try:
        os.write(primary, b"n\n")
        refused = erp("--db", db_url, "--addons-path", str(FIXTURES), "install", "alpha", stdin=secondary)
        assert refused.returncode == 1
        assert "will be installed" in refused.stdout and "  alpha" in refused.stdout
        assert "aborted" in refused.stderr
        assert states(db_url).get("alpha", "uninstalled") == "uninstalled"
        os.write(primary, b"y\n")
        accepted = erp("--db", db_url, "--addons-path", str(FIXTURES), "install", "alpha", stdin=secondary)
        assert accepted.returncode == 0, accepted.stderr
        assert states(db_url)["alpha"] == "installed"
    finally:
        os.close(primary)
        os.close(secondary)


def test_installed_addons_add_commands(db_url):
    assert fixture_erp(db_url, "init").returncode == 0
    before = fixture_erp(db_url, "greet", "Budi")
    assert before.returncode == 2 and "invalid choice: 'greet'" in before.stderr, "not installed: no command"
    assert fixture_erp(db_url, "install", "--noinput", "gamma").returncode == 0
    after = fixture_erp(db_url, "greet", "Budi")
    assert after.returncode == 0, after.stderr
    assert after.stdout.strip() == "hello Budi from gamma (alpha,auto_ab,auto_list,base,beta,gamma)"
