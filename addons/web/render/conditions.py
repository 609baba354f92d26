"""View conditions compiled once on the server into a JSON tree that ``static/conditions.js`` interprets.

The client never parses Python: the server parses ``invisible``, ``readonly``
and ``required`` expressions with :mod:`ast` and sends the page a tree made of

- ``["value", v]``: a string, number, boolean or ``None``;
- ``["field", name]``: the value of a field of the form;
- ``["list", [items]]``: a list or tuple;
- ``["not", x]``, ``["and", [xs]]``, ``["or", [xs]]``: Python's boolean operators (they return an operand);
- ``["compare", op, left, right]``: ``==``, ``!=``, ``<``, ``>``, ``<=``, ``>=``, ``in``, ``not in``
  (a chained comparison becomes an ``and`` of pairs).

Anything else (calls, arithmetic, attributes, subscripts) is refused with a
message naming the expression, so a view never holds a condition that the
client would read differently from the server.
"""

from __future__ import annotations

import ast
import functools
import json
from typing import Any

from kernel.exceptions import UserError

COMPARISONS = {ast.Eq: "==", ast.NotEq: "!=", ast.Lt: "<", ast.Gt: ">", ast.LtE: "<=", ast.GtE: ">=",
               ast.In: "in", ast.NotIn: "not in"}


class _Refused(Exception):
    """A part of the expression the tree has no node for."""


def compile_condition(expression: str) -> list[Any]:
    """The JSON tree of a condition; a ``UserError`` (``VIEW_MODIFIER``) when it uses more than the tree offers."""
    try:
        return _node(ast.parse(expression.strip(), mode="eval").body)
    except SyntaxError as exc:
        raise UserError(f"view condition {expression!r} is not a valid expression: {exc.msg}",
                        code="VIEW_MODIFIER") from None
    except _Refused as exc:
        raise UserError(f"view condition {expression!r}: {exc} is not supported in view conditions (use "
                        "fields, constants, lists, comparisons, in, not in, and, or, not)", code="VIEW_MODIFIER") from None


@functools.lru_cache(maxsize=1024)
def condition_json(expression: str) -> str:
    """The tree as the text of a ``data-*`` attribute (compiled once per expression)."""
    return json.dumps(compile_condition(expression), separators=(",", ":"))


def _node(node: ast.AST) -> list[Any]:
    if isinstance(node, ast.Constant) and (node.value is None or isinstance(node.value, (str, int, float, bool))):
        return ["value", node.value]
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub) and isinstance(node.operand, ast.Constant) \
            and isinstance(node.operand.value, (int, float)) and not isinstance(node.operand.value, bool):
        return ["value", -node.operand.value]
    if isinstance(node, ast.Name):
        return ["field", node.id]
    if isinstance(node, (ast.List, ast.Tuple)):
        return ["list", [_node(item) for item in node.elts]]
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.Not):
        return ["not", _node(node.operand)]
    if isinstance(node, ast.BoolOp):
        return ["and" if isinstance(node.op, ast.And) else "or", [_node(value) for value in node.values]]
    if isinstance(node, ast.Compare):
        operands = [_node(node.left), *(_node(item) for item in node.comparators)]
        pairs = []
        for index, operator in enumerate(node.ops):
            if type(operator) not in COMPARISONS:
                raise _Refused(f"the operator {type(operator).__name__}")
            pairs.append(["compare", COMPARISONS[type(operator)], operands[index], operands[index + 1]])
        return pairs[0] if len(pairs) == 1 else ["and", pairs]
    raise _Refused(f"{type(node).__name__} ({ast.unparse(node)})")
