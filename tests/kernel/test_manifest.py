"""Tests for kernel/manifest.py: reading, validating and discovering addon manifests."""

from __future__ import annotations

import dataclasses
import textwrap
from pathlib import Path

import pytest

from kernel.exceptions import ManifestError
from kernel.manifest import MANIFEST_DEFAULTS, Manifest, discover, read_manifest

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "addons"


def write_addon(root: Path, folder: str, source: str) -> Path:
    """Create ``root/folder/__manifest__.py`` holding ``source``; return the folder."""
    path = root / folder
    path.mkdir(parents=True, exist_ok=True)
    (path / "__manifest__.py").write_text(source, encoding="utf-8")
    return path


def manifest_error(root: Path, source: str, folder: str = "demo_addon") -> ManifestError:
    """The ManifestError raised by reading ``source`` as the manifest of ``folder``."""
    path = write_addon(root, folder, source)
    with pytest.raises(ManifestError) as info:
        read_manifest(path)
    return info.value


# -- defaults and values --------------------------------------------------------


def test_missing_keys_take_the_documented_defaults(tmp_path):
    folder = write_addon(tmp_path, "minimal", '{"name": "Minimal"}')

    manifest = read_manifest(folder)

    assert manifest.addon == "minimal"
    assert manifest.name == "Minimal"
    assert manifest.path == folder.resolve()
    assert manifest.file == folder.resolve() / "__manifest__.py"
    assert manifest.import_name is None
    assert manifest.version == "1.0"
    assert manifest.version_info == (1, 0)
    assert manifest.summary == manifest.description == manifest.author == manifest.website == ""
    assert manifest.license == "LGPL-3"
    assert manifest.category == "Uncategorized"
    assert manifest.depends == manifest.data == manifest.demo == ()
    assert manifest.auto_install is False
    assert manifest.installable is True
    assert manifest.application is False
    assert manifest.active_rule is False
    assert manifest.external_dependencies == {}
    assert manifest.assets == {}


def test_given_values_are_kept_and_lists_become_tuples(tmp_path):
    source = """
    # comments are fine: the file is parsed, not executed
    {
        "name": "Sales",
        "version": "17.0.1.2",
        "summary": "Sell things",
        "category": "Sales",
        "depends": ["base", "mail"],
        "data": ["views/sale.xml", "security/ir.model.access.csv"],
        "demo": ["demo/sale.xml"],
        "auto_install": ["mail"],
        "application": True,
        "external_dependencies": {"python": ["stdnum"]},
        "assets": {"web.assets": ["static/sale.js"]},
    }
    """
    manifest = read_manifest(write_addon(tmp_path, "sale", textwrap.dedent(source)))

    assert manifest.version_info == (17, 0, 1, 2)
    assert manifest.depends == ("base", "mail")
    assert manifest.data == ("views/sale.xml", "security/ir.model.access.csv")
    assert manifest.demo == ("demo/sale.xml",)
    assert manifest.auto_install == ("mail",)
    assert manifest.application is True
    assert manifest.external_dependencies == {"python": ["stdnum"]}
    assert manifest.assets == {"web.assets": ["static/sale.js"]}


def test_a_manifest_is_immutable(tmp_path):
    manifest = read_manifest(write_addon(tmp_path, "frozen", '{"name": "Frozen"}'))

    with pytest.raises(dataclasses.FrozenInstanceError):
        manifest.name = "Thawed"  # type: ignore[misc]


# -- key validation ---------------------------------------------------------------

WRONG_TYPES = {
    "name": "3",
    "version": "1.0",
    "summary": '["a", "list"]',
    "description": "1",
    "author": "None",
    "website": "False",
    "license": "3",
    "category": '{"Sales"}',
    "depends": '"base"',
    "data": '"views/a.xml"',
    "demo": '("demo/a.xml",)',
    "auto_install": '"yes"',
    "installable": "1",
    "application": '"True"',
    "active_rule": "0",
    "external_dependencies": '["stdnum"]',
    "assets": '"web.assets"',
}


def test_every_manifest_key_has_a_wrong_type_case():
    assert set(WRONG_TYPES) == set(MANIFEST_DEFAULTS)


@pytest.mark.parametrize("key", sorted(WRONG_TYPES))
def test_a_value_of_the_wrong_type_names_the_file_and_the_key(tmp_path, key):
    fields = {"name": '"Typed"', key: WRONG_TYPES[key]}
    source = "{" + ", ".join(f"{k!r}: {v}" for k, v in fields.items()) + "}"

    error = manifest_error(tmp_path, source)

    assert error.key == key
    assert str(tmp_path / "demo_addon" / "__manifest__.py") in str(error)
    assert f"key {key!r}" in str(error)


def test_an_unknown_key_names_the_file_and_the_key(tmp_path):
    error = manifest_error(tmp_path, '{"name": "Typo", "sumary": "misspelt"}')

    assert error.key == "sumary"
    assert error.path == str(tmp_path / "demo_addon" / "__manifest__.py")
    assert error.path in str(error) and "'sumary'" in str(error)


@pytest.mark.parametrize(
    ("source", "message"),
    [('{"summary": "no name"}', "is required"), ('{"name": None}', "is required"), ('{"name": "  "}', "non-empty")],
)
def test_a_missing_or_blank_name_is_rejected(tmp_path, source, message):
    error = manifest_error(tmp_path, source)

    assert error.key == "name"
    assert message in str(error)


@pytest.mark.parametrize("version", ["1.0a", "v1", "", "1..0", "1.", ".1", "1.0 "])
def test_a_malformed_version_string_is_rejected(tmp_path, version):
    error = manifest_error(tmp_path, f'{{"name": "Versioned", "version": {version!r}}}')

    assert error.key == "version"
    assert repr(version) in str(error)


@pytest.mark.parametrize(
    ("depends", "expected"),
    [
        ('["Base"]', "'Base' is not a valid addon name"),
        ('["my-addon"]', "'my-addon' is not a valid addon name"),
        ('["1st"]', "'1st' is not a valid addon name"),
        ('["base", ""]', "non-empty string"),
        ('["base", 3]', "non-empty string"),
    ],
)
def test_a_bad_dependency_name_is_rejected(tmp_path, depends, expected):
    error = manifest_error(tmp_path, f'{{"name": "Deps", "depends": {depends}}}')

    assert error.key == "depends"
    assert expected in str(error)


@pytest.mark.parametrize("key", ["data", "demo"])
def test_data_and_demo_entries_must_be_non_empty_strings(tmp_path, key):
    error = manifest_error(tmp_path, f'{{"name": "Files", {key!r}: ["views/a.xml", ""]}}')

    assert error.key == key


def test_an_addon_cannot_depend_on_itself(tmp_path):
    error = manifest_error(tmp_path, '{"name": "Selfish", "depends": ["base", "selfish"]}', folder="selfish")

    assert error.key == "depends"
    assert "itself" in str(error)


def test_auto_install_list_may_only_name_dependencies(tmp_path):
    source = '{"name": "Glue", "depends": ["base", "mail"], "auto_install": ["mail", "crm"]}'

    error = manifest_error(tmp_path, source)

    assert error.key == "auto_install"
    assert "'crm' is not listed in 'depends'" in str(error)


def test_auto_install_list_entries_must_be_strings(tmp_path):
    error = manifest_error(tmp_path, '{"name": "Glue", "depends": ["base"], "auto_install": [1]}')

    assert error.key == "auto_install"


# -- the file itself ------------------------------------------------------------


def test_a_syntax_error_names_the_file_and_the_line(tmp_path):
    error = manifest_error(tmp_path, '{\n    "name": "Broken",\n    "depends": ["base"] ["mail"]],\n}\n')

    assert error.path == str(tmp_path / "demo_addon" / "__manifest__.py")
    assert error.path in str(error)
    assert "syntax error on line 3" in str(error)


@pytest.mark.parametrize(
    "source",
    [
        '["name", "Listed"]',
        '"just a string"',
        '{"name": "A"}, {"name": "B"}',
        "None",
    ],
)
def test_a_manifest_that_is_not_a_dict_is_rejected(tmp_path, source):
    error = manifest_error(tmp_path, source)

    assert "single dict literal" in str(error)


@pytest.mark.parametrize(
    ("value", "code"),
    [
        ("foo", "foo"),
        ('__import__("os").getcwd()', '__import__("os").getcwd()'),
        ('f"v{1}"', 'f"v{1}"'),
        ('"a" + "b"', '"a" + "b"'),
        ("[d for d in ()]", "[d for d in ()]"),
    ],
)
def test_code_in_a_value_is_rejected_with_the_key_and_line(tmp_path, value, code):
    error = manifest_error(tmp_path, f'{{\n"name": "Coded",\n"summary": {value},\n}}')

    assert error.key == "summary"
    assert "line 3" in str(error)
    assert f"found code: {code}" in str(error)


def test_dict_unpacking_in_a_manifest_is_rejected(tmp_path):
    error = manifest_error(tmp_path, '{**{"name": "Unpacked"}}')

    assert "only literals are allowed" in str(error)


@pytest.mark.parametrize("key", ["name", "depends", "assets"])
def test_code_in_a_manifest_is_never_executed(tmp_path, key):
    marker = tmp_path / "executed.txt"
    call = f'__import__("pathlib").Path({str(marker)!r}).write_text("ran")'
    source = f'{{"name": "Evil", {key!r}: {call}}}' if key != "name" else f'{{"name": {call}}}'

    error = manifest_error(tmp_path, source)

    assert error.key == key
    assert not marker.exists()


def test_a_manifest_that_is_not_utf8_is_rejected(tmp_path):
    folder = tmp_path / "latin"
    folder.mkdir()
    (folder / "__manifest__.py").write_bytes(b'{"name": "Caf\xe9"}')

    with pytest.raises(ManifestError, match="not UTF-8"):
        read_manifest(folder)


def test_a_folder_without_a_manifest_is_reported(tmp_path):
    (tmp_path / "empty").mkdir()

    with pytest.raises(ManifestError, match="file not found") as info:
        read_manifest(tmp_path / "empty")
    assert info.value.path == str(tmp_path / "empty" / "__manifest__.py")


@pytest.mark.parametrize("folder", ["Bad-Name", "1addon", "Upper", "_private", "has space"])
def test_a_bad_addon_folder_name_is_rejected(tmp_path, folder):
    error = manifest_error(tmp_path, '{"name": "Fine manifest"}', folder=folder)

    assert repr(folder) in str(error)
    assert error.path == str(tmp_path / folder / "__manifest__.py")
    assert "not a valid addon name" in str(error)


# -- derived properties ---------------------------------------------------------


@pytest.mark.parametrize(("category", "hidden"), [("Hidden", True), ("Sales", False), ("hidden", False)])
def test_only_the_hidden_category_hides_an_addon(tmp_path, category, hidden):
    manifest = read_manifest(write_addon(tmp_path, "cat", f'{{"name": "C", "category": {category!r}}}'))

    assert manifest.hidden is hidden


def test_the_fixture_hidden_addon_is_hidden_and_the_others_are_not():
    manifests = discover([FIXTURES], entry_points=False)

    assert {name for name, manifest in manifests.items() if manifest.hidden} == {"hidden_x"}


@pytest.mark.parametrize(
    ("auto_install", "triggers"),
    [("False", None), ("True", ("base", "mail")), ('["mail"]', ("mail",))],
)
def test_auto_install_triggers_follow_the_auto_install_key(tmp_path, auto_install, triggers):
    source = f'{{"name": "Glue", "depends": ["base", "mail"], "auto_install": {auto_install}}}'

    manifest = read_manifest(write_addon(tmp_path, "glue", source))

    assert manifest.auto_install_triggers == triggers


def test_auto_install_true_without_depends_has_no_triggers_rather_than_never(tmp_path):
    manifest = read_manifest(write_addon(tmp_path, "always", '{"name": "Always", "auto_install": True}'))

    assert manifest.auto_install_triggers == ()


# -- discovery --------------------------------------------------------------------


def test_discover_finds_every_fixture_addon_by_folder_name():
    manifests = discover([FIXTURES], entry_points=False)

    expected = {p.name for p in FIXTURES.iterdir() if (p / "__manifest__.py").is_file()}
    assert set(manifests) == expected
    assert all(isinstance(m, Manifest) and m.addon == name for name, m in manifests.items())
    assert manifests["alpha"].version == "1.2"
    assert manifests["notinst"].installable is False


def test_discover_skips_folders_and_files_without_a_manifest(tmp_path):
    write_addon(tmp_path, "real", '{"name": "Real"}')
    (tmp_path / "__pycache__").mkdir()
    (tmp_path / "notes").mkdir()
    (tmp_path / "README.txt").write_text("not an addon")

    assert list(discover([tmp_path], entry_points=False)) == ["real"]


def test_discover_merges_several_addons_path_folders(tmp_path):
    write_addon(tmp_path / "one", "first", '{"name": "First"}')
    write_addon(tmp_path / "two", "second", '{"name": "Second", "depends": ["first"]}')

    manifests = discover([tmp_path / "one", str(tmp_path / "two")], entry_points=False)

    assert set(manifests) == {"first", "second"}
    assert manifests["second"].path == (tmp_path / "two" / "second").resolve()


def test_discover_keeps_a_bad_manifest_as_broken_with_its_error(tmp_path):
    write_addon(tmp_path, "good", '{"name": "Good"}')
    write_addon(tmp_path, "bad", '{"name": "Bad", "colour": "red"}')

    found = discover([tmp_path], entry_points=False)

    assert list(found) == ["good"]
    assert list(found.broken) == ["bad"]
    assert found.broken["bad"].key == "colour"
    assert str(tmp_path / "bad" / "__manifest__.py") in str(found.broken["bad"])


def test_an_addon_found_in_two_addons_path_folders_is_broken_naming_both(tmp_path):
    first = write_addon(tmp_path / "one", "dup", '{"name": "Dup one"}')
    second = write_addon(tmp_path / "two", "dup", '{"name": "Dup two"}')
    write_addon(tmp_path / "two", "other", '{"name": "Other"}')

    found = discover([tmp_path / "one", tmp_path / "two"], entry_points=False)

    assert list(found) == ["other"], "neither copy wins"
    message = str(found.broken["dup"])
    assert str(first / "__manifest__.py") in message
    assert str(second / "__manifest__.py") in message
    assert "'dup'" in message


def test_the_same_addons_path_folder_listed_twice_is_a_duplicate(tmp_path):
    write_addon(tmp_path, "once", '{"name": "Once"}')

    found = discover([tmp_path, tmp_path], entry_points=False)

    assert not found and "also found" in str(found.broken["once"])


def test_an_addons_path_entry_that_does_not_exist_is_rejected(tmp_path):
    missing = tmp_path / "nowhere"

    with pytest.raises(ManifestError, match="not a folder") as info:
        discover([missing], entry_points=False)
    assert info.value.path == str(missing)


def test_an_addons_path_entry_that_is_a_file_is_rejected(tmp_path):
    file = tmp_path / "addons.txt"
    file.write_text("")

    with pytest.raises(ManifestError, match="not a folder") as info:
        discover([file], entry_points=False)
    assert info.value.path == str(file)
