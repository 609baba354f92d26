"""Translated fields (``translate=True``): one JSON object per value keyed by language, read and written in the
user's language, searched and ordered in it, filled from the catalogs by data files, migrated from plain text."""

from __future__ import annotations

from pathlib import Path

import pytest
import sqlalchemy as sa

from kernel import ModelDefinitionError
from kernel.models import CORE_MODELS
from kernel.orm import Model, fields
from kernel.orm.registry import Registry
from kernel.testing import rollback_env


@pytest.fixture
def partner_types(env):
    return env["partner_type"]


def stored(env, record, name):
    table = record._sql
    return env.execute(sa.select(table.c[name]).where(table.c.id == record.id)).scalar_one()


def test_partner_types_read_in_the_users_language(env):
    customer, vendor = env.ref("base.base_partner_type_customer"), env.ref("base.base_partner_type_vendor")
    assert (customer.name, vendor.name) == ("Customer", "Vendor")
    indonesian = env(context={"lang": "id"})
    assert (customer.with_env(indonesian).name, vendor.with_env(indonesian).name) == ("Pelanggan", "Pemasok")
    assert customer.with_context(lang="id_ID").name == "Pelanggan", "id_ID reads the id catalog's translation"
    assert customer.with_context(lang="fr_FR").name == "Customer", "a language without translation reads en_US"
    assert customer.with_context(lang="id").read(["name"])[0]["name"] == "Pelanggan"
    assert stored(env, customer, "name") == {"en_US": "Customer", "id": "Pelanggan"}


def test_writing_sets_the_users_language_and_keeps_the_others(env, partner_types):
    kind = partner_types.create({"name": "Reseller"})
    assert stored(env, kind, "name") == {"en_US": "Reseller"}
    kind.with_context(lang="id").write({"name": "Pengecer"})
    assert stored(env, kind, "name") == {"en_US": "Reseller", "id": "Pengecer"}
    assert (kind.name, kind.with_context(lang="id").name) == ("Reseller", "Pengecer")
    kind.write({"name": "Retailer"})
    assert stored(env, kind, "name") == {"en_US": "Retailer", "id": "Pengecer"}
    made_in_indonesian = partner_types.with_context(lang="id").create({"name": "Agen"})
    assert stored(env, made_in_indonesian, "name") == {"en_US": "Agen", "id": "Agen"}, "en_US is every reader's fallback"
    twin = env["basepartnertitle"].create({"name": "Doctor", "shortcut": "Dr."})
    twin.with_context(lang="id").shortcut = "dr."
    assert stored(env, twin.copy({"name": "Doctor 2"}), "shortcut") == {"en_US": "Dr.", "id": "dr."}, \
        "a copy keeps every language"
    twin.shortcut = False
    assert stored(env, twin, "shortcut") is None, "an empty value clears every language"


def test_search_and_order_use_the_users_language(env, partner_types):
    indonesian = partner_types.with_context(lang="id")
    found = indonesian.search([("name", "=", "Pelanggan")])
    assert found == env.ref("base.base_partner_type_customer")
    assert not partner_types.search([("name", "=", "Pelanggan")]), "an English reader searches the English text"
    assert indonesian.search([("name", "ilike", "pemas")]) == env.ref("base.base_partner_type_vendor")
    names = [kind.name for kind in indonesian.search([("id", "in", [env.ref("base.base_partner_type_customer").id,
                                                                     env.ref("base.base_partner_type_vendor").id])],
                                                      order="name desc")]
    assert names == ["Pemasok", "Pelanggan"]
    assert indonesian.name_search("Pelang") == [(env.ref("base.base_partner_type_customer").id, "Pelanggan")]


def test_groups_are_the_texts_of_the_users_language(env, partner_types):
    indonesian = partner_types.with_context(lang="id")
    groups = indonesian.read_group([], ["name"], ["name"], orderby="name")
    names = [group["name"] for group in groups]
    assert "Pelanggan" in names and "Pemasok" in names and "Customer" not in names
    pelanggan = next(group for group in groups if group["name"] == "Pelanggan")
    assert indonesian.search(pelanggan["__domain"]) == env.ref("base.base_partner_type_customer")


def test_translate_is_refused_where_it_would_do_nothing():
    class Counted(Model):
        _name = "test.counted"
        count = fields.Integer(translate=True)

    with pytest.raises(ModelDefinitionError, match=r"field 'count'.*translate=True applies to char, text and html"):
        Registry([("base", CORE_MODELS), ("extra", [Counted])])

    class Computed(Model):
        _name = "test.computed"
        label = fields.Char(translate=True, compute="_compute_label")

        def _compute_label(self):
            pass

    with pytest.raises(ModelDefinitionError, match=r"field 'label'.*translate=True needs a stored field"):
        Registry([("base", CORE_MODELS), ("extra", [Computed])])
