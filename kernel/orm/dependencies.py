"""Dependencies of computed fields, and the triggers that recompute them.

``@api.depends("partner_id.country_id")`` on the compute of ``T`` (model M)
resolves to the field path ``[M.partner_id, Partner.country_id]``.  Each field
of a path becomes a *trigger*: when it changes on some records, the records of
M reaching them through the start of the path get ``T`` recomputed::

    Partner.country_id changed on P  ->  M.search([("partner_id", "in", P)])
    M.partner_id changed on R        ->  R itself

A one2many in a path also triggers through its inverse many2one, so creating
or moving a line recomputes the totals of both the old and the new parent.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from typing import TYPE_CHECKING

from ..exceptions import ModelDefinitionError
from .fields import Field

if TYPE_CHECKING:
    from .registry import Registry


@dataclass(frozen=True)
class Trigger:
    """Recompute ``target`` on the records reaching the changed ones through ``path``.

    ``via``, when set, is a many2one followed from the changed records first
    (the inverse of a one2many in the dependency path).
    """

    target: Field
    path: tuple[Field, ...]
    via: Field | None = None

    @property
    def path_name(self) -> str:
        return ".".join(f.name for f in self.path)


def _method_depends(model: type, field: Field) -> tuple[str, ...]:
    compute = field.compute
    method = getattr(model, compute, None) if isinstance(compute, str) else compute
    if isinstance(compute, str) and method is None:
        raise field.model_error(f"compute method {compute!r} not found")
    return tuple(getattr(method, "_depends", ()))


def resolve_dependencies(registry: Registry) -> None:
    """Turn every computed field's ``depends`` into field paths; unknown names are errors."""
    for model in registry.models.values():
        for field in model._fields.values():
            if field.related:
                paths = (field.related,)
            elif field.compute:
                paths = field.depends or _method_depends(model, field)
            else:
                field.dependency_paths = ()
                continue
            field.dependency_paths = tuple(_resolve_path(registry, model, field, path) for path in paths)


def _resolve_path(registry: Registry, model: type, field: Field, path: str) -> tuple[Field, ...]:
    current = model
    resolved: list[Field] = []
    names = path.split(".")
    for index, name in enumerate(names):
        step = current._fields.get(name)
        if step is None:
            raise ModelDefinitionError(
                f"addon {field.addon!r}, model {field.model_name!r}, field {field.name!r}: depends on "
                f"{path!r}, but {current._name!r} has no field {name!r}"
            )
        resolved.append(step)
        if index < len(names) - 1:
            if not step.relational:
                raise ModelDefinitionError(
                    f"addon {field.addon!r}, model {field.model_name!r}, field {field.name!r}: depends on "
                    f"{path!r}, but {current._name}.{name} is not relational"
                )
            current = registry[step.comodel_name]
    return tuple(resolved)


def build_triggers(registry: Registry) -> dict[Field, list[Trigger]]:
    triggers: dict[Field, list[Trigger]] = defaultdict(list)
    for model in registry.models.values():
        for target in model._fields.values():
            for path in getattr(target, "dependency_paths", ()):
                for index, step in enumerate(path):
                    prefix = path[:index]
                    triggers[step].append(Trigger(target, prefix))
                    if step.type == "one2many" and index < len(path):
                        triggers[step.inverse_field].append(Trigger(target, prefix, via=step.inverse_field))
    return dict(triggers)
