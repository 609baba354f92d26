"""``erp scaffold``: an addon written outside the repository installs, passes its generated tests through
the test kit's plugin, upgrades and uninstalls, with every string it shows translated to Indonesian."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from babel.messages.pofile import read_po

from kernel.config import PROJECT_ROOT
from kernel.testing import AddonConformance

NAME = "fleet_care"


def run(*args: str, cwd: Path, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    """A command as a developer runs it, without the ERP_* settings of whoever runs the tests."""
    environ = {key: value for key, value in os.environ.items() if not key.startswith("ERP_") or key.startswith("ERP_TEST")}
    return subprocess.run(list(args), cwd=cwd, capture_output=True, text=True, env=environ, input=stdin, timeout=600)


def erp(config: Path, *args: str, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    return run(sys.executable, "-m", "kernel", "--config", str(config), *args, cwd=config.parent, stdin=stdin)


def scaffold_outside(tmp_path: Path) -> Path:
    """``erp scaffold`` into a folder outside the repository; returns that folder."""
    addons = tmp_path / "my_addons"
    addons.mkdir()
    result = run(sys.executable, "-m", "kernel", "scaffold", NAME, "--path", str(addons), cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert f"wrote {addons / NAME}" in result.stdout
    return addons


def workspace(tmp_path: Path, db_url: str) -> Path:
    """The scaffolded addon and a configuration naming its folder and the database."""
    addons = scaffold_outside(tmp_path)
    config = tmp_path / "erp.toml"
    config.write_text(f"[databases]\ndefault = {json.dumps(db_url)}\n\n[addons]\n"
                      f"path = [{json.dumps(str(PROJECT_ROOT / 'addons'))}, {json.dumps(str(addons))}]\n\n"
                      f"[lifecycle]\narchive_dir = {json.dumps(str(tmp_path / 'archives'))}\n")
    return config


def shell(config: Path, script: str) -> str:
    result = erp(config, "shell", stdin=script)
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()


def test_the_skeleton_holds_an_addon_its_views_its_catalogue_and_its_tests(tmp_path):
    result = run(sys.executable, "-m", "kernel", "scaffold", NAME, "--path", str(tmp_path), cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    files = sorted(str(path.relative_to(tmp_path / NAME)) for path in (tmp_path / NAME).rglob("*") if path.is_file())
    assert files == ["__init__.py", "__manifest__.py", "i18n/id.po", "models/__init__.py", "models/record.py",
                     "security/ir.model.access.csv", f"tests/test_{NAME}.py", f"views/{NAME}_views.xml"]


def test_the_scaffolded_addon_installs_upgrades_and_uninstalls(tmp_path, db_url):
    config = workspace(tmp_path, db_url)
    assert erp(config, "init").returncode == 0
    installed = erp(config, "install", NAME, "--noinput")
    assert installed.returncode == 0, installed.stderr
    assert shell(config, "r = env['fleet_care.record'].create({'name': 'Van', 'quantity': 2, 'unit_price': '3.25'})\n"
                         "print(r.total)") == "6.50"
    upgraded = erp(config, "upgrade", NAME, "--noinput")
    assert upgraded.returncode == 0, upgraded.stderr
    assert shell(config, "print(env['fleet_care.record'].search([]).mapped('name'))") == "['Van']"
    removed = erp(config, "uninstall", NAME, "--noinput")
    assert removed.returncode == 0, removed.stderr
    assert shell(config, "print(env['ir.module'].search([('name', '=', 'fleet_care')]).state,"
                         " 'fleet_care.record' in env.registry)") == "uninstalled False"


def test_every_string_of_the_scaffolded_addon_has_an_indonesian_translation(tmp_path, db_url):
    config = workspace(tmp_path, db_url)
    assert erp(config, "init").returncode == 0
    assert erp(config, "install", NAME, "--noinput").returncode == 0
    template = tmp_path / f"{NAME}.pot"
    extracted = erp(config, "i18n", "extract", NAME, "-o", str(template))
    assert extracted.returncode == 0, extracted.stderr
    with template.open("rb") as handle:
        wanted = {message.id for message in read_po(handle) if message.id}
    with (tmp_path / "my_addons" / NAME / "i18n" / "id.po").open("rb") as handle:
        translated = {message.id for message in read_po(handle) if message.id and message.string}
    assert wanted and wanted <= translated, sorted(wanted - translated)


def test_the_generated_tests_pass_through_the_plugin(tmp_path):
    """pytest in the addon's own folder: the plugin comes from the entry point, the addon from the test's path."""
    addon = scaffold_outside(tmp_path) / NAME
    result = run(sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", str(addon), cwd=addon)
    assert result.returncode == 0, result.stdout + result.stderr
    backends = 2 if os.environ.get("ERP_TEST_PG_URL") else 1
    checks = sum(name.startswith("test_") for name in dir(AddonConformance))  # every check the kit has today
    generated = (addon / "tests" / f"test_{NAME}.py").read_text().count("\ndef test_")
    assert generated == 4, "the skeleton's own tests: total, refusal, employee, Indonesian"
    assert f"{(checks + generated) * backends} passed" in result.stdout, result.stdout


def test_a_bad_name_or_an_existing_folder_is_refused_and_nothing_written(tmp_path):
    bad = run(sys.executable, "-m", "kernel", "scaffold", "Fleet-Care", "--path", str(tmp_path), cwd=tmp_path)
    assert bad.returncode == 1
    assert "invalid addon name 'Fleet-Care'" in bad.stderr
    assert list(tmp_path.iterdir()) == []
    (tmp_path / NAME).mkdir()
    (tmp_path / NAME / "mine.txt").write_text("keep me")
    again = run(sys.executable, "-m", "kernel", "scaffold", NAME, "--path", str(tmp_path), cwd=tmp_path)
    assert again.returncode == 1
    assert "already exists" in again.stderr and "nothing was written" in again.stderr
    assert [path.name for path in (tmp_path / NAME).iterdir()] == ["mine.txt"]
    missing = run(sys.executable, "-m", "kernel", "scaffold", NAME, "--path", str(tmp_path / "nowhere"), cwd=tmp_path)
    assert missing.returncode == 1 and "does not exist" in missing.stderr
