"""The addon dependency graph: install order and install, upgrade and uninstall plans.

Every addon has a *depth*: 1 for an addon without dependencies, else one more
than its deepest dependency.  Addons are installed by depth, then by name, so
the order never depends on the order of a folder listing::

    depth 1   base
              /   \\
    depth 2  web   core_purchase  master_sale  mail
             |  \\                               |
    depth 3  webx onboarding                    crm  (base, mail)
               \\   /
    depth 4   partners  (base, onboarding, webx)

    order: base, core_purchase, mail, master_sale, web, crm, onboarding, webx, partners

Plans are computed from the manifests and the set of installed addons alone;
nothing here touches a database.  Every problem raises
:class:`~kernel.exceptions.DependencyError`: nothing is skipped silently.  An
addon whose manifest is broken stops a plan only when the plan needs it: then
its :class:`~kernel.exceptions.ManifestError` is raised.
"""

from __future__ import annotations

import difflib
from collections.abc import Collection, Iterable, Mapping
from typing import NoReturn

from .exceptions import DependencyError, ManifestError
from .manifest import Manifest


class AddonGraph:
    """The dependency relation between the addons known to the kernel."""

    def __init__(self, manifests: Mapping[str, Manifest], broken: Mapping[str, ManifestError] | None = None):
        self.manifests = dict(manifests)
        self.broken = dict(broken or {})
        self._depth: dict[str, int] = {}

    # -- structure ---------------------------------------------------------

    def check_known(self, names: Iterable[str]) -> None:
        """Raise for a name that is no known addon, suggesting the closest known names."""
        for name in names:
            if name in self.broken:
                self.refuse_broken(name)
            if name not in self.manifests:
                close = difflib.get_close_matches(name, self.manifests, n=3, cutoff=0.6)
                hint = f"; did you mean: {', '.join(close)}?" if close else ""
                raise DependencyError(f"unknown addon {name!r}{hint}", missing={"(request)": [name]})

    def manifest(self, name: str) -> Manifest:
        """The manifest of a known addon; an unknown one raises :class:`DependencyError`."""
        try:
            return self.manifests[name]
        except KeyError:
            self.check_known([name])
            raise

    def refuse_broken(self, name: str, why: str | None = None) -> NoReturn:
        """Raise the error of an addon whose manifest is broken, now that something needs it (``why``)."""
        error = self.broken[name]
        refused = ManifestError(error.path, error.reason, error.key)
        if why is not None:
            refused.add_note(why)
        raise refused

    def depth(self, name: str) -> int:
        """1 + the depth of the deepest dependency; detects cycles and missing addons."""
        if name not in self._depth:
            self._visit(name, [])
        return self._depth[name]

    def _visit(self, name: str, stack: list[str]) -> int:
        if name in self._depth:
            return self._depth[name]
        if name in stack:
            cycle = stack[stack.index(name):] + [name]
            raise DependencyError(f"dependency cycle: {' -> '.join(cycle)}", cycle=cycle)
        manifest = self.manifest(name)
        for dep in manifest.depends:
            if dep in self.broken:
                self.refuse_broken(dep, why=f"addon {name!r} depends on {dep!r}")
        missing = [dep for dep in manifest.depends if dep not in self.manifests]
        if missing:
            listed = ", ".join(repr(dep) for dep in missing)
            raise DependencyError(
                f"addon {name!r} depends on {listed}, which {'is' if len(missing) == 1 else 'are'} "
                f"not on the addons path",
                missing={name: missing},
            )
        stack.append(name)
        deepest = max((self._visit(dep, stack) for dep in manifest.depends), default=0)
        stack.pop()
        self._depth[name] = deepest + 1
        return deepest + 1

    def order(self, names: Iterable[str]) -> list[str]:
        """``names`` in install order: by depth, then by name."""
        return sorted(set(names), key=lambda name: (self.depth(name), name))

    def dependencies(self, names: Iterable[str]) -> set[str]:
        """``names`` and everything they depend on, transitively."""
        result: set[str] = set()
        todo = list(names)
        while todo:
            name = todo.pop()
            if name not in result:
                self.depth(name)
                result.add(name)
                todo.extend(self.manifests[name].depends)
        return result

    def dependents(self, names: Iterable[str], among: Collection[str]) -> set[str]:
        """``names`` and the addons of ``among`` that depend on them, transitively."""
        result = set(names)
        changed = True
        while changed:
            changed = False
            for name in among:
                if name not in result and result.intersection(self.manifest(name).depends):
                    result.add(name)
                    changed = True
        return result

    # -- plans -------------------------------------------------------------

    def plan_install(self, requested: Iterable[str], installed: Collection[str]) -> list[str]:
        """The addons to install, in order: the requested ones, their missing dependencies,
        and every ``auto_install`` addon whose triggers are then all present."""
        requested = list(requested)
        self.check_known(requested)
        planned = self.dependencies(requested) - set(installed)
        self._check_installable(planned, requested)
        while True:
            present = planned | set(installed)
            extra: set[str] = set()
            for name, manifest in self.manifests.items():
                triggers = manifest.auto_install_triggers
                if name in present or triggers is None or not manifest.installable:
                    continue
                if present.issuperset(triggers):
                    extra |= self.dependencies([name]) - present
            if not extra:
                break
            self._check_installable(extra, sorted(extra))
            planned |= extra
        return self.order(planned)

    def _check_installable(self, names: Iterable[str], requested: list[str]) -> None:
        for name in self.order(names):
            if not self.manifests[name].installable:
                needed_by = sorted(
                    other for other in self.dependencies(requested) if name in self.manifests[other].depends
                )
                why = f", and {', '.join(repr(n) for n in needed_by)} depend(s) on it" if needed_by else ""
                raise DependencyError(
                    f"addon {name!r} is not installable (its manifest says 'installable': False){why}"
                )

    def _check_installed(self, requested: list[str], installed: Collection[str], action: str) -> None:
        self.check_known(requested)
        for name in requested:
            if name not in installed:
                raise DependencyError(f"cannot {action} addon {name!r}: it is not installed")

    def plan_upgrade(self, requested: Iterable[str], installed: Collection[str]) -> list[str]:
        """The requested addons and the installed addons depending on them, in install order."""
        requested = list(requested)
        self._check_installed(requested, installed, "upgrade")
        return self.order(self.dependents(requested, installed))

    def plan_uninstall(self, requested: Iterable[str], installed: Collection[str]) -> list[str]:
        """The requested addons and the installed addons depending on them, dependents first."""
        requested = list(requested)
        self._check_installed(requested, installed, "uninstall")
        return list(reversed(self.order(self.dependents(requested, installed))))
