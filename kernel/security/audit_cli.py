"""``erp audit export``: the audit trail as CSV, filtered by model, record, action, user and dates."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ..kernel import Kernel

ACTIONS = ("create", "write", "unlink")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("action", choices=["export"], help="what to do with the audit trail")
    parser.add_argument("--model", help="only the entries of this model (e.g. basepartner)")
    parser.add_argument("--res-id", type=int, help="only the entries of this record (with --model)")
    parser.add_argument("--operation", choices=ACTIONS, help="only creations, updates or deletions")
    parser.add_argument("--user", metavar="LOGIN", help="only the changes made by this user")
    parser.add_argument("--since", metavar="DATE", help="only entries from this date (YYYY-MM-DD) on")
    parser.add_argument("--until", metavar="DATE", help="only entries up to this date (YYYY-MM-DD) included")
    parser.add_argument("--output", "-o", metavar="FILE", help="write the CSV here instead of standard output")


def audit_domain(args: argparse.Namespace) -> list[Any]:
    """The ``audit.log`` domain selecting what the options ask for."""
    domain: list[Any] = []
    if args.model:
        domain.append(("model", "=", args.model))
    if args.res_id is not None:
        domain.append(("res_id", "=", args.res_id))
    if args.operation:
        domain.append(("operation", "=", args.operation))
    if args.user:
        domain.append(("user_id.login", "=", args.user))
    if args.since:
        domain.append(("timestamp", ">=", args.since))
    if args.until:
        domain.append(("timestamp", "<=", args.until))
    return domain


def run(kernel: Kernel, args: argparse.Namespace) -> int:
    with kernel.env() as env:
        text = env["audit.log"].export_csv(audit_domain(args))
    if args.output:
        Path(args.output).write_text(text, encoding="utf-8")
        print(f"wrote {len(text.splitlines()) - 1} entries to {args.output}", file=sys.stderr)
    else:
        sys.stdout.write(text)
    return 0
