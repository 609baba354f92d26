"""Settings: fields of res.config.settings stored as parameters or on the company, read back typed."""

from __future__ import annotations

from typing import Any

import pytest

from kernel import AccessError, ModelDefinitionError, TransientModel, ValidationError, fields
from kernel.models import CORE_MODELS
from kernel.orm.registry import Registry

UNIQUE = "base.partner_unique_names"


@pytest.fixture(scope="module")
def erp_addons() -> list[str]:
    return ["base"]


def test_the_screen_shows_the_stored_values_and_save_writes_them(env: Any) -> None:
    params = env["ir.config_parameter"]
    params.set_param(UNIQUE, "False")
    euro = env["res.currency"].search([("name", "=", "EUR")])
    settings = env["res.config.settings"].create({})
    assert settings.partner_unique_names is False
    company = env.ref("base.main_company")
    assert settings.company_id == company
    settings.write({"partner_unique_names": True, "company_currency_id": euro.id})
    settings.execute()
    assert params.get_param(UNIQUE) == "True" and params.get_bool(UNIQUE) is True
    assert company.currency_id == euro  # a company setting is the company's field
    assert env["res.config.settings"].default_get(["partner_unique_names"]) == {"partner_unique_names": True}


def test_a_settings_record_made_without_a_setting_keeps_its_current_value(env: Any) -> None:
    env["ir.config_parameter"].set_param(UNIQUE, "True")
    env["res.config.settings"].create({}).execute()
    assert env["ir.config_parameter"].get_bool(UNIQUE) is True


def test_the_unique_names_toggle_changes_what_partners_may_be_created(env: Any) -> None:
    env["basepartner"].create({"name": "Twin Corp"})
    env["res.config.settings"].create({"partner_unique_names": False}).execute()
    env["basepartner"].create({"name": "twin corp "})
    env["basepartner"].search([("name", "=ilike", "twin corp%")])[1:].unlink()
    env["res.config.settings"].create({"partner_unique_names": True}).execute()
    with pytest.raises(ValidationError, match="already exists"):
        env["basepartner"].create({"name": "TWIN CORP"})


def test_typed_helpers_read_defaults_and_refuse_bad_values(env: Any) -> None:
    params = env["ir.config_parameter"]
    assert params.get_bool("x.missing") is False and params.get_bool("x.missing", True) is True
    assert params.get_int("x.missing", 7) == 7 and params.get_float("x.missing", 1.5) == 1.5
    params.set_param("x.limit", "12")
    assert params.get_int("x.limit") == 12 and params.get_float("x.limit") == 12.0
    params.set_param("x.flag", "maybe")
    with pytest.raises(ValidationError, match="'x.flag': 'maybe' is not a yes/no value"):
        params.get_bool("x.flag")
    with pytest.raises(ValidationError, match="'x.flag': 'maybe' is not an integer"):
        params.get_int("x.flag")
    params.set_param("x.flag", "")
    assert params.get_param("x.flag") is None  # an empty value removes the parameter


def test_only_administrators_use_the_settings(env: Any, env_as: Any) -> None:
    env["res.users"].create({"name": "Clerk", "login": "clerk", "group_ids": [(6, 0, [env.ref("base.group_user").id])]})
    with pytest.raises(AccessError):
        env_as("clerk")["res.config.settings"].create({"partner_unique_names": True})


def test_config_parameter_is_refused_outside_the_settings_or_on_other_types() -> None:
    class Elsewhere(TransientModel):
        _name = "elsewhere.wizard"
        flag = fields.Boolean(config_parameter="x.flag")

    with pytest.raises(ModelDefinitionError, match="config_parameter= stores a setting: it applies to the fields "
                                                   "of 'res.config.settings'"):
        Registry([("base", CORE_MODELS), ("demo", [Elsewhere])])

    class Dated(TransientModel):
        _inherit = "res.config.settings"
        when = fields.Date(config_parameter="x.when")

    with pytest.raises(ModelDefinitionError, match="not to a Date"):
        Registry([("base", CORE_MODELS), ("demo", [Dated])])
