"""Transient models (wizards): their records are their creator's only, and the vacuum deletes the old ones."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
import sqlalchemy as sa

from kernel import MissingError, ModelDefinitionError, TransientModel, UserError, fields
from kernel.db import utcnow
from kernel.models import CORE_MODELS
from kernel.models.transient import transient_models, vacuum_transient
from kernel.orm.registry import Registry

WIZARD = "basepartner.category.wizard"


@pytest.fixture(scope="module")
def erp_addons() -> list[str]:
    return ["base"]


def clerk(env: Any, login: str) -> Any:
    return env["res.users"].create({"name": login.title(), "login": login,
                                    "group_ids": [(6, 0, [env.ref("base.group_user").id])]})


def test_a_wizard_record_is_its_creators_only(env: Any, env_as: Any) -> None:
    clerk(env, "ann")
    clerk(env, "bob")
    mine = env_as("ann")[WIZARD].create({})
    assert env_as("ann")[WIZARD].search([]) == mine
    assert not env_as("bob")[WIZARD].search([])
    with pytest.raises(MissingError):
        env_as("bob")[WIZARD].browse(mine.id).read(["partner_ids"])
    with pytest.raises(MissingError):
        env_as("bob")[WIZARD].browse(mine.id).write({"category_ids": [(5, 0, 0)]})
    assert env[WIZARD].browse(mine.id).exists()  # the superuser (the vacuum) sees every record


def test_the_wizard_takes_its_partners_from_the_active_ids_and_adds_the_categories(env: Any) -> None:
    one, two, other = env["basepartner"].create([{"name": "One"}, {"name": "Two"}, {"name": "Other"}])
    vip, key = env["basepartnercategory"].create([{"name": "VIP"}, {"name": "Key"}])
    one.categories = [(4, key.id)]
    wizard = env[WIZARD].with_context(active_model="basepartner", active_ids=[one.id, two.id]).create(
        {"category_ids": [(6, 0, [vip.id, key.id])]})
    assert wizard.partner_ids == one | two
    wizard.action_apply()
    assert one.categories == vip | key and two.categories == vip | key and not other.categories


def test_the_wizard_refuses_to_run_without_a_category_and_changes_nothing(env: Any) -> None:
    partner = env["basepartner"].create({"name": "Lonely"})
    wizard = env[WIZARD].with_context(active_model="basepartner", active_ids=[partner.id]).create({})
    with pytest.raises(UserError, match="at least one category") as refused:
        wizard.action_apply()
    assert refused.value.field == "category_ids"
    assert not partner.categories


def test_active_ids_of_another_model_are_not_taken_as_partners(env: Any) -> None:
    wizard = env[WIZARD].with_context(active_model="res.users", active_ids=[1]).create({})
    assert not wizard.partner_ids


def test_the_vacuum_deletes_old_wizard_records_only(env: Any) -> None:
    assert WIZARD in transient_models(env)
    old, fresh = env[WIZARD].create([{}, {}])
    table = env[WIZARD]._sql
    env.execute(sa.update(table).where(table.c.id == old.id).values(create_date=utcnow() - timedelta(hours=3)))
    env.transaction.invalidate()
    assert vacuum_transient(env) == {WIZARD: 1}  # the configured age: one hour
    assert not old.exists() and fresh.exists()
    assert vacuum_transient(env, older_than=timedelta(0)) == {WIZARD: 1}
    assert not fresh.exists()


def test_a_transient_model_without_its_creator_column_is_refused() -> None:
    class Ownerless(TransientModel):
        _name = "ownerless.wizard"
        _log_access = False
        name = fields.Char()

    with pytest.raises(ModelDefinitionError, match="ownerless.wizard.*create_uid"):
        Registry([("base", CORE_MODELS), ("demo", [Ownerless])])


def test_the_vacuum_runs_hourly_as_bases_scheduled_job(env: Any) -> None:
    cron = env.ref("base.cron_vacuum_transient")
    assert (cron.job, cron.interval_number, cron.interval_type, cron.active) == ("base.vacuum_transient", 1, "hours", True)
    declared = {job.name: job for jobs in env.services.plugins.hook.kernel_jobs() for job in jobs}
    old = env[WIZARD].create({})
    table = env[WIZARD]._sql
    env.execute(sa.update(table).where(table.c.id == old.id).values(create_date=utcnow() - timedelta(days=1)))
    env.transaction.invalidate()
    assert declared["base.vacuum_transient"].function(env) == {WIZARD: 1}
    assert not old.exists()
