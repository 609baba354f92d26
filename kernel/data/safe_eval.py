"""A small evaluator for the ``eval=`` attributes of data files: expressions only, from a whitelist.

Data files come with addons, and addons come from anywhere: Python's ``eval``
on their content would let a data file run any code at install time.  This
evaluator walks the AST itself and accepts only literals, containers,
arithmetic, comparisons, names given in the namespace, and calls of the
callables given there (and the methods of date/time values).  Anything else
(imports, lambdas, comprehensions, attribute access to names starting with an
underscore) is refused with :class:`UnsafeExpression`.
"""

from __future__ import annotations

import ast
import datetime as dt
import operator
from collections.abc import Callable, Mapping
from typing import Any

from ..orm.commands import Command


class UnsafeExpression(ValueError):
    """An expression that uses something the evaluator does not allow."""


class SafeObject:
    """Subclass it to let expressions read an object's public attributes (``user.id`` in record rules)."""


BINARY: Mapping[type, Callable[[Any, Any], Any]] = {
    ast.Add: operator.add, ast.Sub: operator.sub, ast.Mult: operator.mul, ast.Div: operator.truediv,
    ast.FloorDiv: operator.floordiv, ast.Mod: operator.mod, ast.Pow: operator.pow,
}
UNARY: Mapping[type, Callable[[Any], Any]] = {ast.USub: operator.neg, ast.UAdd: operator.pos, ast.Not: operator.not_}
COMPARE: Mapping[type, Callable[[Any, Any], Any]] = {
    ast.Eq: operator.eq, ast.NotEq: operator.ne, ast.Lt: operator.lt, ast.LtE: operator.le, ast.Gt: operator.gt,
    ast.GtE: operator.ge, ast.In: lambda a, b: a in b, ast.NotIn: lambda a, b: a not in b,
    ast.Is: operator.is_, ast.IsNot: operator.is_not,
}
# objects whose public methods an expression may call (dates, times, strings, Command)
METHOD_OWNERS = (dt.date, dt.datetime, dt.time, dt.timedelta, str, type(Command))
MAX_POWER = 10_000
# str.format can reach attributes through its replacement fields ("{0.__class__}")
UNSAFE_METHODS = frozenset({"format", "format_map"})


def default_namespace() -> dict[str, Any]:
    """What every data-file expression may use besides ``ref``."""
    return {
        "Command": Command, "datetime": dt.datetime, "date": dt.date, "time": dt.time,
        "timedelta": dt.timedelta, "DateTime": dt.datetime, "True": True, "False": False, "None": None,
    }


def safe_eval(expression: str, namespace: Mapping[str, Any] | None = None) -> Any:
    """Evaluate ``expression`` with only the names in ``namespace`` (plus :func:`default_namespace`)."""
    names = {**default_namespace(), **(namespace or {})}
    try:
        tree = ast.parse(expression.strip(), mode="eval")
    except SyntaxError as exc:
        raise UnsafeExpression(f"not a valid expression: {exc.msg}") from None
    return _Evaluator(names).visit(tree.body)


class _Evaluator:
    def __init__(self, names: Mapping[str, Any]):
        self.names = names

    def visit(self, node: ast.AST) -> Any:
        method = getattr(self, f"visit_{type(node).__name__}", None)
        if method is None:
            raise UnsafeExpression(f"{type(node).__name__} is not allowed in data expressions")
        return method(node)

    def visit_Constant(self, node: ast.Constant) -> Any:
        return node.value

    def visit_List(self, node: ast.List) -> list[Any]:
        return [self.visit(item) for item in node.elts]

    def visit_Tuple(self, node: ast.Tuple) -> tuple[Any, ...]:
        return tuple(self.visit(item) for item in node.elts)

    def visit_Set(self, node: ast.Set) -> set[Any]:
        return {self.visit(item) for item in node.elts}

    def visit_Dict(self, node: ast.Dict) -> dict[Any, Any]:
        if any(key is None for key in node.keys):
            raise UnsafeExpression("dict unpacking (**) is not allowed in data expressions")
        return {self.visit(key): self.visit(value) for key, value in zip(node.keys, node.values)}

    def visit_Name(self, node: ast.Name) -> Any:
        try:
            return self.names[node.id]
        except KeyError:
            raise UnsafeExpression(f"name {node.id!r} is not available in data expressions") from None

    def visit_BinOp(self, node: ast.BinOp) -> Any:
        op = BINARY.get(type(node.op))
        if op is None:
            raise UnsafeExpression(f"operator {type(node.op).__name__} is not allowed")
        left, right = self.visit(node.left), self.visit(node.right)
        if isinstance(node.op, ast.Pow) and isinstance(right, (int, float)) and abs(right) > MAX_POWER:
            raise UnsafeExpression("exponent too large")
        if isinstance(node.op, ast.Mult) and any(isinstance(v, (str, list, tuple)) for v in (left, right)):
            count = right if isinstance(right, int) else left
            if isinstance(count, int) and count > MAX_POWER:
                raise UnsafeExpression("repetition too large")
        return op(left, right)

    def visit_UnaryOp(self, node: ast.UnaryOp) -> Any:
        op = UNARY.get(type(node.op))
        if op is None:
            raise UnsafeExpression(f"operator {type(node.op).__name__} is not allowed")
        return op(self.visit(node.operand))

    def visit_BoolOp(self, node: ast.BoolOp) -> Any:
        result: Any = isinstance(node.op, ast.And)
        for value_node in node.values:
            result = self.visit(value_node)
            if isinstance(node.op, ast.And) and not result or isinstance(node.op, ast.Or) and result:
                return result
        return result

    def visit_Compare(self, node: ast.Compare) -> bool:
        left = self.visit(node.left)
        for op_node, right_node in zip(node.ops, node.comparators):
            right = self.visit(right_node)
            if not COMPARE[type(op_node)](left, right):
                return False
            left = right
        return True

    def visit_IfExp(self, node: ast.IfExp) -> Any:
        return self.visit(node.body) if self.visit(node.test) else self.visit(node.orelse)

    def visit_Subscript(self, node: ast.Subscript) -> Any:
        return self.visit(node.value)[self.visit(node.slice)]

    def visit_Slice(self, node: ast.Slice) -> slice:
        parts = (node.lower, node.upper, node.step)
        return slice(*(None if part is None else self.visit(part) for part in parts))

    def visit_Attribute(self, node: ast.Attribute) -> Any:
        if node.attr.startswith("_") or node.attr in UNSAFE_METHODS:
            raise UnsafeExpression(f"attribute {node.attr!r} is not allowed in data expressions")
        owner = self.visit(node.value)
        allowed = owner is Command or isinstance(owner, (SafeObject, *METHOD_OWNERS)) or owner in (dt.date, dt.datetime, dt.time, dt.timedelta)
        if not allowed:
            raise UnsafeExpression(f"attributes of {type(owner).__name__} are not available in data expressions")
        return getattr(owner, node.attr)

    def visit_Call(self, node: ast.Call) -> Any:
        function = self.visit(node.func)
        if not self._callable_allowed(node.func, function):
            raise UnsafeExpression(f"calling {ast.unparse(node.func)} is not allowed in data expressions")
        args = [self.visit(arg) for arg in node.args]
        if any(isinstance(arg, ast.Starred) for arg in node.args) or any(kw.arg is None for kw in node.keywords):
            raise UnsafeExpression("* and ** arguments are not allowed in data expressions")
        kwargs = {kw.arg: self.visit(kw.value) for kw in node.keywords}
        return function(*args, **kwargs)

    def _callable_allowed(self, func_node: ast.AST, function: Any) -> bool:
        if isinstance(func_node, ast.Name):
            return func_node.id in self.names and callable(function)
        if isinstance(func_node, ast.Attribute):
            return callable(function)  # visit_Attribute already restricted the owner
        return False
