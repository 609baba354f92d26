"""Countries and their states, filled from pycountry when ``base`` is installed."""

from __future__ import annotations

from typing import Any

import phonenumbers
import pycountry

from kernel import Model, fields


class Country(Model):
    _name = "res.country"
    _description = "Country"
    _order = "name"

    name = fields.Char("Country Name", required=True)
    code = fields.Char("Country Code", size=2, required=True, unique=True, help="ISO 3166-1 alpha-2")
    phone_code = fields.Integer("Country Calling Code")
    state_ids = fields.One2many("res.country.state", "country_id", "States")
    active = fields.Boolean("Active", default=True)


class CountryState(Model):
    _name = "res.country.state"
    _description = "Country State"
    _order = "country_id, name"
    _unique = (("country_id", "code"),)

    name = fields.Char("State Name", required=True)
    code = fields.Char("State Code", required=True, size=16, help="ISO 3166-2 code without the country prefix")
    country_id = fields.Many2one("res.country", "Country", required=True, ondelete="cascade", index=True)


def load_countries(env: Any) -> int:
    """Create every ISO country and subdivision not yet present, in two batched creates; returns how many."""
    countries = env["res.country"].with_context(active_test=False)
    known = {country.code for country in countries.search([])}
    new_countries = [
        {"name": getattr(c, "common_name", None) or c.name, "code": c.alpha_2,
         "phone_code": phonenumbers.country_code_for_region(c.alpha_2) or False}
        for c in pycountry.countries if c.alpha_2 not in known
    ]
    created = countries.create(new_countries) if new_countries else countries.browse()
    ids_by_code = {country.code: country.id for country in created}
    states = [
        {"name": sub.name, "code": sub.code.split("-", 1)[1], "country_id": ids_by_code[sub.country_code]}
        for sub in pycountry.subdivisions if sub.country_code in ids_by_code
    ]
    if states:
        env["res.country.state"].create(states)
    return len(new_countries) + len(states)
