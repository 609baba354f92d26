"""The model registry: one composed class per model, built from every installed addon's layers.

Addons hand over *definition* classes through ``kernel_models``; a definition
either defines a model (``_name``) or extends one (``_inherit``).  The
registry never changes a definition: for each model it makes one new class
with a single ``type()`` call whose bases are that model's definitions, the
last installed first, followed by the models it inherits from::

    install order   base              core_purchase        master_sale
    definitions     Partner           VendorPartner        CustomerPartner
                    _name=basepartner _inherit=basepartner _inherit=basepartner

    composed        basepartner = type("basepartner",
                                       (CustomerPartner, VendorPartner, Partner), {fields})
    MRO             basepartner > CustomerPartner > VendorPartner > Partner > Model > BaseModel

so ``super().create()`` in ``CustomerPartner`` reaches ``VendorPartner``, then
``Partner``, then the ORM.  A definition with a new ``_name`` and an
``_inherit`` copies the inherited model (and mixins) by putting their composed
classes after its own definitions.  The registry is rebuilt from scratch when
addons are installed or removed, so removing an addon removes its layer.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from ..exceptions import ModelDefinitionError
from ..hints import model_hint
from . import fields as F
from .dependencies import build_triggers, resolve_dependencies
from .fields.base import definition_file
from .models import BaseModel
from .policy import AccessPolicy, OpenPolicy
from .tables import build_metadata

# model attributes that a model inherits from the models it copies when it does not set them
INHERITED_ATTRIBUTES = (
    "_description", "_order", "_rec_name", "_parent_store", "_parent_name", "_log_access", "_unique", "_duplicate_code",
)
OWN_ATTRIBUTES = ("_table", "_auto", "_table_query", "_inherits", "_active_rule")


@dataclass
class ModelSpec:
    """What the layers say about one model before it is composed."""

    name: str
    addon: str
    definitions: list[tuple[str, type]] = field(default_factory=list)
    parents: list[str] = field(default_factory=list)
    delegates: list[str] = field(default_factory=list)
    abstract: bool = False


def _as_list(value: Any) -> list[str]:
    if not value:
        return []
    return [value] if isinstance(value, str) else list(value)


class Registry:
    """The composed model classes of one set of installed addons."""

    def __init__(self, layers: Iterable[tuple[str, Iterable[type]]], policy: AccessPolicy | None = None):
        self.policy: AccessPolicy = policy if policy is not None else OpenPolicy()
        self.models: dict[str, type[BaseModel]] = {}
        specs = self._collect(layers)
        for name in self._composition_order(specs):
            self.models[name] = self._compose(specs[name])
        for model in self.models.values():
            model._add_magic_fields(self)
        for model in self.models.values():
            for fld in model._fields.values():
                fld.setup(model, self)
        for model in self.models.values():
            model._setup_complete(self)
        resolve_dependencies(self)
        self.triggers = build_triggers(self)
        self.inverse_one2many: dict[F.Field, list[F.Field]] = {}
        self.x2many_to: dict[str, list[F.Field]] = {}
        for model in self.models.values():
            for fld in model._fields.values():
                if fld.related:
                    continue
                if fld.type == "one2many":
                    self.inverse_one2many.setdefault(fld.inverse_field, []).append(fld)
                if fld.type in ("one2many", "many2many"):
                    self.x2many_to.setdefault(fld.comodel_name, []).append(fld)
        self.metadata = build_metadata(self)
        for model in self.concrete_models():
            model._sql = self.metadata.tables[model._table]

    def __getitem__(self, name: str) -> type[BaseModel]:
        try:
            return self.models[name]
        except KeyError:
            raise KeyError(f"unknown model {name!r}") from None

    def __contains__(self, name: object) -> bool:
        return name in self.models

    def __iter__(self) -> Iterator[str]:
        return iter(self.models)

    def concrete_models(self) -> list[type[BaseModel]]:
        """Models with a table or a view."""
        return [model for model in self.models.values() if not model._abstract]

    # -- collection ----------------------------------------------------------

    def _collect(self, layers: Iterable[tuple[str, Iterable[type]]]) -> dict[str, ModelSpec]:
        specs: dict[str, ModelSpec] = {}
        for addon, classes in layers:
            for cls in classes:
                if not (isinstance(cls, type) and issubclass(cls, BaseModel)):
                    raise ModelDefinitionError(f"addon {addon!r}: kernel_models returned {cls!r}, not a model class")
                own = vars(cls)
                name = own.get("_name")
                inherit = _as_list(own.get("_inherit"))
                if name is None and not inherit:
                    raise ModelDefinitionError(f"addon {addon!r}: {cls.__qualname__} sets neither _name nor _inherit")
                if name is None or name in inherit:
                    target = name or inherit[0]
                    spec = specs.get(target)
                    if spec is None:
                        raise ModelDefinitionError(
                            f"addon {addon!r}, model {target!r}: {cls.__qualname__} extends an unknown model"
                            f"{model_hint(target, specs)}"
                        )
                    parents = [p for p in inherit if p != target]
                else:
                    if name in specs:
                        raise ModelDefinitionError(
                            f"addon {addon!r}, model {name!r}: already defined by addon {specs[name].addon!r}; "
                            f"extend it with _inherit = {name!r}"
                        )
                    spec = specs[name] = ModelSpec(name, addon, abstract=bool(cls._abstract))
                    parents = inherit
                for parent in parents + list(own.get("_inherits", {}) or {}):
                    if parent not in specs:
                        raise ModelDefinitionError(
                            f"addon {addon!r}, model {spec.name!r}: inherits from unknown model {parent!r}"
                            f"{model_hint(parent, specs)}"
                        )
                for parent in parents:
                    if parent not in spec.parents:
                        spec.parents.append(parent)
                for parent in own.get("_inherits", {}) or {}:
                    if parent not in spec.delegates:
                        spec.delegates.append(parent)
                spec.definitions.append((addon, cls))
        return specs

    def _composition_order(self, specs: dict[str, ModelSpec]) -> list[str]:
        order: list[str] = []
        done: set[str] = set()

        def visit(name: str, stack: list[str]) -> None:
            if name in done:
                return
            if name in stack:
                raise ModelDefinitionError(f"model inheritance cycle: {' -> '.join(stack + [name])}")
            for parent in specs[name].parents + specs[name].delegates:
                visit(parent, stack + [name])
            done.add(name)
            order.append(name)

        for name in specs:
            visit(name, [])
        return order

    # -- composition ---------------------------------------------------------

    def _compose(self, spec: ModelSpec) -> type[BaseModel]:
        parents = [self.models[p] for p in spec.parents]
        attrs: dict[str, Any] = {
            "_name": spec.name,
            "_addon": spec.addon,
            "_layers": tuple(dict.fromkeys(addon for addon, _ in spec.definitions)),  # an addon may add several
            "_abstract": spec.abstract,
            "__module__": __name__,
        }
        for attr in INHERITED_ATTRIBUTES + OWN_ATTRIBUTES:
            value = self._resolve_attribute(spec, attr, parents if attr in INHERITED_ATTRIBUTES else [])
            if value is not None:
                attrs[attr] = value
        attrs.setdefault("_table", spec.name.replace(".", "_"))
        attrs.setdefault("_description", spec.name)
        attrs["_fields"] = fields = self._merge_fields(spec, parents)
        attrs.update(fields)
        bases = tuple(cls for _, cls in reversed(spec.definitions)) + tuple(parents)
        try:
            return type(spec.name, bases, attrs)
        except TypeError as exc:
            raise ModelDefinitionError(f"model {spec.name!r}: its layers cannot be combined: {exc}") from None

    @staticmethod
    def _resolve_attribute(spec: ModelSpec, attr: str, parents: list[type[BaseModel]]) -> Any:
        value = None
        for _, cls in spec.definitions:
            if attr in vars(cls):
                value = vars(cls)[attr]
        if value is None:
            for parent in parents:
                if attr in vars(parent):
                    return vars(parent)[attr]
        return value

    def _merge_fields(self, spec: ModelSpec, parents: list[type[BaseModel]]) -> dict[str, F.Field]:
        merged: dict[str, tuple[F.Field, str, str]] = {}  # name -> (field, owning addon, defining file)
        tracking = any(getattr(cls, "_supports_tracking", False) for _, cls in spec.definitions) or any(
            parent._supports_tracking for parent in parents)
        for parent in parents:
            for name, parent_field in parent._fields.items():
                if name not in merged and not getattr(parent_field, "magic", False):
                    merged[name] = (parent_field, parent_field.addon or spec.addon, parent_field.source)
        for addon, cls in spec.definitions:
            for name, value in vars(cls).items():
                if not isinstance(value, F.Field):
                    continue
                value.check_arguments(addon, spec.name, name, cls, tracking)
                if name in merged:
                    previous, owner, source = merged[name]
                    if previous.type != value.type:
                        raise ModelDefinitionError(
                            f"addon {addon!r}, model {spec.name!r}, field {name!r} ({definition_file(cls)}): "
                            f"redefined as {type(value).__name__}, but it is a {type(previous).__name__} "
                            f"(defined by addon {owner!r})"
                        )
                    merged[name] = (previous.merged(value), owner, source)
                else:
                    merged[name] = (value, addon, definition_file(cls))
        return {name: fld.bind(spec.name, name, owner, source) for name, (fld, owner, source) in merged.items()}
