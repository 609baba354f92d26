"""The ERP kernel: loads manifest-declared addons and lets them extend each other.

This module is the facade integrators and addon developers import from::

    from kernel import Kernel, Model, fields, api, Command, hookimpl, UserError

Its names are loaded lazily (PEP 562), so that ``import kernel.graph`` or
``import kernel.views.inheritance`` stays light: no SQLAlchemy, no Alembic.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from .lazy import lazy_attributes

__version__ = "0.1.0"

_EXCEPTIONS = (
    "AccessError", "DataLoadError", "DatabaseError", "DependencyError", "KernelError", "ManifestError",
    "MissingError", "ModelDefinitionError", "SchemaError", "UserError", "ValidationError", "ViewError",
)
# public name -> module that defines it
_LAZY: dict[str, str] = {
    "Kernel": "kernel.kernel",
    "AbstractModel": "kernel.orm.models",
    "Model": "kernel.orm.models",
    "TransientModel": "kernel.orm.models",
    "Command": "kernel.orm.commands",
    "api": "kernel.orm",
    "fields": "kernel.orm",
    "hookimpl": "kernel.hooks",
    "job": "kernel.broker",
    "Job": "kernel.broker",
    **dict.fromkeys(_EXCEPTIONS, "kernel.exceptions"),
}

__all__ = sorted(_LAZY)

__getattr__, __dir__ = lazy_attributes(__name__, _LAZY)


if TYPE_CHECKING:
    from .exceptions import (
        AccessError, DatabaseError, DataLoadError, DependencyError, KernelError, ManifestError, MissingError,
        ModelDefinitionError, SchemaError, UserError, ValidationError, ViewError,
    )
    from .broker import Job, job
    from .hooks import hookimpl
    from .kernel import Kernel
    from .orm import api, fields
    from .orm.commands import Command
    from .orm.models import AbstractModel, Model, TransientModel
