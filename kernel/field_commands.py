"""``erp field add|remove|list``: custom fields from a terminal (see :mod:`kernel.custom_fields`)."""

from __future__ import annotations

import argparse

from .custom_fields import FIELD_TYPES, custom_fields
from .kernel import Kernel


def add_commands(commands: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    field = commands.add_parser("field", parents=[common], help="add, remove or list custom (x_) fields of models")
    actions = field.add_subparsers(dest="field_command", metavar="ACTION", required=True)
    add = actions.add_parser("add", parents=[common], help="add a custom field: its column, and its place in the "
                             "model's form and list views")
    add.add_argument("model", metavar="MODEL", help="the model, e.g. basepartner")
    add.add_argument("name", metavar="NAME", help="the field's name, starting with x_ (e.g. x_loyalty_level)")
    add.add_argument("type", metavar="TYPE", help=f"one of {', '.join(FIELD_TYPES)}")
    add.add_argument("--label", help="the label users see (default: from the name)")
    add.add_argument("--selection", help="a selection's values: value:Label pairs separated by commas")
    add.add_argument("--relation", metavar="MODEL", help="a many2one's related model")
    add.set_defaults(handler=_add)
    remove = actions.add_parser("remove", parents=[common], help="remove a custom field and its column (its data is lost)")
    remove.add_argument("model", metavar="MODEL")
    remove.add_argument("name", metavar="NAME")
    remove.set_defaults(handler=_remove)
    listing = actions.add_parser("list", parents=[common], help="list the custom fields: model, name, type")
    listing.add_argument("models", nargs="*", metavar="MODEL", help="only these models")
    listing.set_defaults(handler=_list)


def _add(kernel: Kernel, args: argparse.Namespace) -> int:
    with kernel.lifecycle_lock(), kernel.env() as env:
        row = kernel.add_custom_field(env, args.model, args.name, args.type, args.label, args.selection, args.relation)
        print(f"added {row.model}.{row.name} ({row.ttype}, column {env.registry[row.model]._table}.{row.name})")
    return 0


def _remove(kernel: Kernel, args: argparse.Namespace) -> int:
    with kernel.lifecycle_lock(), kernel.env() as env:
        kernel.remove_custom_field(env, args.model, args.name)
    print(f"removed {args.model}.{args.name} and its column")
    return 0


def _list(kernel: Kernel, args: argparse.Namespace) -> int:
    with kernel.env() as env:
        for model, name, ttype in custom_fields(env, args.models or None):
            print(f"{model}\t{name}\t{ttype}")
    return 0
