"""``erp purchase-release-holds``: the daily lifting of expired supplier holds, from the command line.

The ``purchase.release_expired_holds`` job (``data/purchase_cron.xml``) runs
the same :meth:`release_expired_holds` every day; the command is for a run
now (after an outage, or from the system's own scheduler).
"""

from __future__ import annotations

import argparse
import datetime as dt
from typing import Any


def add_commands(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "purchase-release-holds", help="take suppliers off hold whose release date has passed")
    parser.add_argument("--date", type=dt.date.fromisoformat, default=None, metavar="YYYY-MM-DD",
                        help="release the holds that ended before this day (default: today)")
    parser.set_defaults(handler=release_holds)


def release_holds(kernel: Any, args: argparse.Namespace) -> int:
    """Release, commit, and print the suppliers released (one a line) and their count."""
    with kernel.env() as env:
        released = env["basepartner"].release_expired_holds(args.date)
        for partner in released:
            print(f"{partner.vendor_code or partner.id}\t{partner.name}")
        print(f"{len(released)} supplier(s) released")
    return 0
