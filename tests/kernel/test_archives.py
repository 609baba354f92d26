"""Archives of uninstalled data (kernel/archives.py): only a committed uninstall leaves one, a bad one is refused."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import sqlalchemy as sa

from kernel import Kernel
from kernel.exceptions import AddonStepError, KernelError

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "addons"
NOTES = '''
import pathlib

from kernel.orm import Model, fields


class Note(Model):
    _name = "note.note"
    _description = "Note"

    name = fields.Char(required=True)


class Company(Model):
    _inherit = "res.company"

    note_ref = fields.Char()


def kernel_models():
    return [Note, Company]


def kernel_pre_uninstall(env):
    if pathlib.Path({refuse!r}).exists():
        raise RuntimeError("refused on purpose")
'''


@pytest.fixture
def notes(kernel_factory, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Kernel:
    """``notes`` installed with two notes and a company's ``note_ref``; archives go to tmp_path/archives."""
    monkeypatch.setenv("ERP_LIFECYCLE_ARCHIVE_DIR", str(tmp_path / "archives"))
    root = tmp_path / "addons"
    shutil.copytree(FIXTURES / "base", root / "base")
    (root / "notes").mkdir()
    (root / "notes" / "__manifest__.py").write_text("{'name': 'Notes', 'depends': ['base']}")
    (root / "notes" / "__init__.py").write_text(NOTES.format(refuse=str(tmp_path / "refuse")))
    kernel = kernel_factory([root])
    kernel.init()
    kernel.install(["notes"])
    with kernel.env() as env:
        env["note.note"].create([{"name": "one"}, {"name": "two"}])
        env["res.company"].create({"name": "Ann", "note_ref": "N-7"})
    return kernel


def archives(kernel: Kernel) -> list[Path]:
    folder = Path(kernel.settings.section("lifecycle")["archive_dir"])
    return sorted(folder.iterdir()) if folder.exists() else []


def test_the_plan_counts_rows_and_values(notes):
    assert [str(item) for item in notes.plan_uninstall_data(["notes"])] == [
        "table note_note: 2 row(s) (notes)", "column res_company.note_ref: 1 value(s) (notes)"]


def test_a_failed_uninstall_leaves_no_archive_and_the_data_in_place(notes, tmp_path):
    (tmp_path / "refuse").write_text("")
    with pytest.raises(AddonStepError, match="pre_uninstall"):
        notes.uninstall(["notes"])
    assert archives(notes) == []
    with notes.env() as env:
        assert env["ir.config_parameter"].get_param("archive.notes") is None
        assert env["note.note"].search_count([]) == 2
    (tmp_path / "refuse").unlink()
    notes.uninstall(["notes"])
    [archive] = archives(notes)
    with notes.env() as env:
        assert env["ir.config_parameter"].get_param("archive.notes") == str(archive)


def test_a_reinstall_restores_the_addons_columns_on_the_rows_still_there(notes):
    notes.uninstall(["notes"])
    notes.install(["notes"])
    with notes.engine.connect() as connection:
        assert connection.execute(sa.text("SELECT note_ref FROM res_company WHERE name = 'Ann'")).scalar() == "N-7"
        assert connection.execute(sa.text("SELECT COUNT(*) FROM note_note")).scalar() == 0, "own tables stay archived"
    with notes.env() as env:
        assert env["ir.config_parameter"].get_param("archive.notes") is None, "restored once"


def test_an_unreadable_archive_is_refused_naming_it_and_a_vanished_one_skipped(notes, caplog):
    notes.uninstall(["notes"])
    [archive] = archives(notes)
    archive.write_bytes(b"not gzip")
    with pytest.raises(KernelError, match=rf"archive {archive} cannot be read"):
        notes.install(["notes"])
    assert {a.name: a.state for a in notes.addons()}["notes"] == "uninstalled"
    archive.unlink()
    assert notes.install(["notes"]) == ["notes"]
    assert f"archive {archive} is gone; nothing restored" in caplog.text
    with notes.engine.connect() as connection:
        assert connection.execute(sa.text("SELECT note_ref FROM res_company WHERE name = 'Ann'")).scalar() is None
