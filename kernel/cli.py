"""The ``erp`` command: database set-up and the addon lifecycle from a terminal.

Exit status: 0 on success, 1 on failure (one paragraph on stderr; the
traceback only with ``--debug``), 2 on a usage error.
"""

from __future__ import annotations

import argparse
import contextlib
import logging
import sys
import traceback
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import TextIO

from . import i18n
from .archives import DeletedData, archive_folder
from .config import load_settings
from .exceptions import DependencyError, KernelError, UserError
from . import field_commands
from .jobs import commands as jobs_commands
from .kernel import Kernel
from .scaffold import scaffold
from .security import audit_cli

log = logging.getLogger("kernel.cli")

Handler = Callable[[Kernel, argparse.Namespace], int]
LIFECYCLE = ("install", "upgrade", "uninstall")
GLOBAL_VALUE_OPTIONS = ("--config", "--alias", "--db", "--addons-path")


def _global_options(defaults: bool) -> argparse.ArgumentParser:
    """Options accepted before and after the command (``erp install x --alias=default``)."""
    default = (lambda value: value) if defaults else (lambda value: argparse.SUPPRESS)
    parser = argparse.ArgumentParser(add_help=False)
    group = parser.add_argument_group("database and configuration")
    group.add_argument("--config", metavar="FILE", default=default(None), help="configuration file (default: config/erp.toml)")
    group.add_argument("--alias", metavar="NAME", default=default(None), help="database alias from the configuration (default: default)")
    group.add_argument("--db", metavar="URL", default=default(None), help="database URL, instead of an alias")
    group.add_argument("--addons-path", metavar="PATHS", default=default(None), help="addon folders separated by ':', replacing the configured ones (list them all)")
    group.add_argument("--debug", action="store_true", default=default(False), help="show tracebacks")
    group.add_argument("-q", "--quiet", action="store_true", default=default(False), help="print no progress")
    return parser


def _plan_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("addons", nargs="+", metavar="ADDON", help="addon names")
    parser.add_argument("--dry-run", action="store_true", help="print the plan, one addon per line, and change nothing")
    parser.add_argument("--noinput", action="store_true", help="do not ask for confirmation")


def build_parser() -> tuple[argparse.ArgumentParser, argparse._SubParsersAction]:
    common = _global_options(defaults=False)
    parser = argparse.ArgumentParser(
        prog="erp", description="Run the ERP and manage its addons.", parents=[_global_options(defaults=True)]
    )
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)

    init = commands.add_parser("init", parents=[common], help="create the database and install base")
    init.add_argument("--demo", action="store_true", help="load demo data (decided once, at creation)")
    init.add_argument("--admin-password", default="admin", help="password of the admin user (default: admin)")
    init.set_defaults(handler=_init)

    for action in LIFECYCLE:
        sub = commands.add_parser(action, parents=[common], help=f"{action} addons (and what the plan pulls in)")
        _plan_options(sub)
        sub.set_defaults(handler=_lifecycle, action=action)

    update = commands.add_parser("update", parents=[common], help="the documents' form: erp update install|upgrade|uninstall ADDON...")
    update.add_argument("action", choices=LIFECYCLE)
    _plan_options(update)
    update.set_defaults(handler=_lifecycle)

    addons = commands.add_parser("addons", parents=[common], help="list the addons with their state")
    addons.add_argument("--all", action="store_true", help="include hidden addons")
    addons.set_defaults(handler=_addons)

    revision = commands.add_parser("revision", parents=[common], help="write a migration script for an installed addon from the schema difference")
    revision.add_argument("addon", metavar="ADDON", help="installed addon whose migrations/ folder gets the revision")
    revision.add_argument("-m", "--message", required=True, help="what the revision does (its docstring and file name)")
    revision.set_defaults(handler=_revision)

    i18n = commands.add_parser("i18n", parents=[common], help="translation templates and catalogs of an addon")
    i18n_commands = i18n.add_subparsers(dest="i18n_command", metavar="ACTION", required=True)
    extract = i18n_commands.add_parser("extract", parents=[common], help="write the addon's template (i18n/ADDON.pot)")
    extract.add_argument("addon", metavar="ADDON", help="installed addon whose strings are extracted")
    extract.add_argument("-o", "--output", metavar="FILE", help="where to write the template instead")
    extract.set_defaults(handler=_i18n_extract)
    update = i18n_commands.add_parser("update", parents=[common], help="merge the template into i18n/LANG.po")
    update.add_argument("addon", metavar="ADDON", help="addon whose catalog is updated")
    update.add_argument("--lang", required=True, help="language of the catalog, e.g. id or pt_BR")
    update.set_defaults(handler=_i18n_update)

    serve = commands.add_parser("serve", parents=[common], help="run the web server (JSON-RPC, XML-RPC, REST, web client)")
    serve.add_argument("--host", help="address to listen on (default: [web] host, 127.0.0.1)")
    serve.add_argument("--port", type=int, help="port to listen on (default: [web] port, 8069)")
    serve.add_argument("--workers", type=int, help="worker processes (default: [web] workers, 2)")
    serve.set_defaults(handler=_serve)

    jobs_commands.add_commands(commands, common)
    field_commands.add_commands(commands, common)

    apikey = commands.add_parser("apikey", parents=[common], help="create or revoke the API keys of the REST API")
    apikey_commands = apikey.add_subparsers(dest="apikey_command", metavar="ACTION", required=True)
    create = apikey_commands.add_parser("create", help="create a key for a user and print it (shown only once)")
    create.add_argument("login", metavar="LOGIN", help="the user the key acts as")
    create.add_argument("--name", default="API key", help="what the key is for (default: 'API key')")
    create.set_defaults(handler=_apikey_create)
    revoke = apikey_commands.add_parser("revoke", help="revoke a key by its id")
    revoke.add_argument("key_id", metavar="ID", type=int, help="the id printed when the key was created")
    revoke.set_defaults(handler=_apikey_revoke)

    shell = commands.add_parser("shell", parents=[common], help="Python with `env` bound: interactive at a terminal, "
                                "else it runs the script read from stdin")
    shell.add_argument("--login", metavar="LOGIN", help="act as this user (access rules applied) instead of the superuser")
    shell.add_argument("--rollback", action="store_true", help="roll back every change at the end instead of committing")
    shell.set_defaults(handler=_shell)

    scaffold = commands.add_parser("scaffold", parents=[common], help="write a new addon that installs and passes its tests")
    scaffold.add_argument("name", metavar="NAME", help="technical name of the addon, e.g. fleet_care")
    scaffold.add_argument("--path", metavar="DIR", default=".", help="folder to write it into (default: the current one)")
    scaffold.set_defaults(handler=_scaffold)

    audit = commands.add_parser("audit", parents=[common], help="export the audit trail to CSV")
    audit_cli.add_arguments(audit)
    audit.set_defaults(handler=audit_cli.run)
    return parser, commands


def _make_kernel(args: argparse.Namespace) -> Kernel:
    settings = load_settings(args.config)
    if args.addons_path:
        settings = settings.with_addons_path(args.addons_path.split(":"))
    return Kernel(args.db, settings=settings, alias=args.alias or "default")


def _init(kernel: Kernel, args: argparse.Namespace) -> int:
    done = kernel.init(admin_password=args.admin_password, demo=args.demo)
    print(f"database ready; installed: {', '.join(done)}" if done else "database ready; nothing to install")
    return 0


def _print_deleted(kernel: Kernel, deleted: list[DeletedData], file: TextIO) -> None:
    if not deleted:
        print("No business data will be deleted.", file=file)
        return
    print(f"Business data that will be deleted (archived first to {archive_folder(kernel.settings)}):", file=file)
    for item in deleted:
        print(f"  {item}", file=file)


def _confirm(kernel: Kernel, action: str, plan: list[str], deleted: list[DeletedData] | None) -> bool:
    print(f"The following addons will be {action.rstrip('e')}ed, in this order:")
    for name in plan:
        print(f"  {name}")
    if deleted is not None:
        _print_deleted(kernel, deleted, sys.stdout)
    answer = input("Proceed? [y/N] ").strip().lower()
    return answer in ("y", "yes")


def _lifecycle(kernel: Kernel, args: argparse.Namespace) -> int:
    planners = {"install": kernel.plan_install, "upgrade": kernel.plan_upgrade, "uninstall": kernel.plan_uninstall}
    plan = planners[args.action](args.addons)
    deleted = kernel.plan_uninstall_data(plan) if args.action == "uninstall" and plan else None
    if args.dry_run:
        for name in plan:  # the plan alone on stdout, one addon per line; what it deletes on stderr
            print(name)
        if deleted is not None:
            _print_deleted(kernel, deleted, sys.stderr)
        return 0
    if not plan:
        print("nothing to do: already installed")
        return 0
    if not args.noinput and sys.stdin.isatty() and not _confirm(kernel, args.action, plan, deleted):
        print("aborted; nothing changed", file=sys.stderr)
        return 1
    with _progress_bar(kernel, args):
        done = getattr(kernel, args.action)(args.addons)
    print(f"{args.action.rstrip('e')}ed: {', '.join(done)}")
    return 0


@contextlib.contextmanager
def _progress_bar(kernel: Kernel, args: argparse.Namespace) -> Iterator[None]:
    """A progress bar on the terminal (rich) while a long command runs, fed by ``kernel.progress_listener``;
    the progress lines of the log give way to it.  Nothing when stderr is not a terminal or with ``--quiet``."""
    if args.quiet or not sys.stderr.isatty():
        yield
        return
    from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

    loading = logging.getLogger("kernel.loading")
    level = loading.level
    with Progress(TextColumn("{task.description}"), BarColumn(), TextColumn("{task.percentage:>3.0f}%"),
                  TimeElapsedColumn(), transient=True) as progress:
        task = progress.add_task(args.action, total=100)
        kernel.progress_listener = lambda percent, message: progress.update(task, completed=percent, description=message)
        loading.setLevel(logging.WARNING)
        try:
            yield
        finally:
            kernel.progress_listener = None
            loading.setLevel(level)


def _addons(kernel: Kernel, args: argparse.Namespace) -> int:
    rows = [("NAME", "STATE", "VERSION", "CATEGORY")]
    for info in kernel.addons():
        if info.hidden and not args.all:
            continue
        version = info.version or info.available_version or "-"
        if info.version and info.available_version and info.version != info.available_version:
            version = f"{info.version} ({info.available_version} on disk)"
        rows.append((info.name, info.state, version, f"broken: {info.error}" if info.error else info.category or "-"))
    widths = [max(len(row[i]) for row in rows) for i in range(3)]
    for row in rows:
        print("  ".join(cell.ljust(widths[i]) for i, cell in enumerate(row[:3])) + "  " + row[3])
    return 0


def _revision(kernel: Kernel, args: argparse.Namespace) -> int:
    with kernel.engine.connect() as connection:
        from .orm.migrations import write_revision

        path = write_revision(connection, kernel.registry.metadata, kernel.manifests, args.addon, args.message)
    print(f"wrote {path}")
    return 0


def _i18n_extract(kernel: Kernel, args: argparse.Namespace) -> int:
    if args.addon not in kernel.installed():
        raise KernelError(f"addon {args.addon!r} is not installed: its field labels come from the installed models")
    manifest = kernel.manifests[args.addon]
    target = Path(args.output) if args.output else i18n.template_path(manifest)
    catalog = i18n.extract(manifest, kernel.registry)
    i18n.write_template(catalog, target)
    print(f"wrote {target} ({sum(1 for message in catalog if message.id)} messages)")
    return 0


def _i18n_update(kernel: Kernel, args: argparse.Namespace) -> int:
    if args.addon in kernel.manifests.broken:
        kernel.graph.refuse_broken(args.addon)
    manifest = kernel.manifests.get(args.addon)
    if manifest is None:
        raise KernelError(f"no addon {args.addon!r} on the addons path")
    target = manifest.path / "i18n" / f"{args.lang}.po"
    path, total, translated = i18n.update_catalog(i18n.template_path(manifest), target, args.lang)
    print(f"updated {path} ({translated} of {total} messages translated)")
    return 0


def _serve(kernel: Kernel, args: argparse.Namespace) -> int:
    from dataclasses import replace
    from types import MappingProxyType

    from .http.server import serve

    settings = kernel.settings
    if args.db or args.alias:
        settings = replace(settings, databases=MappingProxyType({args.alias or "default": kernel.url}))
    kernel.close()
    serve(settings, host=args.host, port=args.port, workers=args.workers)
    return 0


class _Discard(Exception):
    """Leaves ``erp shell --rollback``'s transaction so that it rolls back."""


def _shell(kernel: Kernel, args: argparse.Namespace) -> int:
    """Run Python with ``env`` (and ``kernel``) bound, in one transaction committed at the end."""
    import code

    try:
        with kernel.env(login=args.login) as env:
            names = {"env": env, "kernel": kernel}
            if sys.stdin.isatty():
                ending = "rolled back" if args.rollback else "committed"
                code.interact(banner=f"erp shell on {kernel!r}: `env` is {env!r}; changes are {ending} on exit (Ctrl-D)",
                              local=names, exitmsg="")
            else:
                exec(compile(sys.stdin.read(), "<stdin>", "exec"), names)
            if args.rollback:
                raise _Discard
    except _Discard:
        print("rolled back", file=sys.stderr)
    return 0


def _scaffold(kernel: Kernel, args: argparse.Namespace) -> int:
    target = scaffold(args.name, Path(args.path))
    print(f"wrote {target}: add {target.parent} to the addons path, then `erp install {args.name}`; "
          f"`pytest {target}` runs its tests")
    return 0


def _apikey_create(kernel: Kernel, args: argparse.Namespace) -> int:
    with kernel.env() as env:
        user = env["res.users"].search([("login", "=", args.login)], limit=1)
        if not user:
            raise UserError(f"no active user with login {args.login!r}", code="USER_UNKNOWN")
        record, key = env["res.users.apikey"].generate(user.id, args.name)
    print(f"API key {record.id} ({args.name}) for {args.login}; it is shown only once:")
    print(key)
    return 0


def _apikey_revoke(kernel: Kernel, args: argparse.Namespace) -> int:
    with kernel.env() as env:
        key = env["res.users.apikey"].browse(args.key_id).exists()
        if not key:
            raise UserError(f"no API key with id {args.key_id}", code="APIKEY_UNKNOWN")
        key.revoked = True
    print(f"API key {args.key_id} revoked")
    return 0


def _command_token(argv: Sequence[str]) -> str | None:
    """The command name in ``argv``, skipping global options and their values."""
    skip = False
    for token in argv:
        if skip:
            skip = False
        elif token in GLOBAL_VALUE_OPTIONS:
            skip = True
        elif not token.startswith("-"):
            return token
    return None


def _add_addon_commands(argv: Sequence[str], commands: argparse._SubParsersAction) -> None:
    """Let installed addons add their sub-commands, when the command is not a built-in one."""
    token = _command_token(argv)
    if token is None or token in commands.choices:
        return
    pre, _ = _global_options(defaults=True).parse_known_args(argv)
    kernel = _make_kernel(pre)
    try:
        if kernel.is_initialised():
            kernel.plugins.hook.kernel_cli(subparsers=commands)
    finally:
        kernel.close()


def _configure_logging(args: argparse.Namespace) -> None:
    level = logging.WARNING if args.quiet else logging.INFO
    logging.basicConfig(level=level, format="%(message)s", stream=sys.stderr)
    logging.getLogger("alembic").setLevel(logging.WARNING)


def _describe(exc: BaseException) -> str:
    notes = getattr(exc, "__notes__", [])
    return "; ".join([str(exc), *notes])


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    parser, commands = build_parser()
    debug = "--debug" in argv
    replaced_path = ""
    try:
        _add_addon_commands(argv, commands)
        args = parser.parse_args(argv)
        if args.db and args.alias:
            parser.error("--alias and --db cannot be used together")
        _configure_logging(args)
        replaced_path = args.addons_path or ""
        kernel = _make_kernel(args)
        try:
            return args.handler(kernel, args)
        finally:
            kernel.close()
    except (KernelError, UserError) as exc:
        if debug:
            traceback.print_exc()
        print(f"error: {_describe(exc)}", file=sys.stderr)
        if replaced_path and isinstance(exc, DependencyError) and exc.missing:
            print(f"note: --addons-path {replaced_path} replaced the configured addons path; list every folder "
                  f"to search, separated by ':'", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 1
    except Exception as exc:
        if debug:
            traceback.print_exc()
        hint = "" if debug else " (run again with --debug for the traceback)"
        print(f"internal error: {type(exc).__name__}: {_describe(exc)}{hint}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
