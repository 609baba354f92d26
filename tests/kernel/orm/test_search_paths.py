"""Cheap ``ilike`` (issue 13, point 29): no Python call per row on SQLite for ASCII patterns, a trigram
index for the partner name on PostgreSQL; the matching itself stays Unicode-correct."""

from __future__ import annotations

from pathlib import Path

import pytest
import sqlalchemy as sa

from kernel.orm.domain import compile_domain
from kernel.orm.search_index import ensure_trigram_index, trigram_index_name
from kernel.testing import database_backends, installed_kernel, rollback_env

ADDONS = Path(__file__).resolve().parents[3] / "addons"


def where_sql(env, domain) -> str:
    return str(compile_domain(env["test.partner"], domain).compile(dialect=env.connection.dialect))


def test_ascii_ilike_uses_sqlite_own_like_and_unicode_ilike_folds_every_script(env):
    partners = env["test.partner"]
    partners.create([{"name": "ÉCOLE Centrale"}, {"name": "école du port"}, {"name": "ACME corp"}, {"name": "acme"}])
    if env.connection.dialect.name == "sqlite":
        assert "lower(" not in where_sql(env, [("name", "ilike", "acme")])
        assert "lower(" in where_sql(env, [("name", "ilike", "école")])
        assert ensure_trigram_index(env, "test.partner", "name") is False  # SQLite: nothing to create
    assert sorted(partners.search([("name", "ilike", "aCmE")]).mapped("name")) == ["ACME corp", "acme"]
    assert sorted(partners.search([("name", "ilike", "École")]).mapped("name")) == ["ÉCOLE Centrale", "école du port"]
    assert sorted(partners.search([("name", "=ilike", "acme")]).mapped("name")) == ["acme"]
    assert sorted(partners.search([("name", "not ilike", "COLE")]).mapped("name")) == ["ACME corp", "acme"]
    assert partners.name_search("ACM", limit=1) == [(partners.search([("name", "=", "acme")]).id, "acme")]  # shorter first


@pytest.mark.parametrize("backend", [b for b in database_backends() if b == "postgresql"])
def test_the_partner_name_has_a_trigram_index_on_postgresql(backend, tmp_path):
    with installed_kernel(backend, tmp_path, [ADDONS], ["base"]) as kernel:
        with kernel.engine.connect() as connection:
            found = connection.execute(sa.text("SELECT indexdef FROM pg_indexes WHERE indexname = :name"),
                                       {"name": trigram_index_name("basepartner", "name")}).scalar()
        assert found is not None and "gin_trgm_ops" in found
        with rollback_env(kernel) as env:
            assert ensure_trigram_index(env, "basepartner", "name") is True  # idempotent
            env["basepartner"].create({"name": "Trigram Partner"})
            assert env["basepartner"].name_search("igram part") == [(env["basepartner"].search(
                [("name", "=", "Trigram Partner")]).id, "Trigram Partner")]

