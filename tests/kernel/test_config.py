"""Tests for kernel/config.py: settings from a TOML file and ERP_* variables.

Every test passes an explicit ``environ`` so the real environment never leaks in.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from kernel.config import load_settings
from kernel.exceptions import DatabaseError, KernelError

SIMPLE = """
[databases]
default = "sqlite:////srv/erp/default.sqlite3"
"""


def write_config(folder: Path, text: str, name: str = "erp.toml") -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


# -- database URLs --------------------------------------------------------------


def test_a_relative_sqlite_path_is_resolved_against_the_config_folder(tmp_path, monkeypatch):
    config = write_config(tmp_path / "conf", '[databases]\ndefault = "sqlite:///../var/db.sqlite3"\n')
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)

    settings = load_settings(config, environ={})

    expected = (tmp_path / "var" / "db.sqlite3").resolve()
    assert settings.database_url("default") == f"sqlite:///{expected}"


@pytest.mark.parametrize(
    "url",
    [
        "sqlite:////srv/erp/data.sqlite3",
        "sqlite:///:memory:",
        "sqlite://",
        "postgresql+psycopg://erp:s3cret@db.example.com:5432/erp",
    ],
)
def test_absolute_memory_and_server_urls_are_kept_as_written(tmp_path, url):
    config = write_config(tmp_path, f'[databases]\nmain = "{url}"\n')

    assert load_settings(config, environ={}).database_url("main") == url


def test_an_environment_alias_is_added_next_to_the_file_aliases(tmp_path):
    config = write_config(tmp_path, SIMPLE)

    settings = load_settings(config, environ={"ERP_DATABASES_REPORTING": "sqlite:////srv/erp/reports.sqlite3"})

    assert dict(settings.databases) == {
        "default": "sqlite:////srv/erp/default.sqlite3",
        "reporting": "sqlite:////srv/erp/reports.sqlite3",
    }


def test_an_environment_alias_overrides_the_file_alias_of_the_same_name(tmp_path):
    config = write_config(tmp_path, SIMPLE)
    url = "postgresql+psycopg://erp@localhost/erp"

    settings = load_settings(config, environ={"ERP_DATABASES_DEFAULT": url})

    assert settings.database_url() == url


def test_an_environment_alias_with_an_underscore_keeps_its_full_name(tmp_path):
    config = write_config(tmp_path, SIMPLE)

    settings = load_settings(config, environ={"ERP_DATABASES_LONG_TERM": "sqlite:///:memory:"})

    assert settings.database_url("long_term") == "sqlite:///:memory:"


def test_an_unknown_alias_names_the_known_aliases(tmp_path):
    config = write_config(tmp_path, SIMPLE + 'archive = "sqlite:///:memory:"\n')
    settings = load_settings(config, environ={})

    with pytest.raises(DatabaseError) as info:
        settings.database_url("prod")
    message = str(info.value)
    assert "unknown database alias 'prod'" in message
    assert "known aliases: archive, default" in message
    assert str(config.resolve()) in message
    assert isinstance(info.value, KernelError)


def test_no_aliases_at_all_says_so(tmp_path):
    config = write_config(tmp_path, "")

    with pytest.raises(DatabaseError, match="known aliases: none"):
        load_settings(config, environ={}).database_url()


def test_an_invalid_database_url_is_a_kernel_error(tmp_path):
    config = write_config(tmp_path, '[databases]\ndefault = "not a url"\n')

    with pytest.raises(KernelError, match="invalid database URL 'not a url'"):
        load_settings(config, environ={})


# -- addons path ----------------------------------------------------------------


def test_the_file_addons_path_is_resolved_against_the_config_folder(tmp_path, monkeypatch):
    config = write_config(tmp_path / "conf", '[addons]\npath = ["../addons", "extra"]\n')
    monkeypatch.chdir(tmp_path)

    settings = load_settings(config, environ={})

    assert settings.addons_path == ((tmp_path / "addons").resolve(), (tmp_path / "conf" / "extra").resolve())


def test_erp_addons_path_replaces_the_file_path(tmp_path):
    config = write_config(tmp_path / "conf", '[addons]\npath = ["../addons"]\n')
    first, second = tmp_path / "one", tmp_path / "two"

    settings = load_settings(config, environ={"ERP_ADDONS_PATH": os.pathsep.join([str(first), str(second)])})

    assert settings.addons_path == (first.resolve(), second.resolve())


def test_erp_addons_path_ignores_empty_entries(tmp_path):
    config = write_config(tmp_path, SIMPLE)
    folder = tmp_path / "addons"

    settings = load_settings(config, environ={"ERP_ADDONS_PATH": f"{os.pathsep}{folder}{os.pathsep}"})

    assert settings.addons_path == (folder.resolve(),)


def test_with_addons_path_returns_new_settings_and_keeps_the_old(tmp_path):
    config = write_config(tmp_path, '[addons]\npath = ["a"]\n')
    settings = load_settings(config, environ={})

    changed = settings.with_addons_path([tmp_path / "b"])

    assert changed.addons_path == ((tmp_path / "b").resolve(),)
    assert settings.addons_path == ((tmp_path / "a").resolve(),)
    assert changed.databases == settings.databases


# -- free-form sections ---------------------------------------------------------


def test_erp_web_port_is_parsed_as_an_integer_and_merged_into_the_web_section(tmp_path):
    config = write_config(tmp_path, SIMPLE + '[web]\nhost = "127.0.0.1"\nport = 8069\n')

    web = load_settings(config, environ={"ERP_WEB_PORT": "8070"}).section("web")

    assert web["port"] == 8070
    assert type(web["port"]) is int
    assert web["host"] == "127.0.0.1"


@pytest.mark.parametrize(
    ("raw", "value"),
    [("true", True), ("8070", 8070), ("2.5", 2.5), ('"quoted"', '"quoted"'), ("0.0.0.0", "0.0.0.0"),
     ("plain text", "plain text"), ("1#secret", "1#secret")],
)
def test_environment_values_are_numbers_or_booleans_when_they_look_so_and_text_otherwise(tmp_path, raw, value):
    config = write_config(tmp_path, SIMPLE)

    web = load_settings(config, environ={"ERP_WEB_SETTING": raw}).section("web")

    assert web["setting"] == value
    assert type(web["setting"]) is type(value)


def test_an_environment_variable_can_create_a_section(tmp_path):
    config = write_config(tmp_path, SIMPLE)

    settings = load_settings(config, environ={"ERP_JOBS_BROKER_URL": "redis://localhost:6379/0"})

    assert dict(settings.section("jobs")) == {"broker_url": "redis://localhost:6379/0"}


def test_an_absent_section_is_empty(tmp_path):
    settings = load_settings(write_config(tmp_path, SIMPLE), environ={})

    assert dict(settings.section("mail")) == {}


def test_variables_without_the_erp_prefix_or_a_key_are_ignored(tmp_path):
    config = write_config(tmp_path, SIMPLE)

    settings = load_settings(config, environ={"WEB_PORT": "1", "ERP_WEB": "2", "HOME": "/root"})

    assert dict(settings.section("web")) == {}
    assert set(settings.sections) == set()


def test_settings_are_read_only(tmp_path):
    settings = load_settings(write_config(tmp_path, SIMPLE + "[web]\nport = 8069\n"), environ={})

    with pytest.raises(TypeError):
        settings.section("web")["port"] = 1  # type: ignore[index]
    with pytest.raises(TypeError):
        settings.databases["default"] = "sqlite://"  # type: ignore[index]
    with pytest.raises(AttributeError):
        settings.addons_path = ()  # type: ignore[misc]


def test_erp_test_pg_url_is_not_a_setting(tmp_path):
    config = write_config(tmp_path, SIMPLE)

    settings = load_settings(config, environ={"ERP_TEST_PG_URL": "postgresql://erp@localhost/postgres"})

    assert dict(settings.databases) == {"default": "sqlite:////srv/erp/default.sqlite3"}
    assert "test" not in settings.sections
    assert dict(settings.section("test")) == {}


# -- which file -----------------------------------------------------------------


def test_erp_config_picks_the_file(tmp_path):
    config = write_config(tmp_path, '[databases]\ndefault = "sqlite:////srv/from-env.sqlite3"\n', "env.toml")

    settings = load_settings(environ={"ERP_CONFIG": str(config)})

    assert settings.source == config.resolve()
    assert settings.database_url() == "sqlite:////srv/from-env.sqlite3"


def test_an_explicit_path_wins_over_erp_config(tmp_path):
    explicit = write_config(tmp_path, '[databases]\ndefault = "sqlite:////srv/explicit.sqlite3"\n', "explicit.toml")
    from_env = write_config(tmp_path, '[databases]\ndefault = "sqlite:////srv/from-env.sqlite3"\n', "env.toml")

    settings = load_settings(explicit, environ={"ERP_CONFIG": str(from_env)})

    assert settings.source == explicit.resolve()
    assert settings.database_url() == "sqlite:////srv/explicit.sqlite3"


def test_an_explicit_path_does_not_even_read_erp_config(tmp_path):
    explicit = write_config(tmp_path, SIMPLE)

    settings = load_settings(str(explicit), environ={"ERP_CONFIG": str(tmp_path / "missing.toml")})

    assert settings.source == explicit.resolve()


def test_invalid_toml_names_the_file(tmp_path):
    config = write_config(tmp_path, "[databases\ndefault = 1\n")

    with pytest.raises(KernelError) as info:
        load_settings(config, environ={})
    assert str(config.resolve()) in str(info.value)
    assert "not valid TOML" in str(info.value)


def test_a_missing_config_file_is_a_kernel_error_naming_it(tmp_path):
    missing = tmp_path / "nope.toml"

    with pytest.raises(KernelError, match="configuration file not found") as info:
        load_settings(missing, environ={})
    assert str(missing.resolve()) in str(info.value)


def test_a_missing_file_named_by_erp_config_is_a_kernel_error_naming_it(tmp_path):
    missing = tmp_path / "nope.toml"

    with pytest.raises(KernelError, match="configuration file not found") as info:
        load_settings(environ={"ERP_CONFIG": str(missing)})
    assert str(missing.resolve()) in str(info.value)


def test_a_top_level_value_outside_a_section_is_rejected(tmp_path):
    config = write_config(tmp_path, 'debug = true\n' + SIMPLE)

    with pytest.raises(KernelError, match="top-level key 'debug' must be a \\[section\\]"):
        load_settings(config, environ={})
