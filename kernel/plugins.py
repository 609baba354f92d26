"""The pluggy plugin manager that holds the installed addons' hook implementations."""

from __future__ import annotations

import importlib
import importlib.util
import sys
from collections.abc import Iterable
from types import ModuleType
from typing import Any

import pluggy

from . import hooks
from .broker import Job
from .exceptions import HookError
from .manifest import Manifest

ADDON_NAMESPACE = "kernel.addons"


class AddonPluginManager(pluggy.PluginManager):
    """Registers addon modules in install order and refuses unknown ``kernel_*`` hooks.

    Any function whose name starts with ``kernel_`` is treated as a hook
    implementation, marked or not, so that a misspelt hook fails
    :meth:`check_pending` instead of being ignored.
    """

    def __init__(self) -> None:
        super().__init__(hooks.PROJECT)
        self.add_hookspecs(hooks)
        self._jobs: dict[str, Job] | None = None

    def jobs(self) -> dict[str, Job]:
        """The jobs the registered addons declare (``kernel_jobs``), by name; a name declared twice, or
        something else than a :class:`~kernel.broker.Job`, names the addon."""
        if self._jobs is None:
            found: dict[str, tuple[str, Job]] = {}
            for impl in self.hook.kernel_jobs.get_hookimpls():
                declarations: Any = impl.function()
                for declared in declarations or []:
                    if not isinstance(declared, Job):
                        raise HookError(f"addon {impl.plugin_name!r}: kernel_jobs returned {declared!r}, "
                                        "not a job declared with @kernel.job(name)")
                    if declared.name in found:
                        raise HookError(f"job {declared.name!r} is declared by both {found[declared.name][0]!r} "
                                        f"and {impl.plugin_name!r}")
                    found[declared.name] = (impl.plugin_name, declared)
            self._jobs = {name: declared for name, (_, declared) in found.items()}
        return self._jobs

    def parse_hookimpl_opts(self, plugin: Any, name: str) -> Any:
        opts = super().parse_hookimpl_opts(plugin, name)
        if opts is None and name.startswith("kernel_") and callable(getattr(plugin, name, None)):
            return {}
        return opts

    def unregister(self, plugin: Any = None, name: str | None = None) -> Any:
        self._jobs = None
        return super().unregister(plugin, name)

    def register_addons(self, manifests: Iterable[Manifest]) -> None:
        """Import and register each addon, in the order given (install order)."""
        self._jobs = None
        for manifest in manifests:
            if self.has_plugin(manifest.addon):
                continue
            module = import_addon(manifest)
            try:
                self.register(module, name=manifest.addon)
            except pluggy.PluginValidationError as exc:
                raise HookError(f"addon {manifest.addon!r}: {exc}") from None
        try:
            self.check_pending()
        except pluggy.PluginValidationError as exc:
            plugin_name = self.get_name(exc.plugin) if exc.plugin is not None else "?"
            raise HookError(f"addon {plugin_name!r}: {exc}") from None


def import_addon(manifest: Manifest) -> ModuleType:
    """Import an addon's package: by its own name for an entry point, else under ``kernel.addons``."""
    if manifest.import_name:
        return importlib.import_module(manifest.import_name)
    name = f"{ADDON_NAMESPACE}.{manifest.addon}"
    module = sys.modules.get(name)
    init = manifest.path / "__init__.py"
    if module is not None and getattr(module, "__file__", None) == str(init):
        return module
    if not init.is_file():
        raise HookError(f"addon {manifest.addon!r}: {init} is missing")
    for stale in [key for key in sys.modules if key == name or key.startswith(name + ".")]:
        del sys.modules[stale]
    spec = importlib.util.spec_from_file_location(name, init, submodule_search_locations=[str(manifest.path)])
    if spec is None or spec.loader is None:
        raise HookError(f"addon {manifest.addon!r}: cannot import {init}")
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    try:
        spec.loader.exec_module(module)
    except Exception:
        del sys.modules[name]
        raise
    return module
