"""The conformance suite every addon inherits (Tryton's idea): checks that hold for any addon.

An addon's tests subclass :class:`AddonConformance`; each check runs on one
database per backend, shared by the checks of the class: the addon's
dependencies are installed first, the schema is noted, then the addon is
installed and checked, and uninstalled last.

* every model the addon defines has access rows;
* every model of the addon with a company field is under company rules;
* every view of the addon validates and renders (its combined view, as a client reads it);
* every menu of the addon opens its action for the administrator (views, domain, context, first page);
* every wizard (transient model) of the addon has a form view that renders, every dialog action a form mode;
* upgrading the addon reloads its data files without changing a record they made;
* uninstalling it leaves no table, column, SQL view, ``ir.ui.view`` or external id behind.

Each check is a function returning the problems it found (empty: conforms),
so that a failure lists every offender at once.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa

from ..db import drop_database
from ..exceptions import DependencyError, KernelError, UserError
from ..kernel import BASE_ADDON, Kernel
from ..orm.env import Environment
from ..security.companies import auto_rule_domains
from ..views import get_view, parse_arch, read_action
from ..views.combine import primary_of
from .databases import clone_database, database_backends, rollback_env, throwaway_database

#: Columns every upgrade may touch: who and when, not what.
LOG_COLUMNS = frozenset({"create_uid", "create_date", "write_uid", "write_date"})
ADMIN_XMLID = "base.user_admin"


def addon_models(env: Environment, addon: str) -> list[str]:
    """The concrete models ``addon`` defines (it owns their tables)."""
    rows = env["ir.model"].sudo().search([("addon", "=", addon), ("abstract", "=", False)])
    return sorted(row.model for row in rows if row.model in env.registry)


def as_admin(env: Environment) -> Environment:
    """The administrator, with access rules applied: what a new database's first user sees."""
    return env(uid=env.ref(ADMIN_XMLID).id, su=False)


def addon_records(env: Environment, addon: str, model: str) -> Any:
    """The records of ``model`` that ``addon``'s data files made (through its external ids)."""
    rows = env["ir.model.data"].sudo().search([("module", "=", addon), ("model", "=", model)])
    return env[model].sudo().with_context(active_test=False).browse(rows.mapped("res_id")).exists()


# -- the checks -------------------------------------------------------------------------------------


def models_without_access(env: Environment, addon: str) -> list[str]:
    """Models of ``addon`` no ``ir.model.access`` row mentions: nobody but the superuser could use them."""
    access = env["ir.model.access"].sudo()
    return [f"{model}: no access rows (add it to security/ir.model.access.csv)"
            for model in addon_models(env, addon)
            if not access.search_count([("model_id.model", "=", model)])]


def company_models_without_rules(env: Environment, addon: str) -> list[str]:
    """Models of ``addon`` with a ``company_id`` to ``res.company`` that no company rule limits and that did
    not opt out with ``_company_rule = False`` (docs/security.md lists the opt-outs)."""
    fields_rows = env["ir.model.fields"].sudo().search([("name", "=", "company_id"), ("relation", "=", "res.company")])
    candidates = {row.model for row in fields_rows if row.addon == addon} | {
        model for model in addon_models(env, addon) if "company_id" in env[model]._fields}
    rules = env["ir.rule"].sudo()
    problems = []
    for model in sorted(candidates):
        if model not in env.registry or model == "res.company":
            continue
        if auto_rule_domains(env[model].sudo()) or type(env[model])._company_rule is False:  # ruled, or opted out
            continue
        global_rules = rules.search([("model_id.model", "=", model), ("group_ids", "=", False)])
        if any("company" in (rule.domain_force or "") for rule in global_rules):
            continue
        problems.append(f"{model}: has company_id but no company rule (a company_id that is not a stored many2one to "
                        f"res.company: set _active_rule on the model or add a global ir.rule on company_ids)")
    return problems


def view_problems(env: Environment, addon: str) -> list[str]:
    """Views of ``addon`` whose combined view does not render for the administrator."""
    admin = as_admin(env)
    problems = []
    for view in addon_records(env, addon, "ir.ui.view"):
        primary = primary_of(view)
        if not primary.model or primary.type == "qweb":
            continue
        problem = _render_problem(admin, primary.model, primary.type, primary.id)
        if problem:
            problems.append(f"view {view.name!r} (id {view.id}): {problem}")
    return problems


def _render_problem(admin: Environment, model: str, view_type: str, view_id: int | None) -> str | None:
    """Why the combined view does not render for ``admin`` (it fails, or names fields it does not describe)."""
    try:
        answer = get_view(admin, model, view_type, view_id)
    except (KernelError, UserError) as exc:
        return str(exc)
    unknown = [name for name in _named_fields(answer["arch"]) if name not in answer["fields"]]
    return f"fields not described: {', '.join(unknown)}" if unknown else None


def menu_problems(env: Environment, addon: str) -> list[str]:
    """Menus of ``addon`` whose action does not open for the administrator: its views and first page."""
    admin = as_admin(env)
    problems = []
    for menu in addon_records(env, addon, "ir.ui.menu"):
        action = menu.action_id
        if not action:
            continue
        try:
            read = read_action(action.with_env(admin))
            for view_id, view_type in read["views"]:
                get_view(admin, read["res_model"], view_type, view_id or None)
            model = admin[read["res_model"]].with_context(**read["context"])
            model.search(read["domain"], limit=read["limit"]).mapped("display_name")
        except (KernelError, UserError) as exc:
            problems.append(f"menu {menu.complete_name!r}: action {action.name!r}: {exc}")
    return problems


def wizard_problems(env: Environment, addon: str) -> list[str]:
    """Wizards of ``addon`` a user could not open: each transient model needs a form view that renders for
    the administrator, and each ``target="new"`` action of the addon a form view among its views."""
    admin = as_admin(env)
    problems = []
    for model in addon_models(env, addon):
        if not type(env[model])._transient:
            continue
        problem = _render_problem(admin, model, "form", None)
        if problem:
            problems.append(f"wizard {model}: its form view does not render: {problem}")
    for action in addon_records(env, addon, "ir.actions.window"):
        if action.target == "new" and "form" not in [mode.strip() for mode in (action.view_mode or "").split(",")]:
            problems.append(f"action {action.name!r} opens a dialog (target new) but has no form view mode")
    return problems


def data_snapshot(kernel: Kernel, addon: str) -> dict[str, Any]:
    """Every record ``addon``'s data files made, as its database row (who and when left out), by external id."""
    with rollback_env(kernel) as env:
        snapshot: dict[str, Any] = {}
        for row in env["ir.model.data"].sudo().search([("module", "=", addon)]):
            xmlid = f"{row.module}.{row.name}"
            model = env.registry.models.get(row.model)
            if model is None or model._table_query or not model._auto:
                snapshot[xmlid] = (row.model, row.res_id)
                continue
            table = model._sql
            found = env.execute(sa.select(table).where(table.c.id == row.res_id)).mappings().first()
            values = {key: value for key, value in (found or {}).items() if key not in LOG_COLUMNS}
            snapshot[xmlid] = (row.model, row.res_id, values, row.noupdate)
        return snapshot


def reload_changes(kernel: Kernel, addon: str) -> list[str]:
    """Upgrade ``addon`` and name every record of its data that the reload changed, added or removed."""
    before = data_snapshot(kernel, addon)
    kernel.upgrade([addon])
    after = data_snapshot(kernel, addon)
    problems = [f"{xmlid}: removed by the upgrade" for xmlid in sorted(set(before) - set(after))]
    problems += [f"{xmlid}: added by the upgrade" for xmlid in sorted(set(after) - set(before))]
    for xmlid in sorted(set(before) & set(after)):
        if before[xmlid] != after[xmlid]:
            problems.append(f"{xmlid}: changed by the upgrade: {_difference(before[xmlid], after[xmlid])}")
    return problems


@dataclass(frozen=True)
class SchemaSnapshot:
    """What an install may add and an uninstall must take away again."""

    columns: frozenset[tuple[str, str]]
    sql_views: frozenset[str]
    xmlids: frozenset[str]
    ui_views: frozenset[tuple[int, str]]

    def leftovers(self, after: SchemaSnapshot) -> list[str]:
        """What ``after`` (taken after an install and uninstall) has that this snapshot had not."""
        tables_before = {table for table, _ in self.columns}
        new_tables = sorted({table for table, _ in after.columns} - tables_before)
        problems = [f"table {name} left behind" for name in new_tables]
        problems += [f"column {table}.{column} left behind" for table, column in sorted(after.columns - self.columns)
                     if table in tables_before]
        problems += [f"SQL view {name} left behind" for name in sorted(after.sql_views - self.sql_views)]
        problems += [f"external id {name} left behind" for name in sorted(after.xmlids - self.xmlids)]
        problems += [f"ir.ui.view {name!r} (id {view_id}) left behind"
                     for view_id, name in sorted(after.ui_views - self.ui_views)]
        return problems


def schema_snapshot(kernel: Kernel) -> SchemaSnapshot:
    """The database's tables and columns, SQL views, external ids and ``ir.ui.view`` rows, as they are now."""
    with kernel.engine.connect() as connection:
        inspector = sa.inspect(connection)
        columns = {(table, column["name"]) for table, found in inspector.get_multi_columns().items()
                   for column in found}
        sql_views = set(inspector.get_view_names())
        xmlids = {f"{module}.{name}" for module, name in connection.execute(sa.text("SELECT module, name FROM ir_model_data"))}
        ui_views = {(view_id, name) for view_id, name in connection.execute(sa.text("SELECT id, name FROM ir_ui_view"))}
    return SchemaSnapshot(frozenset((table[1], column) for table, column in columns), frozenset(sql_views),
                          frozenset(xmlids), frozenset(ui_views))


def _named_fields(arch: str) -> list[str]:
    """The fields an arch names on its own model (not those of an x2many field's subview)."""
    root = parse_arch(arch)
    return [node.get("name") or "" for node in root.iter("field")
            if not any(ancestor.tag == "field" for ancestor in node.iterancestors())]


def _difference(before: tuple[Any, ...], after: tuple[Any, ...]) -> str:
    if len(before) < 3 or len(after) < 3 or before[:2] != after[:2]:
        return f"{before[:2]} -> {after[:2]}"
    old, new = before[2], after[2]
    changed = [f"{key}: {old.get(key)!r} -> {new.get(key)!r}" for key in sorted(set(old) | set(new))
               if old.get(key) != new.get(key)]
    if before[3] != after[3]:
        changed.append(f"noupdate: {before[3]} -> {after[3]}")
    return "; ".join(changed)


def conforms(problems: list[str]) -> None:
    """Fail the test with every problem found, one per line."""
    if problems:
        pytest.fail("\n".join(problems), pytrace=False)


# -- the suite -----------------------------------------------------------------------------------------


@dataclass
class AddonDatabase:
    """A throwaway database holding ``addon``, and the schema as it was before the addon came."""

    kernel: Kernel
    addon: str
    before: SchemaSnapshot | None  # None for base: nothing comes before it
    installed: bool = True

    def ensure_installed(self) -> None:
        """Install the addon again if a check removed it (when checks run out of their order)."""
        if not self.installed:
            self.kernel.install([self.addon])
            self.installed = True

    def env(self) -> Any:
        """A superuser environment, rolled back at its end."""
        self.ensure_installed()
        return rollback_env(self.kernel)


class BaseTemplates:
    """One database per backend and addons path holding ``base`` with demo data, copied for each addon checked."""

    def __init__(self, folder: Path):
        self.folder = folder
        self.urls: dict[tuple[str, tuple[Path, ...]], str] = {}

    def copy(self, backend: str, addons_path: list[Path]) -> str:
        key = (backend, tuple(addons_path))
        if key not in self.urls:
            url = throwaway_database(backend, self.folder)
            kernel = Kernel(url, addons_path=addons_path)
            try:
                kernel.init(demo=True)
            finally:
                kernel.close()
            self.urls[key] = url
        return clone_database(self.urls[key], self.folder)

    def drop(self) -> None:
        for url in self.urls.values():
            drop_database(url)


@pytest.fixture(scope="session")
def conformance_templates(tmp_path_factory: pytest.TempPathFactory) -> Iterator[BaseTemplates]:
    """The conformance suite's ``base`` databases, made once per test session."""
    templates = BaseTemplates(tmp_path_factory.mktemp("conformance-templates"))
    yield templates
    templates.drop()


def addon_database(url: str, addons_path: list[Path], addon: str) -> Iterator[AddonDatabase]:
    """Install ``addon`` on the database at ``url`` (holding ``base``), its dependencies first; dropped at the end."""
    kernel = Kernel(url, addons_path=addons_path)
    try:
        before = None
        if addon != BASE_ADDON:
            manifest = kernel.manifests.get(addon)
            if manifest is None:
                raise DependencyError(f"no addon {addon!r} on the addons path "
                                      f"({', '.join(str(p) for p in kernel.settings.addons_path)})")
            kernel.install(manifest.depends)
            before = schema_snapshot(kernel)
        kernel.install([addon])
        yield AddonDatabase(kernel, addon, before)
    finally:
        kernel.close()
        drop_database(url)


class AddonConformance:
    """Subclass it in an addon's tests to run the conformance checks on it, on every configured backend::

        class TestConformance(AddonConformance):
            addon = "my_addon"     # default: the addon the test file lives in

    The addons path is the ``erp_addons_path`` fixture's.  The checks share one
    database per backend; the uninstall check runs last.
    """

    addon: str | None = None

    @pytest.fixture(scope="class", params=database_backends())
    @classmethod
    def addon_db(cls, request: pytest.FixtureRequest, conformance_templates: BaseTemplates,
                 erp_addons_path: list[Path]) -> Iterator[AddonDatabase]:
        from . import addon_folder

        addon = cls.addon
        if addon is None:
            folder = addon_folder(request.path)
            if folder is None:
                pytest.fail(f"{cls.__name__}: set `addon`, the test file is not inside an addon", pytrace=False)
            addon = folder.name
        yield from addon_database(conformance_templates.copy(request.param, erp_addons_path), erp_addons_path, addon)

    def test_models_have_access_rows(self, addon_db: AddonDatabase) -> None:
        with addon_db.env() as env:
            conforms(models_without_access(env, addon_db.addon))

    def test_company_models_under_company_rules(self, addon_db: AddonDatabase) -> None:
        with addon_db.env() as env:
            conforms(company_models_without_rules(env, addon_db.addon))

    def test_views_render(self, addon_db: AddonDatabase) -> None:
        with addon_db.env() as env:
            conforms(view_problems(env, addon_db.addon))

    def test_wizards_open(self, addon_db: AddonDatabase) -> None:
        with addon_db.env() as env:
            conforms(wizard_problems(env, addon_db.addon))

    def test_menus_open(self, addon_db: AddonDatabase) -> None:
        with addon_db.env() as env:
            conforms(menu_problems(env, addon_db.addon))

    def test_data_reloads_unchanged(self, addon_db: AddonDatabase) -> None:
        addon_db.ensure_installed()
        conforms(reload_changes(addon_db.kernel, addon_db.addon))

    def test_uninstall_leaves_nothing(self, addon_db: AddonDatabase) -> None:
        if addon_db.before is None:
            with pytest.raises(DependencyError, match="cannot be uninstalled"):
                addon_db.kernel.uninstall([addon_db.addon])
            return
        addon_db.ensure_installed()
        addon_db.kernel.uninstall([addon_db.addon])
        addon_db.installed = False
        conforms(addon_db.before.leftovers(schema_snapshot(addon_db.kernel)))
