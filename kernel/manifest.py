"""Addon manifests: found on the addons path and through entry points, read as data.

A manifest is the ``__manifest__.py`` file of an addon folder: one Python dict
literal.  It is parsed with :func:`ast.literal_eval` and never executed, so a
call, a name or any other code in it is an error.  Every key must be one of
:data:`MANIFEST_DEFAULTS`; missing keys take the default shown there.
"""

from __future__ import annotations

import ast
import copy
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from importlib import metadata
from importlib.util import find_spec
from pathlib import Path
from types import MappingProxyType
from typing import Any

from .exceptions import ManifestError

MANIFEST_FILE = "__manifest__.py"
ENTRY_POINT_GROUP = "erp.addons"
ADDON_NAME = re.compile(r"[a-z][a-z0-9_]*")
VERSION = re.compile(r"\d+(\.\d+)*")
HIDDEN_CATEGORY = "Hidden"

# key: (default, accepted types, description used in errors)
MANIFEST_DEFAULTS: Mapping[str, tuple[Any, tuple[type, ...], str]] = {
    "name": (None, (str,), "a non-empty string"),
    "version": ("1.0", (str,), "a version string such as '1.0'"),
    "summary": ("", (str,), "a string"),
    "description": ("", (str,), "a string"),
    "author": ("", (str,), "a string"),
    "website": ("", (str,), "a string"),
    "license": ("LGPL-3", (str,), "a string"),
    "category": ("Uncategorized", (str,), "a string"),
    "depends": ([], (list,), "a list of addon names"),
    "data": ([], (list,), "a list of file paths"),
    "demo": ([], (list,), "a list of file paths"),
    "auto_install": (False, (bool, list), "a boolean or a list of dependency names"),
    "installable": (True, (bool,), "a boolean"),
    "application": (False, (bool,), "a boolean"),
    "active_rule": (False, (bool,), "a boolean"),
    "external_dependencies": ({}, (dict,), "a dict such as {'python': ['stdnum']}"),
    "assets": ({}, (dict,), "a dict of bundle name to file list"),
}


@dataclass(frozen=True)
class Manifest:
    """An addon's manifest, validated, with the folder it was found in."""

    addon: str
    path: Path
    name: str
    version: str
    summary: str
    description: str
    author: str
    website: str
    license: str
    category: str
    depends: tuple[str, ...]
    data: tuple[str, ...]
    demo: tuple[str, ...]
    auto_install: bool | tuple[str, ...]
    installable: bool
    application: bool
    active_rule: bool
    external_dependencies: Mapping[str, Any]
    assets: Mapping[str, Any]
    import_name: str | None = None

    @property
    def file(self) -> Path:
        return self.path / MANIFEST_FILE

    @property
    def hidden(self) -> bool:
        return self.category == HIDDEN_CATEGORY

    @property
    def version_info(self) -> tuple[int, ...]:
        return parse_version(self.version)

    @property
    def auto_install_triggers(self) -> tuple[str, ...] | None:
        """The dependencies whose presence installs this addon by itself; ``None``: never."""
        if self.auto_install is False:
            return None
        return self.depends if self.auto_install is True else self.auto_install


def parse_version(version: str) -> tuple[int, ...]:
    return tuple(int(part) for part in version.split("."))


def _literal(file: Path, source: str) -> dict[str, Any]:
    try:
        tree = ast.parse(source, filename=str(file), mode="eval")
    except SyntaxError as exc:
        line = f" on line {exc.lineno}" if exc.lineno else ""
        raise ManifestError(file, f"syntax error{line}: {exc.msg}") from None
    if not isinstance(tree.body, ast.Dict):
        raise ManifestError(file, "must hold a single dict literal")
    keys = [node.value for node in tree.body.keys if isinstance(node, ast.Constant)]
    repeated = sorted({key for key in keys if keys.count(key) > 1}, key=str)
    if repeated:
        raise ManifestError(file, "is given more than once", str(repeated[0]))
    for key_node, value_node in zip(tree.body.keys, tree.body.values):
        key = key_node.value if isinstance(key_node, ast.Constant) else None
        try:
            ast.literal_eval(value_node)
        except ValueError:
            code = ast.get_source_segment(source, value_node) or type(value_node).__name__
            raise ManifestError(
                file, f"line {value_node.lineno}: only literals are allowed, found code: {code}", key
            ) from None
    try:
        return ast.literal_eval(tree.body)
    except ValueError as exc:
        raise ManifestError(file, f"only literals are allowed: {exc}") from None


def _check_str_list(file: Path, key: str, value: list[Any]) -> None:
    bad = [item for item in value if not isinstance(item, str) or not item]
    if bad:
        raise ManifestError(file, f"every entry must be a non-empty string, got {bad[0]!r}", key)


def _validate(file: Path, addon: str, raw: dict[str, Any]) -> dict[str, Any]:
    unknown = sorted(str(key) for key in raw if key not in MANIFEST_DEFAULTS)
    if unknown:
        allowed = ", ".join(MANIFEST_DEFAULTS)
        raise ManifestError(file, f"unknown key; allowed keys are: {allowed}", unknown[0])
    values: dict[str, Any] = {}
    for key, (default, types, description) in MANIFEST_DEFAULTS.items():
        value = raw[key] if key in raw else copy.deepcopy(default)
        if key == "name" and value is None:
            raise ManifestError(file, "is required", key)
        if not isinstance(value, types):
            raise ManifestError(file, f"must be {description}, got {value!r}", key)
        values[key] = value
    if not values["name"].strip():
        raise ManifestError(file, "must be a non-empty string", "name")
    if not VERSION.fullmatch(values["version"]):
        raise ManifestError(file, f"must be {MANIFEST_DEFAULTS['version'][2]}, got {values['version']!r}", "version")
    for key in ("depends", "data", "demo"):
        _check_str_list(file, key, values[key])
    for dep in values["depends"]:
        if not ADDON_NAME.fullmatch(dep):
            raise ManifestError(file, f"{dep!r} is not a valid addon name", "depends")
    if addon in values["depends"]:
        raise ManifestError(file, "an addon cannot depend on itself", "depends")
    auto = values["auto_install"]
    if isinstance(auto, list):
        _check_str_list(file, "auto_install", auto)
        outside = [name for name in auto if name not in values["depends"]]
        if outside:
            raise ManifestError(file, f"{outside[0]!r} is not listed in 'depends'", "auto_install")
        values["auto_install"] = tuple(auto)
    for key in ("depends", "data", "demo"):
        values[key] = tuple(values[key])
    for key in ("external_dependencies", "assets"):
        values[key] = MappingProxyType(values[key])
    return values


def read_manifest(folder: str | Path, import_name: str | None = None) -> Manifest:
    """Read and validate the manifest of the addon in ``folder``; the folder name is the addon name."""
    folder = Path(folder).resolve()
    addon = folder.name
    file = folder / MANIFEST_FILE
    if not ADDON_NAME.fullmatch(addon):
        raise ManifestError(
            file, f"{addon!r} is not a valid addon name (lower-case letters, digits and '_', starting with a letter)"
        )
    try:
        source = file.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ManifestError(file, "file not found") from None
    except UnicodeDecodeError as exc:
        raise ManifestError(file, f"not UTF-8 text: {exc}") from None
    values = _validate(file, addon, _literal(file, source))
    return Manifest(addon=addon, path=folder, import_name=import_name, **values)


def _published(entry: metadata.EntryPoint) -> Manifest:
    """The manifest of an addon published through the ``erp.addons`` entry-point group."""
    spec = find_spec(entry.value)
    locations = list(spec.submodule_search_locations or []) if spec else []
    if not locations:
        raise ManifestError(entry.value, f"entry point {entry.name!r} does not name an importable package")
    manifest = read_manifest(locations[0], import_name=entry.value)
    if manifest.addon != entry.name:
        raise ManifestError(manifest.file, f"entry point {entry.name!r} must be named after its folder {manifest.addon!r}")
    return manifest


class Discovery(dict[str, Manifest]):
    """The usable addons found, by name; :attr:`broken` maps every other addon found to its error.

    A broken manifest stops nothing by itself: it is refused (with its error)
    only when the addon is needed, by a plan or because it is installed.
    """

    def __init__(self) -> None:
        super().__init__()
        self.broken: dict[str, ManifestError] = {}


def discover(addons_path: Iterable[str | Path], entry_points: bool = True) -> Discovery:
    """Every addon on the addons path (and, with ``entry_points``, published ones), by name.

    An addon found twice is broken, its error naming both places: which one
    wins must never depend on the order of a path.  An addons path entry that
    is not a folder is a configuration error, raised at once.
    """
    found = Discovery()
    places: dict[str, str] = {}

    def add(name: str, place: str, read: Callable[[], Manifest]) -> None:
        if name in places:
            found.pop(name, None)
            found.broken[name] = ManifestError(place, f"addon {name!r} is also found at {places[name]}; remove one of them")
            return
        places[name] = place
        try:
            found[name] = read()
        except ManifestError as exc:
            found.broken[name] = exc

    for base in addons_path:
        base = Path(base)
        if not base.is_dir():
            raise ManifestError(base, "addons path entry is not a folder")
        for folder in sorted(base.iterdir()):
            if (folder / MANIFEST_FILE).is_file():
                add(folder.name, str(folder.resolve() / MANIFEST_FILE), lambda folder=folder: read_manifest(folder))
    if entry_points:
        for entry in metadata.entry_points(group=ENTRY_POINT_GROUP):
            add(entry.name, f"entry point {entry.name!r} ({entry.value})", lambda entry=entry: _published(entry))
    return found
