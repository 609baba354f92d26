"""The :class:`Field` descriptor every field type derives from.

A field written in a model definition only records its arguments.  When the
registry composes a model, it merges the arguments of every layer that
declares the field (a later addon may change ``string`` or ``required``),
creates one bound field per composed model, and calls :meth:`Field.setup`.
The bound field is the descriptor that reads and writes record values
through the transaction's cache.
"""

from __future__ import annotations

import builtins
import difflib
import inspect
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any, ClassVar

import sqlalchemy as sa

from ...exceptions import ModelDefinitionError, ValidationError
from ..newid import NewId

if TYPE_CHECKING:
    from ..models import BaseModel
    from ..registry import Registry

# Arguments every field accepts; a type adds its own in ``extra_args``.
COMMON_ARGS = frozenset(
    {
        "string", "help", "required", "readonly", "default", "index", "unique", "copy",
        "groups", "compute", "inverse", "store", "related", "depends", "translate",
        "tracking", "prefetch", "config_parameter",
    }
)
SETTINGS_MODEL = "res.config.settings"
# the field types a setting stored as an ``ir.config_parameter`` may have (the text converts both ways)
PARAMETER_TYPES = frozenset({"char", "text", "integer", "float", "boolean", "selection", "many2one"})


class Field:
    """A model attribute stored in a column (or computed, or in a relation table)."""

    type: ClassVar[str] = "field"
    extra_args: ClassVar[frozenset[str]] = frozenset()
    relational: ClassVar[bool] = False
    column_stored: ClassVar[bool] = True  # False for x2many: their values live elsewhere
    null: ClassVar[Any] = False  # what a record shows for an empty value

    name: str
    model_name: str
    addon: str | None

    def __init__(self, string: str | None = None, **kwargs: Any):
        args = dict(kwargs)
        if string is not None:
            args["string"] = string
        self.args = args
        self.name = ""
        self.source = ""

    def check_arguments(self, addon: str, model_name: str, name: str, definition: builtins.type,
                        tracking_supported: bool = False) -> None:
        """Refuse, at registry build, arguments this field type does not know or that would do nothing;
        the error names the addon, model, field and the file of the definition that passed them.
        ``tracking_supported``: the composed model inherits a mixin that logs changes (``mail.thread``)."""
        where = f"addon {addon!r}, model {model_name!r}, field {name!r} ({definition_file(definition)})"
        allowed = COMMON_ARGS | self.extra_args
        for unknown in sorted(set(self.args) - allowed):
            close = difflib.get_close_matches(unknown, sorted(allowed), n=1)
            hint = f"; did you mean {close[0]!r}?" if close else f"; it accepts {', '.join(sorted(allowed))}"
            raise ModelDefinitionError(f"{where}: {type(self).__name__} does not accept argument {unknown!r}{hint}")
        if self.args.get("translate") and self.type not in ("char", "text", "html"):
            raise ModelDefinitionError(f"{where}: translate=True applies to char, text and html fields, "
                                       f"not to a {type(self).__name__}")
        if self.args.get("config_parameter") and (model_name != SETTINGS_MODEL or self.type not in PARAMETER_TYPES):
            raise ModelDefinitionError(
                f"{where}: config_parameter= stores a setting: it applies to the fields of {SETTINGS_MODEL!r} "
                f"of type {', '.join(sorted(PARAMETER_TYPES))}, not to a {type(self).__name__} of {model_name!r}")
        if self.args.get("tracking") and not tracking_supported:
            raise ModelDefinitionError(
                f"{where}: tracking= logs changes in a record's chatter, and model {model_name!r} has none; "
                f"make it inherit 'mail.thread' (the mail addon) or remove the argument (accepted, it would do nothing)"
            )

    def __set_name__(self, owner: type, name: str) -> None:
        self.name = name

    def __repr__(self) -> str:
        model = getattr(self, "model_name", "?")
        return f"{type(self).__name__}({model}.{self.name})"

    # -- composition -------------------------------------------------------

    def merged(self, other: Field) -> Field:
        """A new unbound field with this field's arguments overridden by ``other``'s."""
        field = type(other).__new__(type(other))
        field.args = {**self.args, **other.args}
        field.name = other.name or self.name
        return field

    def bind(self, model_name: str, name: str, addon: str | None, source: str = "") -> Field:
        """A copy of this field attached to a composed model (``source``: the file defining it)."""
        field = type(self).__new__(type(self))
        field.args = dict(self.args)
        field.name = name
        field.model_name = model_name
        field.addon = addon
        field.source = source or getattr(self, "source", "")
        field._init_attributes()
        return field

    def _init_attributes(self) -> None:
        args = self.args
        self.string: str = args.get("string") or self.name.replace("_", " ").capitalize()
        self.help: str = args.get("help", "")
        self.related: str | None = args.get("related")
        self.compute: str | Callable | None = args.get("compute")
        self.inverse: str | Callable | None = args.get("inverse")
        computed = bool(self.compute or self.related)
        self.store: bool = args.get("store", not computed)
        self.required: bool = args.get("required", False)
        self.readonly: bool = args.get("readonly", computed and not self.inverse and not self.related)
        self.default = args.get("default")
        self.index: bool = args.get("index", False)
        self.unique: bool = args.get("unique", False)
        self.copy: bool = args.get("copy", not computed or bool(self.store and not self.related))
        self.groups: str | None = args.get("groups")
        self.translate: bool = args.get("translate", False)
        self.tracking: bool = args.get("tracking", False)
        self.prefetch: bool = args.get("prefetch", True)
        self.depends: tuple[str, ...] = tuple(args.get("depends", ()))

    def setup(self, model: type[BaseModel], registry: Registry) -> None:
        """Resolve what needs the whole registry (comodels, related paths)."""

    def model_error(self, message: str) -> ModelDefinitionError:
        where = f" ({self.source})" if self.source else ""
        return ModelDefinitionError(
            f"addon {self.addon!r}, model {self.model_name!r}, field {self.name!r}{where}: {message}"
        )

    # -- storage -----------------------------------------------------------

    @property
    def column_name(self) -> str | None:
        """The table column holding the value, or ``None`` when the field has none."""
        return self.name if self.store and self.column_stored else None

    def sql_type(self) -> sa.types.TypeEngine:
        raise NotImplementedError

    def columns(self) -> list[sa.Column]:
        """The SQLAlchemy columns of this field (empty when it is not stored in the table)."""
        if self.column_name is None:
            return []
        return [
            sa.Column(
                self.column_name,
                self.sql_type(),
                index=self.index and not self.unique,
                info={"addon": self.addon, "field": self.name},
            )
        ]

    # -- value conversions -------------------------------------------------

    def convert_to_column(self, value: Any, record: BaseModel) -> Any:
        """A value given to create/write, validated, as the database stores it."""
        return None if value is None or value is False else value

    def convert_to_cache(self, value: Any) -> Any:
        """A database value as the cache holds it (by default: as is)."""
        return value

    def convert_assigned(self, value: Any, record: BaseModel) -> Any:
        """A value assigned by a compute method, as the cache holds it."""
        return self.convert_to_cache(self.convert_to_column(value, record))

    def convert_to_record(self, value: Any, record: BaseModel) -> Any:
        """A cached value as ``record.field`` returns it."""
        return self.null if value is None else value

    def convert_to_read(self, value: Any, record: BaseModel) -> Any:
        """A cached value as ``read()`` returns it (JSON- and XML-RPC-friendly)."""
        return False if value is None else value

    def invalid(self, value: Any, expected: str) -> ValidationError:
        return ValidationError(
            f"{self.model_name}.{self.name} ({self.string}): expected {expected}, got {value!r}",
            code="FIELD_INVALID",
        )

    # -- descriptor --------------------------------------------------------

    def __get__(self, record: BaseModel | None, owner: type | None = None) -> Any:
        if record is None:
            return self
        ids = record._ids
        if not ids:
            return self.convert_to_record(None, record)
        if len(ids) != 1:
            raise ValueError(f"expected a single record of {record._name}, got {len(ids)}: {record}")
        record_id = ids[0]
        if not record.env.su:
            record.env.policy.check_field_read(record, self)
        values = record.env.transaction.cache_for(self)
        try:
            value = values[record_id]
        except KeyError:
            record._fetch(self)
            value = values[record_id]
        return self.convert_to_record(value, record)

    def __set__(self, record: BaseModel, value: Any) -> None:
        transaction = record.env.transaction
        if transaction.is_computing(self, record._ids):
            cache = transaction.cache_for(self)
            converted = self.convert_assigned(value, record)
            for record_id in record._ids:
                cache[record_id] = converted
            return
        if len(record._ids) == 1 and type(record._ids[0]) is NewId:
            record._set_new(self, value)
            return
        record.write({self.name: value})

    # -- defaults ----------------------------------------------------------

    def default_value(self, model: BaseModel) -> Any:
        default = self.default
        return default(model) if callable(default) else default


def definition_file(definition: type) -> str:
    """The source file of a model definition class, as short as the addons path allows."""
    try:
        path = inspect.getsourcefile(definition) or definition.__module__
    except TypeError:
        return definition.__module__
    parts = path.replace("\\", "/").split("/")
    return "/".join(parts[-3:]) if len(parts) > 3 else path


def selection_values(selection: Sequence[tuple[str, str]]) -> list[str]:
    return [value for value, _label in selection]
