"""Odoo 16's ``attrs=`` and ``states=`` view attributes, refused with their Odoo 17 form spelled out.

Odoo 17 dropped both for plain expressions (``invisible="state != 'draft'"``);
accepting them silently would leave every condition unapplied, so a view using
them is refused at view check, the message giving the attribute to write instead.
"""

from __future__ import annotations

import ast
from typing import Any

from lxml import etree

OPERATORS = {"=": "==", "==": "==", "!=": "!=", "<>": "!=", ">": ">", ">=": ">=", "<": "<", "<=": "<=",
             "in": "in", "not in": "not in"}


def refusal(node: etree._Element) -> str | None:
    """Why ``node`` is refused (its Odoo 17 replacement included), or ``None`` when it uses neither attribute."""
    if node.get("attrs") is not None:
        return (f"attrs= is Odoo 16's form, which Odoo 17 replaced with one attribute per modifier: write "
                f"{_attrs_replacement(node.get('attrs') or '')} instead")
    if node.get("states") is not None:
        states = tuple(state.strip() for state in (node.get("states") or "").split(",") if state.strip())
        condition = f"state != {states[0]!r}" if len(states) == 1 else f"state not in {states!r}"
        return f'states= is Odoo 16\'s form, which Odoo 17 replaced with a condition: write invisible="{condition}" instead'
    return None


def _attrs_replacement(text: str) -> str:
    try:
        modifiers = ast.literal_eval(text)
        if not isinstance(modifiers, dict):
            raise ValueError(text)
        return " ".join(f'{name}="{_expression(domain)}"' for name, domain in modifiers.items())
    except (ValueError, SyntaxError, TypeError):
        return 'invisible="state != \'draft\'" (a Python expression on the record\'s fields)'


def _expression(domain: Any) -> str:
    """A domain in Odoo's prefix notation as the equivalent Python condition."""
    if isinstance(domain, bool):
        return str(domain)
    items = list(domain)
    if not items:
        return "True"
    terms: list[str] = []
    position = 0

    def parse() -> str:
        nonlocal position
        item = items[position]
        position += 1
        if item == "!":
            return f"not ({parse()})"
        if item in ("&", "|"):
            left, right = parse(), parse()
            return f"({left} {'and' if item == '&' else 'or'} {right})"
        return _term(item)

    while position < len(items):
        terms.append(parse())
    return " and ".join(term[1:-1] if term.startswith("(") and len(terms) == 1 else term for term in terms)


def _term(term: Any) -> str:
    name, operator, value = term
    if value is False and operator in ("=", "=="):
        return f"not {name}"
    if value is False and operator in ("!=", "<>"):
        return name
    return f"{name} {OPERATORS.get(operator, operator)} {value!r}"
