"""A small evaluator for the ``eval=`` attributes of data files: expressions only, from a whitelist.

Data files come with addons, and addons come from anywhere: Python's ``eval``
on their content would let a data file run any code at install time.  This
evaluator walks the AST itself and accepts only literals, containers,
arithmetic, comparisons, names given in the namespace, and calls of the
callables given there (and the methods of date/time values).  Anything else
(imports, lambdas, comprehensions, attribute access to names starting with an
underscore) is refused with :class:`UnsafeExpression`.

Expressions also reach it from requests (the domain of an autocompletion), so
it bounds what one may cost before computing it: the size of integers, texts
and lists it builds, the width of ``%`` formats, the number of nodes it visits
and their nesting.  Past a bound it raises :class:`ExpressionLimit` naming it.
"""

from __future__ import annotations

import ast
import datetime as dt
import operator
import re
from collections.abc import Callable, Mapping
from typing import Any

from ..orm.commands import Command


class UnsafeExpression(ValueError):
    """An expression that uses something the evaluator does not allow."""


class ExpressionLimit(UnsafeExpression):
    """An expression that would cost more than the evaluator allows (time or memory)."""


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
# str.format can reach attributes through its replacement fields ("{0.__class__}")
UNSAFE_METHODS = frozenset({"format", "format_map"})
# str methods whose result is at most a few times their input; the sizing ones are checked in _check_call
STR_METHODS = frozenset({
    "capitalize", "casefold", "count", "endswith", "find", "index", "isalnum", "isalpha", "isdigit", "islower",
    "isnumeric", "isspace", "istitle", "isupper", "lower", "lstrip", "partition", "removeprefix", "removesuffix",
    "rfind", "rindex", "rpartition", "rsplit", "rstrip", "split", "splitlines", "startswith", "strip",
    "swapcase", "title", "upper", "join", "replace", "ljust", "rjust", "center", "zfill",
})
MAX_EXPRESSION_LENGTH = 1_000_000  # characters of source text
MAX_STEPS = 100_000  # nodes visited in one evaluation (a 10,000-term domain is about 40,000)
MAX_DEPTH = 100  # nesting of the nodes being visited
MAX_INT_BITS = 10_000  # about 3,000 decimal digits
MAX_LENGTH = 100_000  # characters of a text, items of a list or tuple built by the expression
MAX_FORMAT_WIDTH = 1_000  # width or precision in a "%" format
_FORMAT_SPEC = re.compile(r"%(?:\([^)]*\))?[#0\- +]*(\*|\d+)?(?:\.(\*|\d*))?")
SEQUENCES = (str, bytes, list, tuple)


def default_namespace() -> dict[str, Any]:
    """What every data-file expression may use besides ``ref``."""
    return {
        "Command": Command, "datetime": dt.datetime, "date": dt.date, "time": dt.time,
        "timedelta": dt.timedelta, "DateTime": dt.datetime, "True": True, "False": False, "None": None,
    }


def safe_eval(expression: str, namespace: Mapping[str, Any] | None = None) -> Any:
    """Evaluate ``expression`` with only the names in ``namespace`` (plus :func:`default_namespace`)."""
    names = {**default_namespace(), **(namespace or {})}
    if len(expression) > MAX_EXPRESSION_LENGTH:
        raise ExpressionLimit(f"expression too long: {len(expression)} characters, at most {MAX_EXPRESSION_LENGTH}")
    try:
        tree = ast.parse(expression.strip(), mode="eval")
    except SyntaxError as exc:
        if "too many nested" in (exc.msg or ""):
            raise ExpressionLimit(f"expression nested too deeply: at most {MAX_DEPTH} levels") from None
        raise UnsafeExpression(f"not a valid expression: {exc.msg}") from None
    except (MemoryError, RecursionError):
        raise ExpressionLimit(f"expression nested too deeply: at most {MAX_DEPTH} levels") from None
    try:
        return _Evaluator(names).visit(tree.body)
    except ZeroDivisionError:
        raise ExpressionLimit("division by zero") from None
    except OverflowError:
        raise ExpressionLimit("numeric overflow: the result is too large") from None


def _too_long(length: int) -> ExpressionLimit:
    return ExpressionLimit(f"text or list too long: {length} items, at most {MAX_LENGTH}")


def _check_size(value: Any) -> Any:
    """``value`` when it is within the size limits, else :class:`ExpressionLimit`."""
    if isinstance(value, int) and not isinstance(value, bool) and value.bit_length() > MAX_INT_BITS:
        raise ExpressionLimit(f"integer result too large: more than {MAX_INT_BITS} bits")
    if isinstance(value, SEQUENCES) and len(value) > MAX_LENGTH:
        raise _too_long(len(value))
    return value


def _check_binary(op: ast.operator, left: Any, right: Any) -> None:
    """Refuse an operation whose result would exceed the limits, before computing it."""
    integers = all(isinstance(v, int) for v in (left, right))
    if isinstance(op, ast.Pow) and integers and right > 0 and abs(left) > 1:
        if (abs(left).bit_length() - 1) * right > MAX_INT_BITS:
            raise ExpressionLimit(f"integer result too large: more than {MAX_INT_BITS} bits")
    elif isinstance(op, ast.Mult) and integers:
        if abs(left).bit_length() + abs(right).bit_length() > MAX_INT_BITS + 1:
            raise ExpressionLimit(f"integer result too large: more than {MAX_INT_BITS} bits")
    elif isinstance(op, ast.Mult):
        sequence, count = (left, right) if isinstance(left, SEQUENCES) else (right, left)
        if isinstance(sequence, SEQUENCES) and isinstance(count, int) and len(sequence) * max(count, 0) > MAX_LENGTH:
            raise _too_long(len(sequence) * count)
    elif isinstance(op, ast.Add) and isinstance(left, SEQUENCES) and isinstance(right, SEQUENCES):
        if len(left) + len(right) > MAX_LENGTH:
            raise _too_long(len(left) + len(right))
    elif isinstance(op, ast.Mod) and isinstance(left, (str, bytes)):
        _check_format(left if isinstance(left, str) else left.decode("latin-1"))


def _check_format(template: str) -> None:
    """A ``%`` format may not ask for widths or precisions that would build huge texts."""
    for match in _FORMAT_SPEC.finditer(template):
        width, precision = match.group(1), match.group(2)
        if "*" in (width, precision):
            raise ExpressionLimit("format width given by an argument (*) is not allowed")
        if any(part and int(part) > MAX_FORMAT_WIDTH for part in (width, precision)):
            raise ExpressionLimit(f"format width or precision too large: at most {MAX_FORMAT_WIDTH}")


def _check_call(function: Any, args: list[Any], kwargs: dict[str, Any]) -> None:
    """Refuse a str method call whose result would exceed :data:`MAX_LENGTH`, before making it."""
    owner = getattr(function, "__self__", None)
    if not isinstance(owner, str):
        return
    name = function.__name__
    if name in ("ljust", "rjust", "center", "zfill"):
        width = args[0] if args else kwargs.get("width", 0)
        if isinstance(width, int) and width > MAX_LENGTH:
            raise _too_long(width)
    elif name == "join" and args and isinstance(args[0], (list, tuple)):
        items = args[0]
        length = sum(len(item) for item in items if isinstance(item, str)) + len(owner) * max(len(items) - 1, 0)
        if length > MAX_LENGTH:
            raise _too_long(length)
    elif name == "replace" and len(args) >= 2 and all(isinstance(a, str) for a in args[:2]):
        old, new = args[0], args[1]
        occurrences = len(owner) + 1 if not old else owner.count(old)
        length = len(owner) + occurrences * max(len(new) - len(old), 0)
        if length > MAX_LENGTH:
            raise _too_long(length)


class _Evaluator:
    def __init__(self, names: Mapping[str, Any]):
        self.names = names
        self.steps = 0
        self.depth = 0

    def visit(self, node: ast.AST) -> Any:
        method = getattr(self, f"visit_{type(node).__name__}", None)
        if method is None:
            raise UnsafeExpression(f"{type(node).__name__} is not allowed in data expressions")
        self.steps += 1
        if self.steps > MAX_STEPS:
            raise ExpressionLimit(f"too much work: more than {MAX_STEPS} steps")
        if self.depth >= MAX_DEPTH:
            raise ExpressionLimit(f"expression nested too deeply: at most {MAX_DEPTH} levels")
        self.depth += 1
        try:
            return method(node)
        finally:
            self.depth -= 1

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
        _check_binary(node.op, left, right)
        return _check_size(op(left, right))

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
        if isinstance(owner, str) and node.attr not in STR_METHODS:
            raise UnsafeExpression(f"method {node.attr!r} of str is not available in data expressions")
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
        _check_call(function, args, kwargs)
        return _check_size(function(*args, **kwargs))

    def _callable_allowed(self, func_node: ast.AST, function: Any) -> bool:
        if isinstance(func_node, ast.Name):
            return func_node.id in self.names and callable(function)
        if isinstance(func_node, ast.Attribute):
            return callable(function)  # visit_Attribute already restricted the owner
        return False
