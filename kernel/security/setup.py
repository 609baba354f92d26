"""Security steps of the kernel's lifecycle: the admin's first password, models nobody may reach."""

from __future__ import annotations

import logging
from collections.abc import Iterable
from typing import TYPE_CHECKING

import sqlalchemy as sa

if TYPE_CHECKING:
    from ..orm.env import Environment

log = logging.getLogger(__name__)
ADMIN_XMLID = "base.user_admin"


def set_admin_password(env: Environment, password: str) -> None:
    """Give the admin user shipped by ``base`` its password (when a database is created)."""
    admin = env.ref(ADMIN_XMLID, raise_if_not_found=False)
    if admin is not None:
        admin.write({"password": password})


def unprotected_models(env: Environment, addons: Iterable[str], exempt: Iterable[str] = ()) -> list[str]:
    """The concrete models defined by ``addons`` that have no access row: only the superuser reaches them.

    ``exempt`` models are left out: the kernel passes its own, whose rows
    ``base`` ships (the minimal ``base`` addons of test fixtures need none).
    """
    kernel_models = set(exempt)
    addons = set(addons)
    registry = env.registry
    access, models = registry["ir.model.access"]._sql, registry["ir.model"]._sql
    covered = set(env.execute(sa.select(models.c.model).join(access, access.c.model_id == models.c.id)).scalars())
    return sorted(model._name for model in registry.concrete_models()
                  if model._addon in addons and model._name not in covered | kernel_models)


def warn_unprotected_models(env: Environment, addons: Iterable[str], exempt: Iterable[str] = ()) -> None:
    """Log a warning for each model of freshly installed ``addons`` that no user but the superuser can reach."""
    for name in unprotected_models(env, addons, exempt):
        log.warning("model %s (addon %s) has no access rules (ir.model.access): only the superuser can use it",
                    name, env.registry[name]._addon)
