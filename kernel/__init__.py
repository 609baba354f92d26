"""The ERP kernel: loads manifest-declared addons and lets them extend each other.

This module is the facade integrators and addon developers import from.
"""

from .exceptions import (
    AccessError,
    DatabaseError,
    DataLoadError,
    DependencyError,
    KernelError,
    ManifestError,
    MissingError,
    ModelDefinitionError,
    SchemaError,
    UserError,
    ValidationError,
    ViewError,
)
from .hooks import hookimpl
from .kernel import Kernel

__version__ = "0.1.0"

__all__ = [
    "AccessError",
    "DataLoadError",
    "DatabaseError",
    "DependencyError",
    "Kernel",
    "KernelError",
    "ManifestError",
    "MissingError",
    "ModelDefinitionError",
    "SchemaError",
    "UserError",
    "ValidationError",
    "ViewError",
    "hookimpl",
]
