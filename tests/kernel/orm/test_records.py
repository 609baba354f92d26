"""The recordset API: create, write, unlink, copy, search, read, names, defaults and set operations."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from kernel import MissingError, ValidationError


@pytest.fixture
def partners(env):
    return env["test.partner"].create([
        {"name": "Charlie", "city": "Jakarta", "rank": 3},
        {"name": "alice", "city": "Bandung", "rank": 1},
        {"name": "Bob", "city": "Jakarta", "rank": 2},
    ])


class StatementCounter:
    """Counts the SQL statements run on a connection."""

    def __init__(self, connection):
        self.engine = connection.engine
        self.count = 0

    def __enter__(self):
        sa.event.listen(self.engine, "before_cursor_execute", self._count)
        return self

    def __exit__(self, *exc):
        sa.event.remove(self.engine, "before_cursor_execute", self._count)

    def _count(self, *args, **kwargs):
        self.count += 1


def test_create_batch_returns_records_in_order_with_one_insert(env):
    with StatementCounter(env.connection) as counter:
        records = env["test.tag"].create([{"name": f"tag{i}"} for i in range(50)])
    assert records.mapped("name") == [f"tag{i}" for i in range(50)]
    assert counter.count <= 4, "one INSERT for the batch, plus its savepoint"
    single = env["test.tag"].create({"name": "solo"})
    assert len(single) == 1 and single.name == "solo"
    assert env["test.tag"].create([]) == env["test.tag"]


def test_write_issues_one_update_for_all_records(env, partners):
    with StatementCounter(env.connection) as counter:
        partners.write({"city": "Surabaya"})
    assert counter.count == 1
    env.transaction.invalidate()
    assert set(partners.mapped("city")) == {"Surabaya"}


def test_field_access_prefetches_the_recordset_in_one_query(env, partners):
    env.transaction.invalidate()
    records = env["test.partner"].browse(partners.ids)
    with StatementCounter(env.connection) as counter:
        names = [record.name for record in records]
        cities = [record.city for record in records]
    assert counter.count == 1 and len(names) == len(cities) == 3


def test_search_order_offset_limit_and_count(env, partners):
    assert env["test.partner"].search([]).mapped("name") == ["alice", "Bob", "Charlie"]  # names sort without case (kernel/orm/collation.py)
    assert env["test.partner"].search([], order="rank desc").mapped("rank") == [3, 2, 1]
    assert env["test.partner"].search([], order="city, rank desc", limit=2).mapped("name") == ["alice", "Charlie"]
    assert env["test.partner"].search([], order="rank", offset=1, limit=1).mapped("rank") == [2]
    assert env["test.partner"].search_count([("city", "=", "Jakarta")]) == 2
    with pytest.raises(ValidationError, match="cannot order test.partner by 'nope'"):
        env["test.partner"].search([], order="nope")
    with pytest.raises(ValidationError, match="invalid order"):
        env["test.partner"].search([], order="name; drop table x")


def test_archived_records_are_hidden_unless_asked(env, partners):
    partners[0].active = False
    assert partners[0] not in env["test.partner"].search([])
    assert partners[0] in env["test.partner"].with_context(active_test=False).search([])
    assert env["test.partner"].search([("active", "=", False)]) == partners[0]


def test_read_and_search_read(env, partners):
    rows = env["test.partner"].search_read([("city", "=", "Jakarta")], ["name", "rank"], order="rank")
    assert rows == [{"id": partners[2].id, "name": "Bob", "rank": 2}, {"id": partners[0].id, "name": "Charlie", "rank": 3}]
    assert partners[:1].read(["city"]) == [{"id": partners[0].id, "city": "Jakarta"}]
    full = partners[:1].read()[0]
    assert {"name", "display_name", "create_date", "create_uid", "write_uid"} <= set(full)
    assert full["create_uid"] == (1, "System")
    with pytest.raises(ValidationError, match="has no field 'nope'"):
        partners.read(["nope"])
    with pytest.raises(MissingError):
        env["test.partner"].browse([99999]).read(["name"])


def test_unlink_and_missing_records(env, partners):
    victim = partners[1]
    victim.unlink()
    assert not victim.exists() and partners.exists() == partners - victim
    with pytest.raises(MissingError):
        victim.name
    with pytest.raises(MissingError):
        victim.write({"name": "ghost"})


def test_ondelete_cascade_set_null_and_restrict(env, partners):
    category = env["test.category"].create({"name": "cat"})
    partners[0].category_id = category
    order = env["test.order"].create({"name": "SO", "partner_id": partners[0].id})
    child = env["test.partner"].create({"name": "kid", "parent_id": partners[0].id})
    category.unlink()
    env.transaction.invalidate()
    assert not partners[0].category_id, "set null"
    partners[0].unlink()
    assert not order.exists(), "cascade"
    assert child.exists() and not child.parent_id
    line_owner = env["test.order"].create({"name": "SO2", "partner_id": partners[1].id})
    env["test.order.line"].create({"order_id": line_owner.id, "product": "p"})
    users = env["res.users"]
    company = env["res.company"].create({"name": "ACME"})
    users.create({"name": "U", "login": "u", "company_id": company.id})
    with pytest.raises(ValidationError, match="still refers to it") as info:
        company.unlink()
    assert info.value.code == "RECORD_IN_USE" and company.exists()


def test_copy_duplicates_copyable_values(env, partners):
    tag = env["test.tag"].create({"name": "t"})
    partners[0].write({"tag_ids": [(6, 0, [tag.id])], "email": "c@x.test"})
    clone = partners[0].copy({"name": "Charlie 2", "email": False})
    assert clone.name == "Charlie 2" and clone.city == "Jakarta" and clone.tag_ids == tag
    assert clone.id != partners[0].id and clone.email is False


def test_name_search_name_create_and_display_name(env, partners):
    found = env["test.partner"].name_search("li")
    assert {name for _, name in found} == {"Charlie", "alice"}
    assert env["test.partner"].name_search("li", [("city", "=", "Bandung")]) == [(partners[1].id, "alice")]
    new_id, label = env["test.partner"].name_create("Zed")
    assert env["test.partner"].browse(new_id).name == "Zed" and label == "Zed"
    assert env["test.order.line"].create({
        "order_id": env["test.order"].create({"name": "S", "partner_id": new_id}).id, "product": "p"
    }).display_name.startswith("Test Order Line,")


def test_default_get_and_context_defaults(env):
    assert env["test.partner"].default_get(["kind", "active", "name"]) == {"kind": "person", "active": True}
    assert env["test.partner"].with_context(default_city="Medan").default_get(["city"]) == {"city": "Medan"}
    assert env["test.partner"].with_context(default_city="Medan").create({"name": "m"}).city == "Medan"


def test_fields_get_describes_fields_as_clients_expect(env):
    description = env["test.partner"].fields_get(["name", "kind", "tag_ids", "order_ids"])
    assert description["name"]["type"] == "char" and description["name"]["required"] is True
    assert description["kind"]["selection"] == [["person", "Person"], ["company", "Company"]]
    assert description["tag_ids"]["relation"] == "test.tag"
    assert description["order_ids"]["relation_field"] == "partner_id"
    assert set(env["test.partner"].fields_get(attributes=["type"])["rank"]) == {"type"}


def test_set_operations_mapped_filtered_sorted(env, partners):
    charlie, alice, bob = partners
    assert (charlie | alice | charlie) == charlie | alice and len(charlie | alice | charlie) == 2
    assert (partners & (alice | bob)) == alice | bob
    assert (partners - alice) == charlie | bob
    assert len(charlie + charlie) == 2
    assert partners.mapped("city") == ["Jakarta", "Bandung", "Jakarta"]
    assert partners.filtered(lambda p: p.rank > 1) == charlie | bob
    assert partners.filtered("city").ids == partners.ids
    assert partners.sorted("rank").mapped("rank") == [1, 2, 3]
    assert partners.sorted().mapped("name") == ["alice", "Bob", "Charlie"]
    assert partners.sorted(reverse=True).mapped("name") == ["Charlie", "Bob", "alice"]
    assert alice in partners
    with pytest.raises(ValueError, match="expected a single record"):
        partners.ensure_one()
    with pytest.raises(TypeError):
        partners | env["test.tag"]


def test_environment_variants(env, partners):
    assert partners.sudo().env.su and not partners.sudo(False).env.su
    assert partners.with_context(lang="id").env.context["lang"] == "id"
    assert partners.with_user(2).env.uid == 2 and not partners.with_user(2).env.su
    with pytest.raises(ValidationError, match="unknown model"):
        env["no.such.model"]
    with pytest.raises(ValidationError, match="record ids are integers"):
        env["test.partner"].browse(["1"])


def test_external_ids(env, partners):
    env["ir.model.data"].record_xmlid("catalog", "partner_alice", partners[1])
    assert env.ref("catalog.partner_alice") == partners[1]
    with pytest.raises(MissingError, match="'catalog.nope' not found"):
        env.ref("catalog.nope")
    assert env.ref("catalog.nope", raise_if_not_found=False) is None
    partners[1].unlink()
    with pytest.raises(MissingError):
        env.ref("catalog.partner_alice")


def test_metadata_models_are_readable(env):
    modules = {row["name"]: row for row in env["ir.module"].search_read([], ["name", "state", "summary"])}
    assert modules["catalog"]["state"] == "installed"
    assert env["ir.module"].search([("name", "=", "catalog")]).shortdesc.startswith("Catalog")
