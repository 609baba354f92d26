"""Typed, immutable settings: ``config/erp.toml``, then ``ERP_*`` variables, then the command line.

Relative paths in a configuration file are resolved against the file's own
folder, so the same file works whatever the current directory is.  An
environment variable ``ERP_<SECTION>_<KEY>`` overrides ``[section] key``; its
value is read as a number or a boolean when it looks like one (``8070``,
``true``) and as text otherwise.  ``ERP_ADDONS_PATH`` takes folders separated by
``os.pathsep``.
"""

from __future__ import annotations

import os
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from types import MappingProxyType
from typing import Any

from .exceptions import DatabaseError, KernelError

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_CONFIG_FILE = PROJECT_ROOT / "config" / "erp.toml"
ENV_PREFIX = "ERP_"


def _frozen(mapping: Mapping[str, Any]) -> Mapping[str, Any]:
    return MappingProxyType(dict(mapping))


@dataclass(frozen=True)
class Settings:
    """Everything the kernel reads from configuration, resolved and validated."""

    source: Path | None = None
    databases: Mapping[str, str] = field(default_factory=lambda: _frozen({}))
    addons_path: tuple[Path, ...] = ()
    sections: Mapping[str, Mapping[str, Any]] = field(default_factory=lambda: _frozen({}))

    def database_url(self, alias: str = "default") -> str:
        """The URL of a database alias; an unknown alias names the known ones."""
        try:
            return self.databases[alias]
        except KeyError:
            known = ", ".join(sorted(self.databases)) or "none"
            where = f" in {self.source}" if self.source else ""
            raise DatabaseError(
                f"unknown database alias {alias!r}{where}; known aliases: {known}"
            ) from None

    def section(self, name: str) -> Mapping[str, Any]:
        """A free-form section (``web``, ``jobs``, ``mail``), empty when absent."""
        return self.sections.get(name, _frozen({}))

    def with_addons_path(self, paths: list[str | Path]) -> Settings:
        return replace(self, addons_path=tuple(Path(p).resolve() for p in paths))


def _resolve_url(url: str, base: Path) -> str:
    """Make a relative SQLite file path absolute against ``base``."""
    from sqlalchemy.engine import make_url  # here, so that reading settings loads no database library
    from sqlalchemy.exc import ArgumentError

    try:
        parsed = make_url(url)
    except ArgumentError as exc:
        raise KernelError(f"invalid database URL {url!r}: {exc}") from None
    database = parsed.database
    if parsed.get_backend_name() == "sqlite" and database and database != ":memory:":
        if not Path(database).is_absolute():
            return parsed.set(database=str((base / database).resolve())).render_as_string(
                hide_password=False
            )
    return url


def _read_file(path: Path) -> dict[str, Any]:
    try:
        with path.open("rb") as handle:
            return tomllib.load(handle)
    except FileNotFoundError:
        raise KernelError(f"configuration file not found: {path}") from None
    except tomllib.TOMLDecodeError as exc:
        raise KernelError(f"configuration file {path} is not valid TOML: {exc}") from None
    except OSError as exc:
        raise KernelError(f"configuration file {path} cannot be read: {exc.strerror or exc}") from None


def _parse_env_value(raw: str) -> Any:
    """``8070`` -> 8070, ``1.5`` -> 1.5, ``true``/``false`` -> bool, anything else as text."""
    lowered = raw.strip().lower()
    if lowered in ("true", "false"):
        return lowered == "true"
    for convert in (int, float):
        try:
            return convert(raw)
        except ValueError:
            pass
    return raw


def _check_shape(source: Path | None, data: dict[str, Any]) -> None:
    for key, value in data.items():
        if not isinstance(value, dict):
            raise KernelError(f"configuration file {source}: top-level key {key!r} must be a [section]")
    path = data.get("addons", {}).get("path", [])
    if not isinstance(path, list) or not all(isinstance(item, str) for item in path):
        raise KernelError(f"configuration file {source}: [addons] path must be a list of folders")
    for alias, url in data.get("databases", {}).items():
        if not isinstance(url, str):
            raise KernelError(f"configuration file {source}: [databases] {alias} must be a URL string")


def _apply_environment(data: dict[str, Any], environ: Mapping[str, str]) -> None:
    for name, raw in environ.items():
        if not name.startswith(ENV_PREFIX) or name == "ERP_CONFIG":
            continue
        if name == "ERP_ADDONS_PATH":
            data.setdefault("addons", {})["path"] = [p for p in raw.split(os.pathsep) if p]
            continue
        section, _, key = name[len(ENV_PREFIX):].lower().partition("_")
        if not key or section.startswith("test"):
            continue
        value = raw if section == "databases" else _parse_env_value(raw)
        data.setdefault(section, {})[key] = value


def load_settings(
    path: str | Path | None = None, environ: Mapping[str, str] | None = None
) -> Settings:
    """Read the configuration file (``path``, else ``$ERP_CONFIG``, else the project's) and the environment."""
    environ = os.environ if environ is None else environ
    chosen = path or environ.get("ERP_CONFIG")
    if chosen:
        source: Path | None = Path(chosen).resolve()
        data = _read_file(source)
    elif DEFAULT_CONFIG_FILE.exists():
        source = DEFAULT_CONFIG_FILE
        data = _read_file(source)
    else:
        source, data = None, {}
    _check_shape(source, data)
    base = source.parent if source else Path.cwd()
    file_databases = {k: _resolve_url(str(v), base) for k, v in data.get("databases", {}).items()}
    file_paths = [(base / p).resolve() for p in data.get("addons", {}).get("path", [])]

    overrides: dict[str, Any] = {}
    _apply_environment(overrides, environ)
    databases = {**file_databases, **{k: _resolve_url(v, Path.cwd()) for k, v in overrides.pop("databases", {}).items()}}
    env_paths = overrides.get("addons", {}).pop("path", None)
    addons_path = [Path(p).resolve() for p in env_paths] if env_paths is not None else file_paths

    sections = {
        name: _frozen({**data.get(name, {}), **overrides.get(name, {})})
        for name in set(data) | set(overrides)
        if name not in ("databases",)
    }
    return Settings(
        source=source,
        databases=_frozen(databases),
        addons_path=tuple(addons_path),
        sections=_frozen(sections),
    )
