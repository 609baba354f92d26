"""Loading addons' XML and CSV data files: every tag and attribute, upgrades, removal, errors."""

from __future__ import annotations

import base64
import datetime as dt
import shutil
from decimal import Decimal
from pathlib import Path

import pytest

from kernel import DataLoadError
from kernel.data.safe_eval import UnsafeExpression, safe_eval
from kernel.testing import rollback_env

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "data_addons"


@pytest.fixture
def addons(tmp_path):
    """A private copy of the data fixture addons, so tests may edit the files before an upgrade."""
    target = tmp_path / "addons"
    shutil.copytree(FIXTURES, target)
    return target


@pytest.fixture
def library(kernel_factory, addons):
    kernel = kernel_factory([addons])
    kernel.init()
    kernel.install(["library"])
    return kernel


def books(env):
    return {book.name: book for book in env["library.book"].search([])}


def test_records_fields_refs_evals_searches_and_files(library):
    with rollback_env(library) as env:
        earth, poems = books(env)["This Earth of Mankind"], books(env)["Aku"]
        assert earth == env.ref("library.book_earth")
        assert (earth.pages, earth.price, earth.published) == (367, Decimal("12.50"), dt.date(1980, 8, 25))
        assert earth.author_id == env.ref("library.author_pramoedya")
        assert earth.tag_ids == env.ref("library.tag_classic")
        assert earth.notes == "A quiet note from a file.\n"
        assert earth.cover == b"\x89PNG\r\n\x1a\nfake"
        assert poems.pages == 22 and poems.author_id.name == "Chairil Anwar"
        assert set(poems.tag_ids.mapped("name")) == {"Classic", "Poetry"}
        assert poems.notes == "<p>Poems <b>bold</b></p>"


def test_function_runs_and_later_records_update_earlier_ones(library):
    with rollback_env(library) as env:
        earth, poems = books(env)["This Earth of Mankind"], books(env)["Aku"]
        assert poems.available is False, "the function ran after the records it changed"
        assert env["ir.config_parameter"].get_param("library.audit") == "audit", "eval gives its arguments"
        assert earth.available is True, "the second <record> of the same id updated it after the function"


def test_csv_rows_with_external_ids(library):
    with rollback_env(library) as env:
        assert env.ref("library.tag_poetry").color == 2
        access = env.ref("library.access_book_all")
        assert access.model_id.model == "library.book" and access.perm_read and not access.perm_write
        assert not access.group_id


def test_views_actions_and_nested_menus(library):
    with rollback_env(library) as env:
        view = env.ref("library.view_book_form")
        assert view.type == "form" and view.mode == "primary" and "<field name=\"author_id\"/>" in view.arch
        assert view.source.startswith("library/data/menus.xml:")
        books_menu = env.ref("library.menu_books")
        assert books_menu.name == "Books", "a menu without name takes its action's"
        assert books_menu.parent_id == env.ref("library.menu_root")
        assert books_menu.group_ids == env.ref("base.group_user")
        assert books_menu.complete_name == "Library / Books"


def test_demo_data_only_on_demo_databases(kernel_factory, addons, tmp_path):
    with rollback_env(kernel_factory_installed(kernel_factory, addons, demo=False)) as env:
        assert "Demo Book" not in books(env)


def kernel_factory_installed(kernel_factory, addons, demo):
    kernel = kernel_factory([addons])
    kernel.init(demo=demo)
    kernel.install(["library"])
    return kernel


def test_demo_data_loads_on_demo_databases(kernel_factory, addons):
    with rollback_env(kernel_factory_installed(kernel_factory, addons, demo=True)) as env:
        assert books(env)["Demo Book"].author_id.name == "Chairil Anwar"


def test_upgrade_updates_records_but_keeps_noupdate_ones(library, addons):
    with library.env() as env:
        env.ref("library.author_pramoedya").country = "changed by a user"
        env.ref("library.author_chairil").country = "changed by a user"
    authors = addons / "library" / "data" / "authors.xml"
    authors.write_text(authors.read_text().replace("<field name=\"country\">Indonesia</field>",
                                                   "<field name=\"country\">ID</field>"))
    library.upgrade(["library"])
    with rollback_env(library) as env:
        assert env.ref("library.author_pramoedya").country == "ID", "files win outside noupdate"
        assert env.ref("library.author_chairil").country == "changed by a user", "noupdate keeps the user's change"


def test_upgrade_removes_records_that_vanished_from_the_files(library, addons):
    books_file = addons / "library" / "data" / "books.xml"
    text = books_file.read_text()
    start = text.index('    <record id="book_poems"')
    end = text.index("</record>", start) + len("</record>\n")
    books_file.write_text(text[:start] + text[end:])
    library.upgrade(["library"])
    with rollback_env(library) as env:
        assert "Aku" not in books(env)
        assert env.ref("library.book_poems", raise_if_not_found=False) is None
        assert env.ref("library.author_chairil"), "noupdate records are never removed as vanished"


def test_uninstall_removes_the_addons_records(library):
    library.uninstall(["library"])
    with rollback_env(library) as env:
        assert not env["ir.model.data"].search([("module", "=", "library")])
        assert not env["ir.ui.menu"].search([("name", "=", "Library")])
        assert env.ref("base.group_user")


@pytest.mark.parametrize(
    ("file", "broken", "message", "at"),
    [
        ("data/books.xml", '<field name="pages">many</field>', "invalid literal for int", "field"),
        ("data/books.xml", '<field name="nope">x</field>', "library.book has no field 'nope'", "field"),
        ("data/books.xml", '<field name="author_id" ref="no_such_author"/>', "unknown external id 'library.no_such_author'", "field"),
        ("data/books.xml", '<field name="pages" eval="__import__(\'os\').getpid()"/>', "'__import__' is not available", "field"),
        ("data/books.xml", '<field name="pages" eval="().__class__"/>', "'__class__' is not allowed", "field"),
        ("data/books.xml", '<field name="isbn">978-0140256352</field>', "already used by", "record"),
    ],
)
def test_a_broken_file_rolls_the_addon_back_naming_file_line_and_record(kernel_factory, addons, file, broken, message, at):
    """Field errors point at the field's line; errors of the whole record (a unique clash) at the record's."""
    path = addons / "library" / file
    text = path.read_text()
    marker = '<field name="name">Aku</field>'
    path.write_text(text.replace(marker, marker + "\n        " + broken))
    lines = path.read_text().splitlines()
    line = lines.index("        " + marker) + 2 if at == "field" else lines.index('    <record id="book_poems" model="library.book">') + 1
    kernel = kernel_factory([addons])
    kernel.init()
    with pytest.raises(DataLoadError, match=message) as info:
        kernel.install(["library"])
    error = info.value
    assert (error.addon, error.file, error.line) == ("library", file, line)
    assert error.xmlid == "library.book_poems"
    assert f"{file}:{line}" in str(error)
    assert {a.name: a.state for a in kernel.addons()}["library"] == "uninstalled"
    with rollback_env(kernel) as env:
        assert "library.book" not in env.registry
        assert not env["ir.model.data"].search([("module", "=", "library")])


def test_malformed_xml_and_dtds_are_refused(kernel_factory, addons):
    path = addons / "library" / "data" / "authors.xml"
    path.write_text('<?xml version="1.0"?>\n<!DOCTYPE odoo [<!ENTITY x "boom">]>\n<odoo><record id="a" model="library.author"><field name="name">&x;</field></record></odoo>')
    kernel = kernel_factory([addons])
    kernel.init()
    with pytest.raises(DataLoadError, match="DTDs and entities are not allowed"):
        kernel.install(["library"])
    path.write_text("<odoo><record id='a' model='library.author'>")
    with pytest.raises(DataLoadError, match="invalid XML") as info:
        kernel.install(["library"])
    assert info.value.file == "data/authors.xml"
    path.write_text("<odoo><bogus/></odoo>")
    with pytest.raises(DataLoadError, match=r"unknown element <bogus>"):
        kernel.install(["library"])


def test_dotted_ids_x2many_commands_delete_by_id_function_values_and_menu_parent(library):
    with rollback_env(library) as env:
        assert env.ref("library.tag_extra").name == "Extra", "an id naming its own addon"
        assert env.ref("base.group_user").comment == "Reads books", "an id naming another addon's record updates it"
        assert env["ir.model.data"].search([("module", "=", "base"), ("name", "=", "group_user")])
        collection = env.ref("library.book_collection")
        assert collection.author_id == env.ref("library.author_pramoedya")
        assert set(collection.tag_ids.mapped("name")) == {"Stories", "Extra"}, "Command.create and (4, id)"
        assert set(env.ref("library.author_anonymous").book_ids.mapped("name")) == {"Untitled", "Untitled II"}
        assert not env["library.tag"].search([("name", "=", "Doomed")]), "<delete id> removed the record"
        assert not env["library.tag"].search([("name", "=", "Doomed Too")]), "<delete search> removed it"
        assert env["library.tag"].search_count([("name", "=", "Without Id")]) == 1, "a record without id"
        assert env["ir.config_parameter"].get_param("library.note") == "42", "<value> children, text and eval"
        extras = env.ref("library.menu_extras")
        assert extras.parent_id == env.ref("library.menu_root") and extras.sequence == 9
        assert extras.action_id == env.ref("library.action_books")


def test_csv_many2one_and_many2many_id_columns(library):
    with rollback_env(library) as env:
        book = env.ref("library.book_csv")
        assert (book.name, book.pages) == ("Footsteps", 410)
        assert book.author_id == env.ref("library.author_pramoedya")
        assert book.tag_ids == env.ref("library.tag_classic") | env.ref("library.tag_poetry")


def test_forcecreate_decides_whether_an_upgrade_recreates_deleted_noupdate_records(library):
    with library.env() as env:
        env.ref("library.author_ghost").unlink()
        env.ref("library.author_phoenix").unlink()
    library.upgrade(["library"])
    with rollback_env(library) as env:
        assert env.ref("library.author_ghost", raise_if_not_found=False) is None, 'forcecreate="0" stays deleted'
        assert env.ref("library.author_phoenix").name == "Phoenix", "forcecreate defaults to recreating"


def test_uninstall_keeps_other_addons_records_it_updated(library):
    library.uninstall(["library"])
    with rollback_env(library) as env:
        assert env.ref("base.group_user").name == "Internal User"


# -- the safe evaluator ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("expression", "message"),
    [
        ("__import__('os').system('true')", "name '__import__' is not available"),
        ("().__class__.__bases__[0].__subclasses__()", "attribute '__subclasses__' is not allowed"),
        ("datetime.__dict__", "attribute '__dict__' is not allowed"),
        ("'{0.__class__}'.format(1)", "attribute 'format' is not allowed"),
        ("open('/etc/passwd')", "name 'open' is not available"),
        ("dict(a=1)", "name 'dict' is not available"),
        ("(1).bit_length()", "attributes of int are not available"),
        ("(lambda: 1)()", "Lambda is not allowed"),
        ("[x for x in (1, 2)]", "ListComp is not allowed"),
        ("ref('a')()", "calling ref\\('a'\\) is not allowed"),
        ("2 ** 100000", "integer result too large"),
        ("'a' * 10 ** 6", "text or list too long"),
        ("{**{}}", "dict unpacking"),
        ("1 +", "not a valid expression"),
    ],
)
def test_safe_eval_refuses_code(expression, message):
    with pytest.raises(UnsafeExpression, match=message):
        safe_eval(expression, {"ref": lambda xmlid: 7})


def test_safe_eval_evaluates_literals_dates_and_commands():
    names = {"ref": {"base.a": 3}.__getitem__}
    assert safe_eval("[Command.set([ref('base.a')]), (4, 5, 0)]", names) == [(6, 0, [3]), (4, 5, 0)]
    assert safe_eval("(date(2026, 1, 31) + timedelta(days=1)).isoformat()") == "2026-02-01"
    assert safe_eval("{'a': [1, 2][-1], 'b': not False and 'x' or 'y', 'c': 3 if 1 < 2 <= 2 else 4}") == {
        "a": 2, "b": "x", "c": 3}
    assert safe_eval("'abc'[1:] + 'd'.upper()") == "bcD"
