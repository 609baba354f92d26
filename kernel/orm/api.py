"""Method decorators for models: ``@api.depends``, ``@api.constrains``, ``@api.model``, ``@api.onchange``."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

F = TypeVar("F", bound=Callable[..., Any])


def depends(*paths: str) -> Callable[[F], F]:
    """Declare the fields (dotted paths allowed) a compute method reads."""

    def decorate(method: F) -> F:
        method._depends = paths  # type: ignore[attr-defined]
        return method

    return decorate


def constrains(*names: str) -> Callable[[F], F]:
    """Run the method after create/write when one of these fields was set; it raises ValidationError."""

    def decorate(method: F) -> F:
        method._constrains = names  # type: ignore[attr-defined]
        return method

    return decorate


def onchange(*names: str) -> Callable[[F], F]:
    """Mark a method the web client calls when one of these fields changes in a form."""

    def decorate(method: F) -> F:
        method._onchange = names  # type: ignore[attr-defined]
        return method

    return decorate


def model(method: F) -> F:
    """Mark a method that works on the model, not on records (``self`` is an empty recordset)."""
    method._api_model = True  # type: ignore[attr-defined]
    return method
