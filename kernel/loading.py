"""Applying a plan: each addon's named steps, each addon in its own transaction.

A plan (what to do, to which addons, in which order) is computed first by
:mod:`kernel.graph` without touching the database; :class:`PlanRunner` then
applies it.  Every addon runs its steps in one transaction:

    install    import -> models -> schema -> migrations (stamped) -> data -> restore (from the
               archive of its last uninstall, :mod:`kernel.archives`) -> demo -> post_install
    upgrade    import -> models -> migrations (run) -> schema -> data (vanished records removed)
    uninstall  archive (the business data it deletes) -> pre_uninstall -> data (the addon's records
               removed) -> models -> schema (what it owned dropped) -> migrations (its branch forgotten)

If a step fails, that addon's transaction rolls back whole, the addons before
it stay done, the ones after it are not started, every state is put back to
what it was, and the error names the addon and the step.

Every addon's transaction also bumps the registry sequence (Odoo's registry
signalling): a server process compares it with the one its registry was built
at, with one small query per request, and rebuilds its registry when another
process changed the installed addons (:meth:`kernel.Kernel.current_registry`).
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Literal

import sqlalchemy as sa

from .archives import archive_folder, restore_archive, write_archive
from .data import load_files, remove_addon_data, remove_vanished
from .db import ir_config_parameter, ir_module, transaction, utcnow
from .exceptions import AddonStepError, KernelError, UserError
from .i18n import Translations
from .manifest import Manifest
from .orm.env import SUPERUSER_ID, Environment
from .orm.ownership import check_hidden_type_changes, model_digests, owned_by, stale_tables, sync_model_records
from .orm.column_defaults import fill_defaults
from .orm.schema import drop_owned, sync_schema
from .orm.translations import translate_data

if TYPE_CHECKING:
    from .kernel import Kernel

log = logging.getLogger(__name__)

Action = Literal["install", "upgrade", "uninstall"]
Step = Callable[[Environment, Manifest], None]

PENDING_STATE = {"install": "to install", "upgrade": "to upgrade", "uninstall": "to remove"}
FINAL_STATE = {"install": "installed", "upgrade": "installed", "uninstall": "uninstalled"}
# what an unfinished pending state falls back to
ROLLBACK_STATE = {"to install": "uninstalled", "to upgrade": "installed", "to remove": "installed"}
PROGRESS_VERB = {"install": "installing", "upgrade": "upgrading", "uninstall": "uninstalling"}


@dataclass(frozen=True)
class Plan:
    """What to do to which addons, in the order to do it."""

    action: Action
    addons: tuple[str, ...]


def set_state(connection: sa.Connection, name: str, state: str, version: str | None = None) -> None:
    """Write an addon's state (and version when given), inserting its row if needed."""
    values: dict[str, object] = {"state": state, "write_date": utcnow()}
    if version is not None or state == "uninstalled":
        values["version"] = version
    updated = connection.execute(ir_module.update().where(ir_module.c.name == name).values(**values))
    if not updated.rowcount:
        connection.execute(ir_module.insert().values(name=name, **values))


REGISTRY_SEQUENCE = "registry.sequence"


def read_registry_sequence(connection: sa.Connection) -> int:
    """How many lifecycle changes the database has seen (0 before the first)."""
    query = sa.select(ir_config_parameter.c.value).where(ir_config_parameter.c.key == REGISTRY_SEQUENCE)
    value = connection.execute(query).scalar()
    return int(value) if value else 0


def bump_registry_sequence(connection: sa.Connection) -> int:
    """Tell every process using the database that its registry is out of date; returns the new sequence."""
    sequence = read_registry_sequence(connection) + 1
    key = ir_config_parameter.c.key == REGISTRY_SEQUENCE
    if not connection.execute(ir_config_parameter.update().where(key).values(value=str(sequence))).rowcount:
        connection.execute(ir_config_parameter.insert().values(key=REGISTRY_SEQUENCE, value=str(sequence)))
    return sequence


def reset_pending_states(connection: sa.Connection) -> list[str]:
    """Put back the states an interrupted run left pending; returns the addons concerned."""
    rows = connection.execute(
        sa.select(ir_module.c.name, ir_module.c.state).where(ir_module.c.state.in_(list(ROLLBACK_STATE)))
    ).all()
    for name, state in rows:
        set_state(connection, name, ROLLBACK_STATE[state])
    return [name for name, _ in rows]


class PlanRunner:
    """Runs the steps of a plan against one kernel."""

    def __init__(self, kernel: Kernel):
        self.kernel = kernel
        self.archive: Path | None = None  # written by the running addon's uninstall
        self.steps: dict[Action, list[tuple[str, Step]]] = {
            "install": [
                ("import", self._import), ("models", self._models), ("schema", self._schema),
                ("migrations", self._migrations), ("data", self._data_install), ("restore", self._restore),
                ("demo", self._demo), ("post_install", self._post_install),
            ],
            "upgrade": [
                ("import", self._import), ("models", self._models), ("migrations", self._migrations),
                ("schema", self._schema), ("data", self._data_upgrade),
            ],
            "uninstall": [
                ("archive", self._archive), ("pre_uninstall", self._pre_uninstall), ("data", self._data_remove),
                ("models", self._models_without), ("schema", self._schema), ("migrations", self._migrations),
            ],
        }

    def run(self, plan: Plan) -> None:
        engine = self.kernel.engine
        with transaction(engine, writer=True) as connection:
            stale = reset_pending_states(connection)
            if stale:
                log.warning("an earlier run was interrupted; states reset for: %s", ", ".join(stale))
            for name in plan.addons:
                set_state(connection, name, PENDING_STATE[plan.action])
        try:
            for index, name in enumerate(plan.addons, start=1):
                self._run_addon(plan.action, self.kernel.manifests[name], index, len(plan.addons))
        finally:
            with transaction(engine, writer=True) as connection:
                reset_pending_states(connection)
            self.kernel.reload()

    def _run_addon(self, action: Action, manifest: Manifest, index: int, total: int) -> None:
        started = time.perf_counter()
        log.info("%s %s (%d/%d)", PROGRESS_VERB[action], manifest.addon, index, total)
        self.archive = None
        try:
            self._run_steps(action, manifest, (index - 1) / total, 1 / total)
        except BaseException:
            if self.archive is not None:  # the data it holds was not deleted after all
                self.archive.unlink(missing_ok=True)
            raise
        log.info("%s %s: done in %.2f s", PROGRESS_VERB[action], manifest.addon, time.perf_counter() - started)

    def _run_steps(self, action: Action, manifest: Manifest, done: float, share: float) -> None:
        """The addon's steps in one transaction, which records its final state; ``done`` and ``share``: the
        fractions of the plan before this addon and of this addon, for the kernel's progress listener."""
        listener = self.kernel.progress_listener
        steps = self.steps[action]
        with transaction(self.kernel.engine, writer=True) as connection:
            env = self.kernel.environment(connection, registry=self.kernel.registry)
            for number, (step_name, step) in enumerate(steps):
                if listener is not None:
                    listener(100 * (done + share * number / len(steps)), f"{PROGRESS_VERB[action]} {manifest.addon}: {step_name}")
                try:
                    step(env, manifest)
                except (KernelError, UserError) as exc:
                    exc.addon, exc.step = manifest.addon, step_name  # type: ignore[attr-defined]
                    exc.add_note(f"while {PROGRESS_VERB[action]} addon {manifest.addon!r}, step {step_name!r}")
                    raise
                except Exception as exc:
                    raise AddonStepError(manifest.addon, step_name, exc) from exc
            version = None if action == "uninstall" else manifest.version
            set_state(connection, manifest.addon, FINAL_STATE[action], version)
            bump_registry_sequence(connection)

    # -- steps ---------------------------------------------------------------

    def _import(self, env: Environment, manifest: Manifest) -> None:
        self.kernel.plugins.register_addons([manifest])

    def _models(self, env: Environment, manifest: Manifest) -> None:
        env.transaction.registry = self.kernel.build_registry(env.connection)
        env.transaction.invalidate()

    def _models_without(self, env: Environment, manifest: Manifest) -> None:
        self.kernel.plugins.unregister(name=manifest.addon)
        self._models(env, manifest)

    def _schema(self, env: Environment, manifest: Manifest) -> None:
        state = self._pending_state(env, manifest)
        digests = model_digests(env)
        changes: list[str] = []
        if state == PENDING_STATE["uninstall"]:
            changes += drop_owned(env.connection, env.registry.metadata, owned_by(env, manifest.addon))
        else:
            check_hidden_type_changes(env)
        # an upgrade may have run migrations: compare every table, not only those whose models changed
        only = None if state == PENDING_STATE["upgrade"] else stale_tables(env, digests)
        synced = sync_schema(env.connection, env.registry.metadata, only)
        changes += synced.done + fill_defaults(env, synced.added_columns)
        for change in changes:
            log.debug("%s: %s", manifest.addon, change)
        if manifest.addon == "base":
            self._ensure_system_user(env)
        sync_model_records(env, digests)

    def _migrations(self, env: Environment, manifest: Manifest) -> None:
        from .orm import migrations  # Alembic's scripts: loaded only when an addon's state changes

        run = {
            PENDING_STATE["install"]: migrations.stamp,
            PENDING_STATE["upgrade"]: migrations.upgrade,
            PENDING_STATE["uninstall"]: migrations.forget,
        }[self._pending_state(env, manifest)]
        for line in run(env.connection, self.kernel.manifests, manifest.addon):
            log.info("%s: %s", manifest.addon, line)

    @staticmethod
    def _pending_state(env: Environment, manifest: Manifest) -> str:
        return env.execute(sa.select(ir_module.c.state).where(ir_module.c.name == manifest.addon)).scalar_one()

    def _ensure_system_user(self, env: Environment) -> None:
        users = env["res.users"].with_context(active_test=False)
        if not users.browse(SUPERUSER_ID).exists():
            system = users.create({"name": "System", "login": "__system__", "active": False})
            if system.id != SUPERUSER_ID:
                raise KernelError(f"the system user must be the first user, got id {system.id}")

    def _data_install(self, env: Environment, manifest: Manifest) -> None:
        load_files(env, manifest, manifest.data, "install")
        translate_data(env, manifest.addon, Translations([manifest]))

    def _demo(self, env: Environment, manifest: Manifest) -> None:
        if manifest.demo and self.kernel.demo:
            load_files(env, manifest, manifest.demo, "install")
            translate_data(env, manifest.addon, Translations([manifest]))

    def _data_upgrade(self, env: Environment, manifest: Manifest) -> None:
        loaded = load_files(env, manifest, manifest.data, "upgrade")
        if self.kernel.demo:
            load_files(env, manifest, manifest.demo, "upgrade", loaded)
        for xmlid in remove_vanished(env, manifest.addon, loaded):
            log.info("%s: removed %s, no longer in its data files", manifest.addon, xmlid)
        translate_data(env, manifest.addon, Translations([manifest]))

    def _archive(self, env: Environment, manifest: Manifest) -> None:
        self.archive = write_archive(env, manifest.addon, archive_folder(self.kernel.settings), self.kernel.url)

    def _restore(self, env: Environment, manifest: Manifest) -> None:
        restore_archive(env, manifest.addon)

    def _data_remove(self, env: Environment, manifest: Manifest) -> None:
        remove_addon_data(env, manifest.addon)

    def _post_install(self, env: Environment, manifest: Manifest) -> None:
        self._call_own_hook("kernel_post_install", manifest.addon, env)

    def _pre_uninstall(self, env: Environment, manifest: Manifest) -> None:
        self._call_own_hook("kernel_pre_uninstall", manifest.addon, env)

    def _call_own_hook(self, hook_name: str, addon: str, env: Environment) -> None:
        plugins = self.kernel.plugins
        others = [plugin for name, plugin in plugins.list_name_plugin() if name != addon]
        plugins.subset_hook_caller(hook_name, remove_plugins=others)(env=env)
