"""One exception hierarchy for the kernel and the addons.

``KernelError`` and its subclasses are for integrators and developers: a bad
manifest, a missing dependency, a broken data file.  ``UserError`` and its
subclasses reach end users through the web client and the APIs; each carries a
stable ``code`` and an HTTP ``status`` so that every front end reports them the
same way.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence


class KernelError(Exception):
    """Base class of the errors an integrator or an addon developer fixes."""


class ManifestError(KernelError):
    """A manifest that cannot be read or that breaks the manifest rules."""

    def __init__(self, path: object, message: str, key: str | None = None):
        self.path = str(path)
        self.key = key
        self.reason = message
        where = f"{self.path}: key {key!r}: " if key else f"{self.path}: "
        super().__init__(where + message)


class DependencyError(KernelError):
    """Addons that cannot be ordered: missing, unknown, not installable or cyclic.

    ``missing`` maps an addon to the dependencies it lacks; ``cycle`` lists
    the addons of a dependency cycle, the first repeated at the end.
    """

    def __init__(
        self,
        message: str,
        *,
        missing: Mapping[str, Sequence[str]] | None = None,
        cycle: Sequence[str] | None = None,
    ):
        self.missing = {name: list(deps) for name, deps in (missing or {}).items()}
        self.cycle = list(cycle or [])
        super().__init__(message)


class HookError(KernelError):
    """An addon implements a hook the kernel does not define, or implements it wrongly."""


class DatabaseError(KernelError):
    """The database cannot be reached, created or is not initialised."""


class LifecycleLockError(DatabaseError):
    """Another install, upgrade or uninstall holds the database's lifecycle lock (``pid``, ``since``)."""

    def __init__(self, message: str, *, pid: int | None = None, since: str | None = None):
        self.pid = pid
        self.since = since
        super().__init__(message)


class AddonStepError(KernelError):
    """An unexpected error inside one step of installing, upgrading or removing an addon.

    Kernel and user errors raised by a step keep their own class and get the
    same ``addon`` and ``step`` attributes; anything else is wrapped in this.
    """

    def __init__(self, addon: str, step: str, cause: BaseException):
        self.addon = addon
        self.step = step
        super().__init__(f"addon {addon!r}, step {step!r}: {type(cause).__name__}: {cause}")


class ModelDefinitionError(KernelError):
    """A model class that cannot be composed into the registry."""


class DataLoadError(KernelError):
    """A data file that cannot be loaded; names the addon, file, line and external id."""

    def __init__(
        self,
        message: str,
        *,
        addon: str | None = None,
        file: str | None = None,
        line: int | None = None,
        xmlid: str | None = None,
    ):
        self.reason, self.addon, self.file, self.line, self.xmlid = message, addon, file, line, xmlid
        where = ":".join(str(part) for part in (file, line) if part is not None)
        prefix = " ".join(part for part in (f"[{addon}]" if addon else "", where) if part)
        record = f" (record {xmlid})" if xmlid else ""
        super().__init__(f"{prefix}{record}: {message}" if prefix or record else message)


class ViewError(KernelError):
    """A view arch or an inheritance spec that cannot be applied."""


class SchemaError(KernelError):
    """The database schema cannot be brought in line with the models."""


class UserError(Exception):
    """An error an end user can understand and act on.

    ``field`` names the field the error is about (its technical name, never its
    label), so that every client can put the message next to that field.
    """

    code = "USER_ERROR"
    status = 400
    field: str | None = None

    def __init__(self, message: str, *, code: str | None = None, status: int | None = None,
                 field: str | None = None):
        super().__init__(message)
        if field is not None:
            self.field = field
        if code is not None:
            self.code = code
        if status is not None:
            self.status = status

    @property
    def message(self) -> str:
        return str(self)


class ValidationError(UserError):
    """Data that breaks a rule of the model: a constraint, a type, a uniqueness."""

    code = "VALIDATION_ERROR"
    status = 422


class AccessError(UserError):
    """An operation the current user is not allowed to perform."""

    code = "ACCESS_DENIED"
    status = 403


class MissingError(UserError):
    """A record that does not exist (any more)."""

    code = "RECORD_MISSING"
    status = 404


class RequestTimeout(UserError):
    """A request that ran past its time limit (``[web] request_timeout``): stopped, its transaction rolled back."""

    code = "REQUEST_TIMEOUT"
    status = 503
