"""Searching and reading (kernel/orm/query.py): domain arguments, ordering by a many2one, case-insensitive
matching beyond ASCII, and which fields ``fields_get`` calls searchable."""

from __future__ import annotations

import pytest

from kernel import ValidationError
from kernel.orm.domain import OPERATORS


@pytest.fixture
def lines(env):
    """Three orders (``_order = "date desc, id"``), each with one line; the lines' ids follow another order."""
    partner = env["test.partner"].create({"name": "Acme"})
    first, second, third = env["test.order"].create([
        {"name": "O1", "partner_id": partner.id, "date": "2024-01-01"},
        {"name": "O2", "partner_id": partner.id, "date": "2024-01-01"},
        {"name": "O3", "partner_id": partner.id, "date": "2024-02-01"},
    ])
    line = env["test.order.line"]
    return {order.name: line.create({"order_id": order.id, "product": order.name}) for order in (second, first, third)}


def products(records):
    return [record.product for record in records]


# -- domain arguments -------------------------------------------------------------------------------


@pytest.mark.parametrize("domain", ["[('name', '=', 'x')]", {"name": "x"}, {("name", "=", "x")}, 42],
                         ids=["string", "dict", "set", "number"])
def test_a_domain_that_is_not_a_list_is_refused_naming_it(env, domain):
    partners = env["test.partner"]
    partners.create({"name": "x"})
    calls = [partners.search, partners.search_count, partners.search_read,
             lambda d: partners.read_group(d, ["rank"], ["city"]), lambda d: partners.name_search("x", args=d)]
    for call in calls:
        with pytest.raises(ValidationError, match=rf"a domain is a list of terms, got {type(domain).__name__} ") as info:
            call(domain)
        assert repr(domain) in str(info.value)
    assert partners.search_count(()) == partners.search_count(None) == 1, "a tuple or None is a domain"


# -- ordering by a many2one -------------------------------------------------------------------------


def test_a_many2one_sorts_by_every_term_of_its_comodels_order(env, lines):
    line = env["test.order.line"]
    assert products(line.search([], order="order_id")) == ["O3", "O1", "O2"], "date desc, then id"
    assert products(line.search([], order="order_id desc")) == ["O2", "O1", "O3"], "date asc, then id desc"
    assert products(line.search([], order="order_id desc, id")) == ["O2", "O1", "O3"]
    rows = line.search_read([], ["product"], order="order_id desc")
    assert [row["product"] for row in rows] == ["O2", "O1", "O3"]


def test_read_group_sorts_many2one_groups_like_search(env, lines):
    line = env["test.order.line"]
    groups = line.read_group([], ["quantity"], ["order_id"])
    assert [g["order_id"][1] for g in groups] == ["O3", "O1", "O2"]
    groups = line.read_group([], ["quantity"], ["order_id"], orderby="order_id desc")
    assert [g["order_id"][1] for g in groups] == ["O2", "O1", "O3"]


def test_a_comodel_ordered_by_the_same_many2one_does_not_recurse(env):
    """``test.node`` is ordered by ``parent_id, name``: sorting by ``parent_id`` sorts by the parent's
    name (its own ``parent_id`` term would recurse, and is skipped), as Odoo does."""
    node = env["test.node"]
    root = node.create({"name": "r"})
    b, a = node.create([{"name": "b", "parent_id": root.id}, {"name": "a", "parent_id": root.id}])
    c = node.create({"name": "c", "parent_id": a.id})
    children = [("id", "in", [a.id, b.id, c.id])]
    assert node.search(children).ids == [c.id, a.id, b.id]
    assert node.search(children, order="parent_id desc, name").ids == [a.id, b.id, c.id]


def test_a_many2one_with_nulls_first_or_last(env):
    category = env["test.category"].create({"name": "Cat"})
    partners = env["test.partner"].create([
        {"name": "With", "category_id": category.id}, {"name": "Without"},
    ])
    ordered = partners.search([("id", "in", partners.ids)], order="category_id nulls first")
    assert ordered.mapped("name") == ["Without", "With"]
    ordered = partners.search([("id", "in", partners.ids)], order="category_id desc nulls last")
    assert ordered.mapped("name") == ["With", "Without"]


def test_bad_orders_are_refused_naming_the_term(env):
    for order, named in (("nope", "'nope'"), ("name sideways", "'name sideways'"), ("order_count", "'order_count'")):
        with pytest.raises(ValidationError, match=named):
            env["test.partner"].search([], order=order)


# -- case-insensitive matching ----------------------------------------------------------------------


def test_ilike_folds_case_beyond_ascii_on_both_databases(env):
    partners = env["test.partner"]
    partners.create([{"name": "ÉCOLE NORMALE"}, {"name": "petite école"}, {"name": "Ärger"}, {"name": "ecole"}])

    def found(operator, value):
        return sorted(partners.search([("name", operator, value)]).mapped("name"))

    assert found("ilike", "école") == ["petite école", "ÉCOLE NORMALE"]
    assert found("ilike", "ÉCOLE") == ["petite école", "ÉCOLE NORMALE"]
    assert found("=ilike", "école normale") == ["ÉCOLE NORMALE"]
    assert found("not ilike", "école") == ["ecole", "Ärger"]
    assert found("ilike", "äRG") == ["Ärger"]
    assert found("like", "école") == ["petite école"], "like stays case-sensitive"
    assert [name for _id, name in partners.name_search("ÄRGER")] == ["Ärger"]


# -- fields_get -------------------------------------------------------------------------------------


def test_fields_get_calls_searchable_exactly_what_a_domain_can_search(env):
    partner, order = env["test.partner"], env["test.order"]
    described = {**{("test.partner", k): v for k, v in partner.fields_get(attributes=["searchable"]).items()},
                 **{("test.order", k): v for k, v in order.fields_get(attributes=["searchable"]).items()}}
    searchable = {key for key, value in described.items() if value["searchable"]}
    assert {("test.partner", "name"), ("test.partner", "tag_ids"), ("test.partner", "order_ids"),
            ("test.partner", "total_sales"), ("test.partner", "display_name"),
            ("test.order", "partner_city"), ("test.order", "partner_name")} <= searchable
    assert not {("test.partner", "order_count"), ("test.partner", "upper_name")} & searchable
    for model_name, name in described:
        leaf = [(name, "!=", False)]
        if (model_name, name) in searchable:
            env[model_name].search(leaf)
        else:
            with pytest.raises(ValidationError, match=name):
                env[model_name].search(leaf)


# -- every operator's NULL semantics ----------------------------------------------------------------

# (path, operator, value, whether "Set" matches, whether "Empty" matches): "Set" has a city and a
# category, "Empty" has neither (NULL), as Odoo 17 compares them
NULL_SEMANTICS = [
    ("city", "=", "Paris", True, False), ("city", "=", False, False, True),
    ("city", "!=", "Lyon", True, True), ("city", "!=", False, True, False),
    ("city", "<", "Z", True, False), ("city", "<=", "Paris", True, False),
    ("city", ">", "A", True, False), ("city", ">=", "Paris", True, False), ("city", "<", False, False, False),
    ("city", "=?", "Paris", True, False), ("city", "=?", False, True, True),
    ("city", "like", "ari", True, False), ("city", "like", "", True, True),
    ("city", "ilike", "PAR", True, False), ("city", "=like", "P%", True, False), ("city", "=ilike", "p%", True, False),
    ("city", "not like", "Lyon", True, True), ("city", "not like", "ari", False, True),
    ("city", "not ilike", "LYON", True, True), ("city", "not ilike", "", False, True),
    ("city", "in", ["Paris"], True, False), ("city", "in", ["Lyon", False], False, True),
    ("city", "not in", ["Lyon"], True, True), ("city", "not in", ["Lyon", False], True, False),
    ("category_id", "child_of", "Root", True, False), ("category_id", "parent_of", "Leaf", True, False),
    ("category_id", "any", [], True, False), ("category_id", "not any", [], False, True),
    ("category_id.name", "!=", "Other", True, False),
]


def test_every_operator_has_its_null_semantics(env):
    root = env["test.category"].create({"name": "Root"})
    leaf = env["test.category"].create({"name": "Leaf", "parent_id": root.id})
    partners = env["test.partner"].create([{"name": "Set", "city": "Paris", "category_id": leaf.id},
                                           {"name": "Empty"}])
    for path, operator, value, set_matches, empty_matches in NULL_SEMANTICS:
        domain = [("id", "in", partners.ids), (path, operator, value)]
        found = set(env["test.partner"].search(domain).mapped("name"))
        expected = {name for name, matches in (("Set", set_matches), ("Empty", empty_matches)) if matches}
        assert found == expected, (path, operator, value)
    assert {operator for _path, operator, *_ in NULL_SEMANTICS} == OPERATORS, "every operator is covered"
