"""The ``active_rule`` infrastructure: company and branch fields added to the models of an addon.

When an addon's manifest says ``"active_rule": True``, each concrete model it
defines gets ``company_id`` and ``branch_id`` fields (defaulting to the
current company and branch) and global record rules (see
:func:`kernel.security.companies.auto_rule_domains`) that limit every user to
their companies and branches; records without a company or branch are shared.
A model opts out with ``_active_rule = False``; a model of any addon opts in
with ``_active_rule = True``.

The fields come as one more layer per model, composed after the addon's own
classes, so the registry needs to know nothing about them.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any

from ..orm import fields
from ..orm.models import Model
from .companies import current_id

if TYPE_CHECKING:
    from ..manifest import Manifest
    from ..orm.models import BaseModel


def _default_company(model: BaseModel) -> int | bool:
    return current_id(model.env, "company") or False


def _default_branch(model: BaseModel) -> int | bool:
    """The current branch, when it belongs to the current company."""
    env = model.env
    branch = current_id(env, "branch")
    if not branch:
        return False
    owner = env(su=True)["res.branch"].browse(branch).company_id.id
    return branch if owner == current_id(env, "company") else False


def _defines_model(cls: type) -> bool:
    own = vars(cls)
    name = own.get("_name")
    inherit = own.get("_inherit") or ()
    inherit = [inherit] if isinstance(inherit, str) else list(inherit)
    return bool(name) and name not in inherit and not cls._abstract


def _model_name(cls: type) -> str:
    own = vars(cls)
    name = own.get("_name") or own.get("_inherit")
    return name if isinstance(name, str) else list(name)[0]


def with_active_rule(manifest: Manifest, classes: Sequence[type]) -> list[type]:
    """The addon's model classes, followed by a layer adding ``company_id`` and ``branch_id`` to each
    model put under the auto-rules by the manifest's ``active_rule`` or the model's ``_active_rule``."""
    result = list(classes)
    for cls in classes:
        opted = vars(cls).get("_active_rule")
        if opted is False or not (opted is True or (manifest.active_rule and _defines_model(cls))):
            continue
        name = _model_name(cls)
        attrs: dict[str, Any] = {"_inherit": name, "_active_rule": True, "__module__": __name__}
        if not _has_field(classes, name, "company_id"):
            attrs["company_id"] = fields.Many2one(
                "res.company", "Company", index=True, ondelete="restrict", default=_default_company)
        if not _has_field(classes, name, "branch_id"):
            attrs["branch_id"] = fields.Many2one(
                "res.branch", "Branch", index=True, ondelete="restrict", default=_default_branch)
        if opted is True and set(attrs) == {"_inherit", "_active_rule", "__module__"}:
            continue  # the model declares both fields and the flag itself: no layer to add
        result.append(type(f"ActiveRule[{name}]", (Model,), attrs))
    return result


def _has_field(classes: Iterable[type], model_name: str, field_name: str) -> bool:
    return any(_model_name(cls) == model_name and isinstance(vars(cls).get(field_name), fields.Many2one)
               for cls in classes)
