"""The :class:`Kernel`: one database, the addons found for it, and their lifecycle."""

from __future__ import annotations

import contextlib
import json
import threading
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

import sqlalchemy as sa

from . import custom_fields
from .archives import DeletedData, deleted_data
from .custom_fields import manual_layers
from .config import Settings, load_settings
from .db import (
    check_connection,
    create_database,
    create_engine,
    database_exists,
    ir_config_parameter,
    ir_module,
    kernel_metadata,
    safe_url,
    transaction,
    utcnow,
)
from .exceptions import DatabaseError, DependencyError, ManifestError
from .graph import AddonGraph
from .lifecycle_lock import lifecycle_lock
from .loading import Plan, PlanRunner, read_registry_sequence
from .manifest import Discovery, discover
from .i18n import Translations
from .models import CORE_MODELS
from .orm.env import SUPERUSER_ID, Environment, Transaction
from .orm.registry import Registry
from .plugins import AddonPluginManager
from .security import guards
from .security.active_rule import with_active_rule
from .security.setup import set_admin_password, warn_unprotected_models

BASE_ADDON = "base"


@dataclass(frozen=True)
class AddonInfo:
    """An addon as ``erp addons`` shows it."""

    name: str
    state: str
    version: str | None
    available_version: str | None
    category: str
    summary: str
    hidden: bool
    error: str | None = None  # why its manifest cannot be used

    @property
    def on_path(self) -> bool:
        return self.available_version is not None


class Kernel:
    """The entry point for integrators, tests and the command line.

    ``Kernel(url)`` binds a database; without a URL it takes the configured
    alias (``default`` unless told otherwise).  Nothing touches the database
    until a method needs it.
    """

    def __init__(
        self,
        url: str | None = None,
        *,
        addons_path: Iterable[str | Path] | None = None,
        settings: Settings | None = None,
        alias: str = "default",
    ):
        self.settings = settings or load_settings()
        if addons_path is not None:
            self.settings = self.settings.with_addons_path(list(addons_path))
        self.url = url or self.settings.database_url(alias)
        self.engine = create_engine(self.url)
        self._manifests: Discovery | None = None
        self._plugins: AddonPluginManager | None = None
        self._registry: Registry | None = None
        self._translations: Translations | None = None
        self._registry_sequence: int | None = None  # the database's registry sequence when _registry was built
        self._registry_lock = threading.RLock()  # server threads share the kernel
        self._lock_depth = 0
        # told how far install, upgrade and uninstall are: (percent, what is being done); a command's progress bar
        self.progress_listener: Callable[[float, str], None] | None = None

    def __repr__(self) -> str:
        return f"Kernel({safe_url(self.url)!r})"

    def close(self) -> None:
        self.engine.dispose()

    # -- addons on disk ------------------------------------------------------

    @property
    def manifests(self) -> Discovery:
        """Every usable addon found on the addons path and through entry points (``.broken``: the others)."""
        if self._manifests is None:
            self._manifests = discover(self.settings.addons_path)
        return self._manifests

    @property
    def graph(self) -> AddonGraph:
        return AddonGraph(self.manifests, self.manifests.broken)

    # -- database state ------------------------------------------------------

    def is_initialised(self) -> bool:
        if not database_exists(self.url):
            return False
        check_connection(self.engine)
        with self.engine.connect() as connection:
            return sa.inspect(connection).has_table(ir_module.name)

    def _require_initialised(self) -> None:
        if not self.is_initialised():
            raise DatabaseError(
                f"database {safe_url(self.url)} is not initialised; create it with `erp init`"
            )

    def _states(self, allow_uninitialised: bool = False) -> dict[str, tuple[str, str | None]]:
        """Each recorded addon's (state, version); with ``allow_uninitialised``, an empty
        database reads as having nothing installed."""
        if allow_uninitialised and not self.is_initialised():
            return {}
        self._require_initialised()
        with self.engine.connect() as connection:
            rows = connection.execute(sa.select(ir_module.c.name, ir_module.c.state, ir_module.c.version))
            return {name: (state, version) for name, state, version in rows}

    def installed(self, allow_uninitialised: bool = False) -> list[str]:
        """The installed addons, in install order."""
        states = self._states(allow_uninitialised)
        names = [name for name, (state, _) in states.items() if state not in ("uninstalled", "to install")]
        for name in sorted(set(names) & set(self.manifests.broken)):
            self.graph.refuse_broken(name, why=f"addon {name!r} is installed in this database")
        missing = sorted(set(names) - set(self.manifests))
        if missing:
            raise DependencyError(
                f"installed addon(s) {', '.join(missing)} not found on the addons path "
                f"({', '.join(str(p) for p in self.settings.addons_path) or 'empty'})",
                missing={"(database)": missing},
            )
        return self.graph.order(names)

    def addons(self) -> list[AddonInfo]:
        """Every addon on the path or recorded in the database, in install order where known."""
        states = self._states()
        known = [name for name in self.manifests]
        try:
            ordered = self.graph.order(known)
        except (DependencyError, ManifestError):
            ordered = sorted(known)
        broken = self.manifests.broken
        ordered += sorted(broken) + sorted(set(states) - set(self.manifests) - set(broken))
        result = []
        for name in ordered:
            state, version = states.get(name, ("uninstalled", None))
            manifest = self.manifests.get(name)
            error = broken.get(name)
            result.append(
                AddonInfo(
                    name=name,
                    state=state,
                    version=version,
                    available_version=manifest.version if manifest else None,
                    category=manifest.category if manifest else "",
                    summary=manifest.summary if manifest else "(broken manifest)" if error else "(not on the addons path)",
                    hidden=manifest.hidden if manifest else False,
                    error=str(error) if error else None,
                )
            )
        return result

    def get_parameter(self, key: str, default: str | None = None) -> str | None:
        with self.engine.connect() as connection:
            query = sa.select(ir_config_parameter.c.value).where(ir_config_parameter.c.key == key)
            value = connection.execute(query).scalar()
        return default if value is None else value

    @property
    def demo(self) -> bool:
        """Whether the database was created with demo data."""
        return json.loads(self.get_parameter("database.demo", "false") or "false")

    # -- plugins -------------------------------------------------------------

    @property
    def plugins(self) -> AddonPluginManager:
        """The hook implementations of the installed addons, registered in install order."""
        if self._plugins is None:
            plugins = AddonPluginManager()
            plugins.register_addons(self.manifests[name] for name in self.installed())
            self._plugins = plugins
        return self._plugins

    @property
    def registry(self) -> Registry:
        """The composed models of the kernel and of every registered addon, in install order."""
        registry = self._registry
        if registry is None:
            with self._registry_lock:
                if self._registry is None:
                    self.build_registry()
                registry = self._registry
        return registry

    def refresh(self, connection: sa.Connection) -> None:
        """Forget the registry and what goes with it if another process installed or removed addons since.

        One small query on ``connection``: the registry sequence (see :mod:`kernel.loading`).
        """
        sequence = read_registry_sequence(connection)
        if sequence != self._registry_sequence:
            with self._registry_lock:
                if sequence != self._registry_sequence:
                    self.reload()
                    self._registry_sequence = sequence

    def current_registry(self, connection: sa.Connection) -> Registry:
        """The registry as the database's installed addons are now (see :meth:`refresh`)."""
        self.refresh(connection)
        return self.registry

    def build_registry(self, connection: sa.Connection | None = None) -> Registry:
        """Compose the models of the addons registered with :attr:`plugins` (in install order), then the
        custom fields of the database (read on ``connection``, else on a connection of its own)."""
        layers: list[tuple[str, list[type]]] = [(BASE_ADDON, CORE_MODELS)]
        implementations = {impl.plugin_name: impl for impl in self.plugins.hook.kernel_models.get_hookimpls()}
        for name in self.graph.order(implementations):
            layers.append((name, with_active_rule(self.manifests[name], implementations[name].function() or [])))
        if connection is None:
            with self.engine.connect() as own:
                manual = manual_layers(own, layers)
        else:
            manual = manual_layers(connection, layers)
        self._registry = Registry(layers + manual, policy=guards)
        return self._registry

    def add_custom_field(self, env: Environment, model: str, name: str, ttype: str, label: str | None = None,
                         selection: str | None = None, relation: str | None = None) -> Any:
        """Add a custom field in ``env``'s transaction (see :mod:`kernel.custom_fields`)."""
        return custom_fields.add_custom_field(env, model, name, ttype, label, selection, relation)

    def remove_custom_field(self, env: Environment, model: str, name: str) -> None:
        """Remove a custom field and its column in ``env``'s transaction (see :mod:`kernel.custom_fields`)."""
        custom_fields.remove_custom_field(env, model, name)

    @property
    def translations(self) -> Translations:
        """The translation catalogs of the installed addons."""
        if self._translations is None:
            self._translations = Translations(self.manifests[name] for name in self.installed())
        return self._translations

    def reload(self) -> None:
        """Forget what was derived from the database and the disk; rebuilt on next use."""
        with self._registry_lock:
            self._manifests = None
            self._plugins = None
            self._registry = None
            self._translations = None
            self._registry_sequence = None

    # -- lifecycle -----------------------------------------------------------

    def init(self, admin_password: str = "admin", demo: bool = False) -> list[str]:
        """Create the database and install ``base``; idempotent.  Returns what was installed.

        ``demo`` is decided once, when the database is created.  ``admin_password``
        is the password of the ``admin`` user created by ``base``.
        """
        create_database(self.url)
        check_connection(self.engine)
        with self.lifecycle_lock():
            with self.engine.begin() as connection:
                kernel_metadata.create_all(connection)
                exists = sa.select(ir_config_parameter.c.id).where(ir_config_parameter.c.key == "database.demo")
                created = connection.execute(exists).first() is None
                if created:
                    connection.execute(
                        ir_config_parameter.insert(),
                        [
                            {"key": "database.demo", "value": json.dumps(bool(demo))},
                            {"key": "database.create_date", "value": utcnow().isoformat(timespec="seconds")},
                        ],
                    )
            self.reload()
            installed = self.install([BASE_ADDON])
            if created:
                with self.env() as env:
                    set_admin_password(env, admin_password)
        return installed

    def plan_install(self, names: Iterable[str]) -> list[str]:
        """The addons ``install(names)`` would install, in order; changes nothing."""
        return self.graph.plan_install(list(names), self.installed(allow_uninitialised=True))

    def plan_upgrade(self, names: Iterable[str]) -> list[str]:
        return self.graph.plan_upgrade(list(names), self.installed())

    def plan_uninstall(self, names: Iterable[str]) -> list[str]:
        names = list(names)
        if BASE_ADDON in names:
            raise DependencyError(f"addon {BASE_ADDON!r} cannot be uninstalled: every other addon needs it")
        return self.graph.plan_uninstall(names, self.installed())

    @contextlib.contextmanager
    def lifecycle_lock(self) -> Iterator[None]:
        """Hold the database's lifecycle lock (see :mod:`kernel.lifecycle_lock`); re-entrant within this kernel."""
        if self._lock_depth:
            self._lock_depth += 1
            try:
                yield
            finally:
                self._lock_depth -= 1
            return
        with lifecycle_lock(self.url):
            self._lock_depth = 1
            try:
                yield
            finally:
                self._lock_depth = 0

    def plan_uninstall_data(self, plan: Iterable[str]) -> list[DeletedData]:
        """The business data uninstalling the addons of ``plan`` deletes (archived first); changes nothing."""
        with self.env() as env:
            return deleted_data(env, list(plan))

    def install(self, names: Iterable[str]) -> list[str]:
        """Install the addons with their dependencies and auto-installed addons; returns the plan."""
        return self._apply("install", names)

    def upgrade(self, names: Iterable[str]) -> list[str]:
        return self._apply("upgrade", names)

    def uninstall(self, names: Iterable[str]) -> list[str]:
        return self._apply("uninstall", names)

    def _apply(self, action: Literal["install", "upgrade", "uninstall"], names: Iterable[str]) -> list[str]:
        """Plan and run under the lifecycle lock, so that the plan sees no other command half done."""
        names = list(names)
        self._require_initialised()
        planners = {"install": self.plan_install, "upgrade": self.plan_upgrade, "uninstall": self.plan_uninstall}
        with self.lifecycle_lock():
            with self.engine.connect() as connection:
                self.refresh(connection)  # another process may have changed the addons before the lock
            plan = Plan(action, tuple(planners[action](names)))
            if plan.addons:
                PlanRunner(self).run(plan)
                if plan.action == "install":
                    with self.env() as env:
                        warn_unprotected_models(env, plan.addons, exempt=[cls._name for cls in CORE_MODELS])
        return list(plan.addons)

    # -- environments ----------------------------------------------------------

    def environment(self, connection: sa.Connection, uid: int = SUPERUSER_ID, context: Mapping[str, Any] | None = None,
                    *, registry: Registry | None = None) -> Environment:
        """An environment on ``connection``'s transaction: the one way every caller builds one.

        ``registry`` defaults to the one matching the database (see :meth:`current_registry`).
        """
        registry = self.current_registry(connection) if registry is None else registry
        return Environment(Transaction(self, connection, registry), uid, context, su=uid == SUPERUSER_ID)

    @contextlib.contextmanager
    def env(self, login: str | None = None, context: dict | None = None) -> Iterator[Environment]:
        """An environment in its own transaction: committed on exit, rolled back on error.

        Without ``login`` it is the superuser's; with one, that user's.
        """
        self._require_initialised()
        with transaction(self.engine) as connection:  # a writer inside kernel.db.writing()
            registry = self.current_registry(connection)
            env = self.environment(connection, context=context, registry=registry)
            if login is not None:
                user = env["res.users"].with_context(active_test=False).search([("login", "=", login)], limit=1)
                if not user or not user.active:
                    raise DatabaseError(f"no active user with login {login!r}")
                env = env(uid=user.id, su=False)
            yield env

