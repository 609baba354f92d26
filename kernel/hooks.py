"""The kernel's hook specifications: every extension point an addon may implement.

An addon implements a hook by defining a function of the same name in its
``__init__.py`` (optionally decorated with :data:`kernel.hookimpl` to pass
``tryfirst``, ``trylast`` or ``wrapper``).  Installed addons are registered in
install order, so the addon installed last is called first.  A function named
``kernel_*`` that matches no specification below stops the kernel at start-up
with the addon's name: a typo never goes unnoticed.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pluggy

if TYPE_CHECKING:
    import argparse

PROJECT = "kernel"

hookspec = pluggy.HookspecMarker(PROJECT)
hookimpl = pluggy.HookimplMarker(PROJECT)


@hookspec
def kernel_models() -> list[type]:
    """Return the model classes the addon defines or extends.

    :return: a list of classes; the kernel composes them with the other
        addons' layers in install order.  Importing a module registers nothing:
        only what this hook returns becomes part of the registry.

    Called each time the model registry is built: at start-up and after every
    install, upgrade or uninstall.
    """


@hookspec
def kernel_post_install(env: Any) -> None:
    """Run once after the addon's schema and data are in place.

    :param env: a superuser environment inside the addon's install
        transaction; raising rolls the whole addon back.

    Called only for the addon being installed, as the last step of its install.
    """


@hookspec
def kernel_pre_uninstall(env: Any) -> None:
    """Run before the addon's data and schema are removed.

    :param env: a superuser environment inside the addon's uninstall
        transaction; raising stops the uninstall and rolls it back.

    Called only for the addon being uninstalled, as the first step.
    """


@hookspec
def kernel_cli(subparsers: argparse._SubParsersAction) -> None:
    """Add sub-commands to the ``erp`` command.

    :param subparsers: the ``argparse`` sub-parsers of ``erp``; each parser
        the addon adds must set a ``handler`` default: a callable taking
        ``(kernel, args)`` and returning the exit status.

    Called when ``erp`` starts on an initialised database, once per process.
    """


@hookspec
def kernel_routes() -> list[Any]:
    """Return the web routes the addon serves.

    :return: a list of :class:`kernel.http.routing.Route` (path, endpoint,
        methods, ``auth`` ``"none"``/``"public"``/``"user"``, ``kind``
        ``"http"``/``"json"``, ``csrf``); the kernel's own routes (``/jsonrpc``,
        ``/xmlrpc/...``, ``/web/session/...``, ``/api/v1/...``) win over them.

    Called once per web worker process and database, on the first request
    that no kernel route matches; a path defined twice stops that request
    with an error naming both addons.
    """


@hookspec
def kernel_event(env: Any, name: str, payload: dict[str, Any]) -> None:
    """React to a business event such as ``customer.created`` or ``lead.converted``.

    :param env: the environment of the transaction that published the event;
        work done here commits or rolls back with it.
    :param name: the event name, dotted, lower case.
    :param payload: JSON-serialisable data describing the event.

    Called by :meth:`Kernel.publish` for every installed addon implementing it.
    """


@hookspec
def kernel_jobs() -> list[Any] | None:
    """Return the background jobs the addon declares.

    :return: a list of :class:`kernel.broker.Job`, each made with the
        ``@kernel.job("addon.name")`` decorator around a function
        ``(env, *args)``; ``env.enqueue(job, *args)`` queues one and
        ``ir.cron`` records schedule them by name.  A name declared by two
        addons stops the worker with both names.

    Called by ``erp worker`` (again after every install, upgrade or
    uninstall, when the registry is rebuilt) and when a job is queued or a
    schedule is written.
    """
