"""Names sort the same on SQLite and PostgreSQL (kernel/orm/collation.py): case-insensitively, an accented
letter beside its plain one, lower case before upper case on a tie."""

from __future__ import annotations

import sqlalchemy as sa

from kernel.db import text_sort_key
from kernel.orm.collation import ensure_sort_index

NAMES = ["zeta", "Beta", "alpha", "Zeta", "Élan", "elan", "eclair", "Alpha", "éa"]
EXPECTED = ["alpha", "Alpha", "Beta", "éa", "eclair", "elan", "Élan", "zeta", "Zeta"]


def test_names_sort_without_case_and_beside_their_accents(env):
    partners = env["test.partner"]
    partners.create([{"name": name} for name in NAMES])
    assert partners.search([]).mapped("name") == EXPECTED
    assert partners.search([], order="name desc").mapped("name") == EXPECTED[::-1]
    assert [name for _, name in partners.name_search("")] == EXPECTED
    assert sorted(NAMES, key=text_sort_key) == EXPECTED, "the Python key is the one SQLite sorts with"


def test_a_many2one_sorts_by_its_records_names(env):
    first, second = env["test.partner"].create([{"name": "beta"}, {"name": "Alpha"}])
    orders = env["test.order"].create([{"name": "O1", "partner_id": first.id}, {"name": "O2", "partner_id": second.id}])
    assert orders.search([("id", "in", orders.ids)], order="partner_id").mapped("name") == ["O2", "O1"]


def test_filters_keep_exact_equality(env):
    env["test.partner"].create([{"name": "Acme"}, {"name": "acme"}])
    assert env["test.partner"].search([("name", "=", "acme")]).mapped("name") == ["acme"]


def test_a_sort_index_serves_ordered_lists_on_postgresql(env):
    made = ensure_sort_index(env, "test.partner", "name")
    if env.connection.dialect.name != "postgresql":
        assert made is False, "SQLite gets no index in a collation other tools lack"
        return
    assert made is True
    env.execute(sa.text("SET LOCAL enable_seqscan = off"))
    query = env["test.partner"]._search_query([], limit=5)  # the ORM's own ORDER BY
    sql = query.compile(dialect=env.connection.dialect, compile_kwargs={"literal_binds": True})
    plan = "\n".join(env.execute(sa.text(f"EXPLAIN {sql}")).scalars())
    assert "test_partner_name_sort" in plan
