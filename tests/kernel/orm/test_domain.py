"""Domains (kernel/orm/domain.py): every operator on every field type, with Odoo 17's semantics.

Each test builds the dataset below in its own rolled-back transaction and compares
the exact names found; ``search_count`` must agree with ``search``.  Dave is archived;
Carol has no value anywhere (NULL, is_company included) and only an archived tag.
Categories (parent_store): Root > Alpha > {Alpha One, Alpha Two (archived)}, Root > Beta, Other.
Orders: SO1 (Alice, sale: Chair 2 x 10, Table 1 x 100), SO2 (Alice, draft), SO3 (Bob, cancel: Chair 1 x 10).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
import sqlalchemy as sa

from kernel import ValidationError

ACTIVE = {"Alice", "Bob", "Carol", "Eve"}
SCALARS = ("name", "city", "is_company", "kind", "rank", "score", "balance", "birthday", "last_seen", "notes")
PARTNERS = [
    ("Alice", "Paris", False, "person", 10, 1.5, Decimal("100.50"), "1990-05-01", "2024-01-01 10:00:00", "50% off fan"),
    ("Bob", "paris", True, "company", 20, 2.5, Decimal("200"), dt.date(1985, 12, 31), dt.datetime(2024, 1, 2),
     "Bob_the builder"),
    ("Carol", False, False, False, False, False, False, False, False, False),
    ("Dave", "Lyon", True, "company", 30, 3.5, Decimal("300"), "1970-01-01", "2023-06-01 12:00:00", "x"),
    ("Eve", "Lyon", False, "person", 0, 0.0, Decimal("0"), "2000-02-29", "2024-01-01 23:59:59", "100% sure"),
]
LINKS = {  # category, tags, parent, active
    "Alice": ("one", ["vip", "new"], None, True),
    "Bob": ("beta", ["new"], "alice", True),
    "Carol": (None, ["old"], "alice", True),
    "Dave": ("root", ["vip"], "bob", False),
    "Eve": ("two", [], "bob", True),
}


def dataset(env):
    """The records of the module docstring, by lower-case name (tags and categories by short name)."""
    tag, category = env["test.tag"], env["test.category"]
    data = dict(zip(("vip", "new", "old", "unused"), tag.create([
        {"name": "VIP", "color": 3}, {"name": "New", "color": 1}, {"name": "Old", "color": 5, "active": False},
        {"name": "Unused"},
    ])))
    data["root"], data["other"] = category.create([{"name": "Root"}, {"name": "Other"}])
    root_id = data["root"].id
    data["alpha"], data["beta"] = category.create([{"name": n, "parent_id": root_id} for n in ("Alpha", "Beta")])
    data["one"], data["two"] = category.create([
        {"name": "Alpha One", "parent_id": data["alpha"].id},
        {"name": "Alpha Two", "parent_id": data["alpha"].id, "active": False},
    ])
    for values in PARTNERS:
        name = values[0]
        category_key, tags, parent, active = LINKS[name]
        data[name.lower()] = env["test.partner"].create({
            **dict(zip(SCALARS, values)), "active": active, "tag_ids": [(6, 0, [data[t].id for t in tags])],
            "category_id": category_key and data[category_key].id, "parent_id": parent and data[parent].id,
        })
    table = env["test.partner"]._sql
    env.execute(sa.update(table).where(table.c.id == data["carol"].id).values(is_company=None))
    env.transaction.invalidate()
    order, alice, bob = env["test.order"], data["alice"], data["bob"]
    data["so1"], data["so2"], data["so3"] = order.create([
        {"name": "SO1", "partner_id": alice.id, "state": "sale", "date": "2024-01-05",
         "line_ids": [(0, 0, {"product": "Chair", "quantity": 2, "price": 10}),
                      (0, 0, {"product": "Table", "quantity": 1, "price": 100})]},
        {"name": "SO2", "partner_id": alice.id, "state": "draft"},
        {"name": "SO3", "partner_id": bob.id, "state": "cancel",
         "line_ids": [(0, 0, {"product": "Chair", "quantity": 1, "price": 10})]},
    ])
    return data


def names(records):
    return {record.name for record in records}


def check(model, domain, expected):
    """``search`` finds exactly ``expected`` (names) and ``search_count`` agrees."""
    found = model.search(domain)
    assert names(found) == set(expected), domain
    assert model.search_count(domain) == len(found) == len(expected), domain


def case(domain, expected, id=None):
    """A case: ``domain`` is a list or a function of the dataset; ``expected`` space-separated names."""
    return pytest.param(domain, set(expected.split()), id=id or repr(domain)[:80])


def leaves(path, rows):
    """Cases of one leaf on ``path``, from ``(operator, value, expected names)`` rows."""
    return [case([(path, operator, value)], expected) for operator, value, expected in rows]


def run_cases(env, model_name, domain, expected, **context):
    data = dataset(env)
    model = env[model_name].with_context(**context) if context else env[model_name]
    check(model, domain(data) if callable(domain) else domain, expected)


# -- scalar fields ----------------------------------------------------------------------------

ALL = "Alice Bob Carol Eve"
AWARE = dt.datetime(2024, 1, 1, 11, tzinfo=dt.timezone(dt.timedelta(hours=1)))  # 10:00 UTC

CHAR = leaves("city", [
    ("=", "Paris", "Alice"), ("!=", "Paris", "Bob Carol Eve"), ("<>", "Paris", "Bob Carol Eve"),
    ("=", False, "Carol"), ("=", None, "Carol"), ("!=", False, "Alice Bob Eve"),
    # "!=" adds the rows without a value only when the value compared is truthy (Odoo)
    ("!=", "", "Alice Bob Eve"), ("=", "", ""),
    ("<", "M", "Eve"), (">=", "P", "Alice Bob"), ("<", False, ""), (">", None, ""),
    ("=?", "Lyon", "Eve"), ("=?", False, ALL), ("=?", None, ALL),
    ("like", "aris", "Alice Bob"), ("like", "Par", "Alice"), ("LIKE", "par", "Bob"), ("ilike", "PAR", "Alice Bob"),
    ("not like", "Par", "Bob Carol Eve"), ("not ilike", "par", "Carol Eve"),
    ("=like", "P%", "Alice"), ("=like", "p%", "Bob"), ("=like", "Pari_", "Alice"),
    ("=ilike", "p%", "Alice Bob"), ("=ilike", "PARIS", "Alice Bob"),
    # an empty like matches everything, NULL included; an empty not like only NULL (Odoo)
    ("like", "", ALL), ("ilike", False, ALL), ("not ilike", "", "Carol"),
    ("in", ["Paris", "Lyon"], "Alice Eve"), ("=", ["Paris", "Lyon"], "Alice Eve"), ("in", False, "Carol"),
    ("in", ("Paris", False), "Alice Carol"), ("in", [None], "Carol"), ("not in", ["Paris", "Lyon"], "Bob Carol"),
    ("not in", ["Paris", False], "Bob Eve"), ("in", [], ""), ("not in", [], ALL),
])

TEXT = leaves("notes", [
    ("ilike", "BOB", "Bob"), ("=", "Bob_the builder", "Bob"), ("!=", "Bob_the builder", "Alice Carol Eve"),
    ("not like", "fan", "Bob Carol Eve"), ("like", "bob", ""),
    # Odoo does not escape the value: % and _ stay wildcards, a backslash escapes the next character
    ("like", "%", "Alice Bob Eve"), ("like", "50%fan", "Alice"), ("like", "1_0", "Eve"), ("like", "1\\_0", ""),
    ("like", "_the", "Bob"), ("like", "b\\_t", "Bob"), ("like", "0\\%", "Alice Eve"), ("like", "50\\%", "Alice"),
    ("ilike", "% SURE", "Eve"), ("=like", "%\\%%", "Alice Eve"), ("not ilike", "\\%", "Bob Carol"),
])

INTEGER = leaves("rank", [
    ("=", 10, "Alice"), ("=", 0, "Eve"), ("=", False, "Carol"), ("=", "20", "Bob"),
    ("!=", 10, "Bob Carol Eve"), ("!=", False, "Alice Bob Eve"), ("!=", 0, "Alice Bob"), ("=?", 20, "Bob"),
    ("<", 15, "Alice Eve"), ("<=", 10, "Alice Eve"), (">", 10, "Bob"), (">=", 0, "Alice Bob Eve"), ("<", False, ""),
    ("<", 10.5, "Alice Eve"), ("in", [10, 20], "Alice Bob"), ("in", {10, 20}, "Alice Bob"),
    ("in", [0, False], "Carol Eve"), ("not in", [10, 20], "Carol Eve"), ("not in", [10, False], "Bob Eve"),
    ("like", "0", "Alice Bob Eve"), ("not like", "0", "Carol"), ("=like", "1%", "Alice"),
])

FLOAT = leaves("score", [
    ("=", 1.5, "Alice"), ("=", 0, "Eve"), ("=", False, "Carol"), ("!=", 1.5, "Bob Carol Eve"),
    (">", 1, "Alice Bob"), ("<=", 0.0, "Eve"), ("<", False, ""),
    ("in", [1.5, 2.5], "Alice Bob"), ("not in", [1.5], "Bob Carol Eve"),
])

MONETARY = leaves("balance", [
    ("=", Decimal("100.50"), "Alice"), ("=", Decimal("100.5"), "Alice"), ("=", 100.5, "Alice"),
    ("=", "200.00", "Bob"), ("=", 0, "Eve"), ("=", False, "Carol"), ("!=", Decimal("0"), "Alice Bob"),
    (">", Decimal("150"), "Bob"), (">=", 100.5, "Alice Bob"), ("<", Decimal("100.51"), "Alice Eve"),
    ("<=", Decimal("-0.01"), ""), ("in", [Decimal("0"), Decimal("200")], "Bob Eve"),
    ("not in", [Decimal("0"), False], "Alice Bob"),
    # like compares the text PostgreSQL prints for NUMERIC, on SQLite too
    ("like", "100.5", "Alice"), ("=like", "%.00", "Bob Eve"), ("not ilike", ".5", "Bob Carol Eve"),
]) + leaves("total_sales", [(">", 0, "Alice")])

BOOLEAN = leaves("is_company", [
    ("=", True, "Bob"), ("=", False, "Alice Carol Eve"), ("!=", True, "Alice Carol Eve"), ("!=", False, "Bob"),
    ("in", [True], "Bob"), ("in", [False], "Alice Carol Eve"), ("in", [True, False], ALL), ("in", True, "Bob"),
    ("not in", [True], "Alice Carol Eve"), ("not in", [False], "Bob"), ("not in", [True, False], ""),
    ("=?", False, ALL), ("=?", True, "Bob"),
])

DATE = leaves("birthday", [
    ("=", "1990-05-01", "Alice"), ("=", dt.date(1990, 5, 1), "Alice"), ("=", dt.datetime(1990, 5, 1, 18), "Alice"),
    ("!=", "1990-05-01", "Bob Carol Eve"), ("<", "1990-01-01", "Bob"), ("<=", "1990-05-01", "Alice Bob"),
    (">", "1990-05-01", "Eve"), (">=", dt.date(1990, 5, 1), "Alice Eve"), (">", False, ""),
    ("=", False, "Carol"), ("!=", False, "Alice Bob Eve"), ("=?", "2000-02-29", "Eve"),
    ("in", ["1990-05-01", dt.date(2000, 2, 29)], "Alice Eve"), ("not in", ["1990-05-01"], "Bob Carol Eve"),
    ("=like", "19%", "Alice Bob"),
])

DATETIME = leaves("last_seen", [
    ("=", "2024-01-01 10:00:00", "Alice"), ("=", dt.datetime(2024, 1, 1, 10), "Alice"), ("=", "2024-01-02", "Bob"),
    ("!=", "2024-01-01 10:00:00", "Bob Carol Eve"), ("<", dt.datetime(2024, 1, 1, 12), "Alice"),
    # a bare date is the day's first second, or its last one for > and <= (Odoo)
    (">", "2024-01-01", "Bob"), (">=", "2024-01-01", "Alice Bob Eve"), ("<=", "2024-01-01", "Alice Eve"),
    ("<", "2024-01-02", "Alice Eve"), (">", dt.date(2024, 1, 1), "Bob"), ("<=", dt.date(2024, 1, 1), "Alice Eve"),
    (">=", AWARE, "Alice Bob Eve"), ("=", False, "Carol"), ("!=", False, "Alice Bob Eve"), ("<", False, ""),
    ("in", ["2024-01-01 10:00:00", dt.datetime(2024, 1, 2)], "Alice Bob"),
    ("not in", ["2024-01-01 10:00:00"], "Bob Carol Eve"), ("=like", "2024-01-01%", "Alice Eve"),
])

SELECTION = leaves("kind", [
    ("=", "person", "Alice Eve"), ("!=", "person", "Bob Carol"), ("=", False, "Carol"), ("=?", "company", "Bob"),
    ("in", ["company"], "Bob"), ("in", ["person", False], "Alice Carol Eve"),
    ("not in", ["company"], "Alice Carol Eve"), ("ilike", "PER", "Alice Eve"), ("not like", "comp", "Alice Carol Eve"),
])


@pytest.mark.parametrize(("domain", "expected"), CHAR + TEXT + INTEGER + FLOAT + MONETARY + BOOLEAN + DATE
                         + DATETIME + SELECTION)
def test_scalar_fields(env, domain, expected):
    run_cases(env, "test.partner", domain, expected)


# -- relational fields ------------------------------------------------------------------------

MANY2ONE = [
    case(lambda d: [("category_id", "=", d["one"].id)], "Alice", id="m2o = id"),
    case(lambda d: [("category_id", "=", d["one"])], "Alice", id="m2o = record"),
    case(lambda d: [("category_id", "=", d["one"] | d["beta"])], "Alice Bob", id="m2o = records"),
    case(lambda d: [("category_id", "in", d["one"] | d["beta"])], "Alice Bob", id="m2o in records"),
    case(lambda d: [("category_id", "in", [d["one"], d["beta"].id])], "Alice Bob", id="m2o in [record, id]"),
    case(lambda d: [("category_id", "=", d["one"].browse())], "", id="m2o = no record"),
    case(lambda d: [("category_id", "!=", d["one"].id)], "Bob Carol Eve", id="m2o != id"),
    case(lambda d: [("category_id", "in", [d["one"].id, False])], "Alice Carol", id="m2o in [id, False]"),
    case(lambda d: [("category_id", "not in", [d["one"].id])], "Bob Carol Eve", id="m2o not in"),
    case(lambda d: [("category_id", "not in", [d["one"].id, False])], "Bob Eve", id="m2o not in [id, False]"),
    case(lambda d: [("category_id", "=?", d["beta"].id)], "Bob", id="m2o =? id"),
    case(lambda d: [("category_id.parent_id", "=", d["alpha"].id)], "Alice Eve", id="m2o path = id"),
    case(lambda d: [("parent_id", "=", d["alice"].id)], "Bob Carol", id="self m2o = id"),
    *leaves("category_id", [
        ("=", False, "Carol"), ("!=", False, "Alice Bob Eve"), ("=?", False, ALL),
        # by name; archived targets are found (Odoo looks many2one names up with active_test=False)
        ("=", "Beta", "Bob"), ("=", "beta", ""), ("!=", "Beta", "Alice Carol Eve"), ("ilike", "alpha", "Alice Eve"),
        ("not ilike", "alpha", "Bob Carol"), ("like", "Alpha T", "Eve"), ("=like", "%One", "Alice"),
        ("in", ["Beta", "Alpha One"], "Alice Bob"), ("not in", ["Beta"], "Alice Carol Eve"),
        ("any", [("name", "=", "Beta")], "Bob"), ("not any", [("name", "=", "Beta")], "Alice Carol Eve"),
        ("any", [("name", "like", "Alpha")], "Alice Eve"), ("any", [("active", "=", False)], "Eve"),
        ("any", [], "Alice Bob Eve"), ("not any", [], "Carol"),
        ("any", [("parent_id", "any", [("name", "=", "Root")])], "Bob"),
    ]),
    # dotted paths are "any": a missing target never matches, even a negative operator
    case([("category_id.name", "=", "Beta")], "Bob"),
    case([("category_id.name", "!=", "Beta")], "Alice Eve"),
    case([("category_id.name", "not ilike", "alpha")], "Bob"),
    case([("category_id.active", "=", False)], "Eve"),
    case([("category_id.parent_id.name", "=", "Alpha")], "Alice Eve"),
    case([("category_id.parent_id.name", "=", "Root")], "Bob"),
    case([("category_id.parent_id", "=", False)], ""),
    # a many2one to the model itself
    case([("parent_id", "=", "Bob")], "Eve"),
    case([("parent_id.name", "=", "Alice")], "Bob Carol"),
    case([("parent_id.parent_id.name", "=", "Alice")], "Eve"),
    case([("parent_id.city", "ilike", "PARIS")], "Bob Carol Eve"),
]

ONE2MANY = [
    case(lambda d: [("order_ids", "in", [d["so3"].id])], "Bob", id="o2m in ids"),
    case(lambda d: [("order_ids", "in", d["so1"] | d["so3"])], "Alice Bob", id="o2m in records"),
    case(lambda d: [("order_ids", "=", d["so2"].id)], "Alice", id="o2m = id"),
    case(lambda d: [("order_ids", "not in", [d["so1"].id])], "Bob Carol Eve", id="o2m not in"),
    case(lambda d: [("order_ids", "!=", d["so3"].id)], "Alice Carol Eve", id="o2m != id"),
    *leaves("order_ids", [
        ("=", False, "Carol Eve"), ("!=", False, "Alice Bob"), ("in", [], ""), ("not in", [], ALL),
        ("=", "SO3", "Bob"), ("ilike", "so", "Alice Bob"), ("not ilike", "SO1", "Bob Carol Eve"),
        ("in", ["SO1", "SO3"], "Alice Bob"), ("any", [("state", "=", "cancel")], "Bob"),
        ("not any", [("state", "=", "draft")], "Bob Carol Eve"), ("any", [], "Alice Bob"),
    ]),
    # dotted x2many paths are "any" even with a negative operator (Odoo)
    case([("order_ids.state", "=", "sale")], "Alice"),
    case([("order_ids.state", "!=", "sale")], "Alice Bob"),
    case([("order_ids.state", "not in", ["draft", "cancel"])], "Alice"),
    case([("order_ids.name", "not like", "1")], "Alice Bob"),
    case([("order_ids.amount_total", ">", 50)], "Alice"),
    case([("order_ids.line_ids.product", "=", "Table")], "Alice"),
    case([("order_ids.line_ids.product", "!=", "Table")], "Alice Bob"),
    case([("order_ids.line_ids", "=", False)], "Alice"),
    # x2many traversals hide archived records (Dave is Bob's archived child), not = False
    *leaves("child_ids", [
        ("=", False, "Carol Eve"), ("!=", False, "Alice Bob"), ("any", [("name", "=", "Eve")], "Bob"),
        ("=", "Dave", ""), ("any", [("active", "=", False)], "Bob"),
    ]),
    case([("child_ids.name", "=", "Dave")], ""),
]

MANY2MANY = [
    case(lambda d: [("tag_ids", "in", [d["vip"].id])], "Alice", id="m2m in ids"),
    case(lambda d: [("tag_ids", "in", [d["vip"].id, d["new"].id])], "Alice Bob", id="m2m in two ids"),
    case(lambda d: [("tag_ids", "in", d["old"])], "Carol", id="m2m in archived record"),
    case(lambda d: [("tag_ids", "in", [d["vip"].id, False])], "Alice", id="m2m in [id, False]"),
    case(lambda d: [("tag_ids", "not in", [d["vip"].id])], "Bob Carol Eve", id="m2m not in"),
    case(lambda d: [("tag_ids", "=", d["new"].id)], "Alice Bob", id="m2m = id"),
    case(lambda d: [("tag_ids", "=", d["new"])], "Alice Bob", id="m2m = record"),
    case(lambda d: [("tag_ids", "!=", d["new"].id)], "Carol Eve", id="m2m != id"),
    *leaves("tag_ids", [
        ("=", False, "Eve"), ("!=", False, "Alice Bob Carol"), ("in", [], ""), ("not in", [], ALL),
        ("=", "VIP", "Alice"), ("=", "vip", ""), ("ilike", "vip", "Alice"), ("not ilike", "vip", "Bob Carol Eve"),
        ("in", ["VIP", "New"], "Alice Bob"), ("not in", ["New"], "Carol Eve"),
        ("ilike", "old", ""), ("any", [("name", "=", "Old")], ""), ("any", [("active", "=", False)], "Carol"),
        ("not any", [("name", "=", "VIP")], "Bob Carol Eve"), ("any", [], "Alice Bob"), ("not any", [], "Carol Eve"),
    ]),
    case([("tag_ids.name", "=", "New")], "Alice Bob"),
    case([("tag_ids.name", "!=", "New")], "Alice"),
    case([("tag_ids.name", "not in", ["VIP"])], "Alice Bob"),
    case([("tag_ids.color", ">", 1)], "Alice"),
    case([("tag_ids.partner_ids.name", "=", "Bob")], "Alice Bob"),
]


@pytest.mark.parametrize(("domain", "expected"), MANY2ONE + ONE2MANY + MANY2MANY)
def test_relational_fields(env, domain, expected):
    run_cases(env, "test.partner", domain, expected)


@pytest.mark.parametrize(("domain", "expected"), [
    case([("tag_ids", "ilike", "old")], "Carol"),
    case([("tag_ids.name", "=", "Old")], "Carol"),
    case([("tag_ids", "any", [("name", "=", "Old")])], "Carol"),
    case([("child_ids.name", "=", "Dave")], "Bob"),
    case([("category_id", "child_of", "Alpha Two")], "Eve"),
    case([], "Alice Bob Carol Dave Eve"),
])
def test_x2many_traversals_see_archived_records_without_active_test(env, domain, expected):
    run_cases(env, "test.partner", domain, expected, active_test=False)


@pytest.mark.parametrize(("domain", "expected"), [
    case([("partner_ids.name", "=", "Alice")], "New VIP"),
    case([("partner_ids", "=", False)], "Unused"),
    case([("partner_ids", "!=", False)], "New VIP"),
    case([("partner_ids", "=", "Bob")], "New"),
    case([("partner_ids.city", "=", "Lyon")], ""),  # Dave (archived) is hidden
    case([("partner_ids", "not any", [("city", "=", "Lyon")])], "New Unused VIP"),
    case([("color", "=", 1)], "New Unused"),
])
def test_many2many_from_the_other_side(env, domain, expected):
    run_cases(env, "test.tag", domain, expected)


@pytest.mark.parametrize(("domain", "expected"), [
    case([("partner_city", "=", "Paris")], "SO1 SO2"),
    case([("partner_city", "!=", "Paris")], "SO3"),
    case([("partner_name", "=", "Bob")], "SO3"),
    case([("partner_id.tag_ids.name", "=", "VIP")], "SO1 SO2"),
    case([("line_ids.product", "=", "Chair")], "SO1 SO3"),
    case([("line_ids", "=", False)], "SO2"),
    case([("amount_total", ">=", Decimal("10"))], "SO1 SO3"),
    case([("display_name", "ilike", "so1")], "SO1"),
    case([("date", "=", False)], "SO2 SO3"),
    case([("state", "in", ["sale", "cancel"])], "SO1 SO3"),
    case(["!", ("partner_city", "=", "Paris")], "SO3"),
])
def test_orders(env, domain, expected):
    run_cases(env, "test.order", domain, expected)


def test_delegated_fields_search_the_parent(env):
    data = dataset(env)
    employee = env["test.employee"].create({"partner_id": data["bob"].id, "job": "Builder"})
    env["test.employee"].create({"partner_id": data["alice"].id, "job": "Boss"})
    assert env["test.employee"].search([("name", "=", "Bob")]) == employee
    assert env["test.employee"].search([("city", "ilike", "PAR"), ("job", "like", "Bui")]) == employee
    assert env["test.employee"].search_count([("tag_ids.name", "=", "VIP")]) == 1


# -- logic ------------------------------------------------------------------------------------

LOGIC_CASES = [
    case([], "Alice Bob Carol Eve"),
    case([("city", "=", "Lyon"), ("rank", "=", 0)], "Eve", id="implicit and"),
    case([("city", "ilike", "paris"), ("is_company", "=", True), ("rank", ">", 5)], "Bob", id="three implicit and"),
    case(["&", ("city", "ilike", "paris"), ("rank", "=", 10)], "Alice"),
    case(["|", ("name", "=", "Alice"), ("name", "=", "Bob")], "Alice Bob"),
    case(["|", "|", ("name", "=", "Alice"), ("name", "=", "Bob"), ("name", "=", "Eve")], "Alice Bob Eve"),
    case(["|", ("name", "=", "Alice"), ("name", "=", "Bob"), ("city", "=", "Paris")], "Alice",
         id="implicit and after or"),
    case(["&", "|", ("name", "=", "Alice"), ("name", "=", "Eve"), "|", ("rank", "=", 0), ("city", "=", "Paris")],
         "Alice Eve"),
    case(["!", ("name", "=", "Alice")], "Bob Carol Eve"),
    case(["!", "!", ("name", "=", "Alice")], "Alice"),
    # ! is pushed into the leaf: !(city = Paris) is city != Paris, which includes NULL (Odoo)
    case(["!", ("city", "=", "Paris")], "Bob Carol Eve"),
    case(["!", ("city", "in", ["Paris", False])], "Bob Eve"),
    case(["!", ("rank", "<", 15)], "Bob"),  # NULL matches neither < nor its negation >= (Odoo 17)
    case(["!", ("city", "ilike", "par")], "Carol Eve"),
    case(["!", ("is_company", "=", True)], "Alice Carol Eve"),
    case(["!", "|", ("name", "=", "Alice"), ("city", "=", "Lyon")], "Bob Carol"),
    case(["!", "&", ("city", "=", "Lyon"), ("rank", "=", 0)], "Alice Bob Carol"),
    case(["!", ("order_ids.state", "=", "sale")], "Bob Carol Eve"),
    case(["!", ("category_id.name", "=", "Beta")], "Alice Carol Eve"),
    case(["!", ("tag_ids", "any", [("name", "=", "VIP")])], "Bob Carol Eve"),
    case(["!", ("city", "=like", "P%")], "Bob Eve"),
    case([(1, "=", 1)], "Alice Bob Carol Eve"),
    case([(0, "=", 1)], ""),
    case(["|", (0, "=", 1), ("name", "=", "Bob")], "Bob"),
    case(["!", (0, "=", 1)], "Alice Bob Carol Eve"),
    case(["!", (1, "=", 1)], ""),
    case([(1, "=", 1), ("name", "=", "Eve")], "Eve"),
    case(lambda d: [("id", "=", d["bob"].id)], "Bob", id="id ="),
    case(lambda d: [("id", "in", d["bob"] | d["eve"])], "Bob Eve", id="id in records"),
    case(lambda d: [("id", "not in", [d["bob"].id])], "Alice Carol Eve", id="id not in"),
    case([("id", "any", [("rank", ">", 10)])], "Bob"),
    case([("id", "not any", [("rank", ">", 10)])], "Alice Carol Eve"),
]


@pytest.mark.parametrize(("domain", "expected"), LOGIC_CASES)
def test_logic(env, domain, expected):
    run_cases(env, "test.partner", domain, expected)


def test_a_long_flat_domain_does_not_recurse(env):
    dataset(env)
    domain = [("name", "!=", f"nobody {i}") for i in range(1500)]
    check(env["test.partner"], domain, ACTIVE)
    check(env["test.partner"], ["|"] * 1499 + [("name", "=", f"nobody {i}") for i in range(1499)]
          + [("name", "=", "Eve")], {"Eve"})


# -- active_test -------------------------------------------------------------------------------


@pytest.mark.parametrize(("domain", "expected"), [
    case([("name", "=", "Dave")], ""),
    case([("active", "=", False)], "Dave"),
    case([("active", "=", True)], "Alice Bob Carol Eve"),
    case([("active", "in", [True, False])], "Alice Bob Carol Dave Eve"),
    case(["|", ("active", "=", False), ("name", "=", "Alice")], "Alice Dave"),
    case(["!", ("active", "=", True)], "Dave"),
    case([("city", "=", "Lyon")], "Eve"),
])
def test_archived_records_are_hidden_unless_the_domain_mentions_active(env, domain, expected):
    run_cases(env, "test.partner", domain, expected)


def test_active_test_false_in_the_context_shows_archived_records(env):
    dataset(env)
    partners = env["test.partner"].with_context(active_test=False)
    check(partners, [("city", "=", "Lyon")], {"Dave", "Eve"})
    check(partners, [("rank", ">=", 20)], {"Bob", "Dave"})


# -- hierarchies -----------------------------------------------------------------------------


@pytest.mark.parametrize(("domain", "expected"), [
    case(lambda d: [("id", "child_of", d["root"].id)], "Root Alpha Beta Alpha_One", id="child_of root"),
    case(lambda d: [("id", "child_of", [d["alpha"].id, d["other"].id])], "Alpha Alpha_One Other", id="child_of list"),
    case(lambda d: [("id", "child_of", d["alpha"])], "Alpha Alpha_One", id="child_of record"),
    case([("id", "child_of", "Alpha")], "Alpha Alpha_One"),
    case([("id", "child_of", "alpha o")], "Alpha_One"),
    case([("id", "child_of", ["Beta", "Other"])], "Beta Other"),
    case([("id", "child_of", "Nothing")], ""),
    case([("id", "child_of", False)], ""),
    case([("id", "child_of", [])], ""),
    case([("id", "child_of", 999999)], ""),
    case(lambda d: [("id", "parent_of", d["one"].id)], "Alpha_One Alpha Root", id="parent_of"),
    case(lambda d: [("id", "parent_of", [d["one"].id, d["beta"].id])], "Alpha_One Alpha Beta Root",
         id="parent_of list"),
    case(lambda d: [("id", "parent_of", d["two"].id)], "Alpha Root", id="parent_of archived"),
    case([("id", "parent_of", "Alpha One")], "Alpha_One Alpha Root"),
    case(lambda d: [("parent_id", "child_of", d["alpha"].id)], "Alpha Alpha_One", id="self m2o child_of"),
    case(lambda d: [("parent_id", "parent_of", d["one"].id)], "Alpha_One Alpha Root", id="self m2o parent_of"),
    case(lambda d: [("child_ids", "child_of", d["alpha"].id)], "Alpha Alpha_One", id="self o2m child_of"),
    case(lambda d: ["!", ("id", "child_of", d["alpha"].id)], "Root Beta Other", id="not child_of"),
    case(lambda d: ["|", ("id", "child_of", d["beta"].id), ("id", "child_of", d["one"].id)], "Beta Alpha_One",
         id="two child_of"),
    case([("parent_id", "=", False)], "Root Other"),
    case([("parent_id.name", "=", "Alpha")], "Alpha_One"),
])
def test_child_of_and_parent_of_with_parent_store(env, domain, expected):
    data = dataset(env)
    found = env["test.category"].search(domain(data) if callable(domain) else domain)
    assert {n.replace(" ", "_") for n in names(found)} == expected


def test_child_of_with_parent_store_includes_archived_when_asked(env):
    data = dataset(env)
    categories = env["test.category"].with_context(active_test=False)
    assert names(categories.search([("id", "child_of", data["alpha"].id)])) == {"Alpha", "Alpha One", "Alpha Two"}


@pytest.mark.parametrize(("domain", "expected"), [
    case(lambda d: [("category_id", "child_of", d["alpha"].id)], "Alice Eve", id="m2o child_of id"),
    case(lambda d: [("category_id", "child_of", d["root"].id)], "Alice Bob Eve", id="m2o child_of root"),
    case([("category_id", "child_of", "Beta")], "Bob"),
    case([("category_id", "child_of", "Alpha")], "Alice Eve"),
    case(lambda d: [("category_id", "parent_of", d["one"].id)], "Alice", id="m2o parent_of"),
    case(lambda d: [("category_id", "child_of", [])], "", id="m2o child_of nothing"),
    # test.partner has no parent_store: a recursive query walks parent_id
    case(lambda d: [("id", "child_of", d["alice"].id)], "Alice Bob Carol Eve", id="partner child_of"),
    case(lambda d: [("id", "child_of", d["bob"].id)], "Bob Eve", id="partner child_of bob"),
    case(lambda d: [("parent_id", "child_of", d["bob"].id)], "Bob Eve", id="partner self m2o child_of"),
    case(lambda d: [("id", "parent_of", d["eve"].id)], "Alice Bob Eve", id="partner parent_of"),
    case([("id", "child_of", "bob")], "Bob Eve"),
])
def test_child_of_through_relations(env, domain, expected):
    run_cases(env, "test.partner", domain, expected)


def nodes(env):
    node = env["test.node"]
    root = node.create({"name": "root"})
    a, b = node.create([{"name": "a", "parent_id": root.id}, {"name": "b", "parent_id": root.id}])
    a1 = node.create({"name": "a1", "parent_id": a.id})
    a1x = node.create({"name": "a1x", "parent_id": a1.id})
    x = node.create({"name": "x"})
    return {"root": root, "a": a, "b": b, "a1": a1, "a1x": a1x, "x": x}


@pytest.mark.parametrize(("domain", "expected"), [
    case(lambda n: [("id", "child_of", n["root"].id)], "root a b a1 a1x", id="child_of root"),
    case(lambda n: [("id", "child_of", n["a"].id)], "a a1 a1x", id="child_of a"),
    case(lambda n: [("id", "child_of", [n["a1"].id, n["x"].id])], "a1 a1x x", id="child_of list"),
    case(lambda n: [("id", "child_of", n["b"])], "b", id="child_of record"),
    case([("id", "child_of", "b")], "b"),
    case([("id", "child_of", ["a1", "x"])], "a1 a1x x"),
    case(lambda n: [("id", "parent_of", n["a1x"].id)], "a1x a1 a root", id="parent_of"),
    case(lambda n: [("id", "parent_of", [n["a1"].id, n["b"].id])], "a1 a b root", id="parent_of list"),
    case(lambda n: [("parent_id", "child_of", n["a"].id)], "a a1 a1x", id="self m2o child_of"),
    case(lambda n: [("parent_id", "parent_of", n["a1"].id)], "a1 a root", id="self m2o parent_of"),
    case(lambda n: ["|", ("id", "child_of", n["a1"].id), ("id", "parent_of", n["b"].id)], "a1 a1x b root",
         id="two hierarchies in one query"),
    case(lambda n: ["!", ("id", "child_of", n["a"].id)], "root b x", id="not child_of"),
    case([("id", "child_of", False)], ""),
    case([("parent_id.parent_id.name", "=", "root")], "a1"),
])
def test_child_of_and_parent_of_without_parent_store(env, domain, expected):
    data = nodes(env)
    check(env["test.node"], domain(data) if callable(domain) else domain, expected)


def test_child_of_survives_a_cycle(env):
    data = nodes(env)
    data["root"].write({"parent_id": data["a1x"].id})  # test.node checks no recursion: the query must end
    found = env["test.node"].search([("id", "child_of", data["a"].id)])
    assert names(found) == {"root", "a", "b", "a1", "a1x"}


# -- errors -----------------------------------------------------------------------------------

ERRORS = [
    pytest.param([("nope", "=", 1)], "nope", id="unknown field"),
    pytest.param([("category_id.nope", "=", 1)], "nope", id="unknown field after a dot"),
    pytest.param([("tag_ids", "any", [("nope", "=", 1)])], "nope", id="unknown field in any"),
    pytest.param(["|", ("name", "=", "x"), ("nope", "=", 1)], "nope", id="unknown field in or"),
    pytest.param(["!", ("nope.x", "=", 1)], "nope", id="unknown field under not"),
    pytest.param([("name", "between", 1)], "between", id="unknown operator"),
    pytest.param([("name", "==", "x")], "==", id="== is not an Odoo operator"),
    pytest.param([("name", None, "x")], "None", id="operator not a string"),
    pytest.param([("tag_ids", "any", [("name", "~", "x")])], "~", id="unknown operator in any"),
    pytest.param([("name", "=")], "('name', '=')", id="two-item leaf"),
    pytest.param([("name", "=", "x", "y")], "'y'", id="four-item leaf"),
    pytest.param(["&", ("name", "=", "x")], "missing", id="and missing an operand"),
    pytest.param(["|"], "missing", id="lone or"),
    pytest.param([("name", "=", "x"), "!"], "missing", id="trailing not"),
    pytest.param(["^", ("name", "=", "x")], "'^'", id="unknown logic operator"),
    pytest.param([42], "42", id="number as term"),
    pytest.param("[('name', '=', 'x')]", "domain", id="string domain"),
    pytest.param([("", "=", 1)], "''", id="empty path"),
    pytest.param([(None, "=", 1)], "None", id="path not a string"),
    pytest.param([("order_count", "=", 1)], "order_count", id="non-stored compute"),
    pytest.param([("upper_name", "ilike", "A")], "upper_name", id="non-stored compute with inverse"),
    pytest.param([("name.size", "=", 1)], "name", id="path through a char"),
    pytest.param([("rank.x", "=", 1)], "rank", id="path through an integer"),
    pytest.param([("category_id.name.x", "=", 1)], "name", id="path through a char after a relation"),
    pytest.param([("name", "any", [])], "name", id="any on a char"),
    pytest.param([("tag_ids", "any", "VIP")], "any", id="any without a domain"),
    pytest.param([("name", "child_of", 1)], "name", id="child_of on a char"),
    pytest.param([("tag_ids", "child_of", 1)], "parent_id", id="child_of on a model without parent"),
    pytest.param([("rank", "=", "ten")], "rank", id="integer compared with text"),
    pytest.param([("score", ">", "high")], "score", id="float compared with text"),
    pytest.param([("balance", "=", "lots")], "balance", id="monetary compared with text"),
    pytest.param([("birthday", "=", "not a date")], "birthday", id="bad date"),
    pytest.param([("last_seen", "<", "2024-13-01")], "last_seen", id="bad datetime"),
    pytest.param([("category_id", "=", 1.5)], "1.5", id="many2one compared with a float"),
    pytest.param([("tag_ids", "in", ["VIP", 3])], "VIP", id="names mixed with ids"),
    pytest.param([("name", "=like", "abc\\")], "escape", id="pattern ending with an escape"),
]


@pytest.mark.parametrize(("domain", "named"), ERRORS)
def test_invalid_domains_raise_on_an_empty_table(env, domain, named):
    partners = env["test.partner"]
    assert partners.search_count([]) == 0
    for call in (partners.search, partners.search_count):
        with pytest.raises(ValidationError) as info:
            call(domain)
        assert named in str(info.value)


def test_invalid_domains_raise_with_data_too(env):
    dataset(env)
    with pytest.raises(ValidationError, match="nope"):
        env["test.partner"].search([("name", "=", "Alice"), ("nope", "=", 1)])
    assert env["test.partner"].search([("name", "=", "Alice")])  # the transaction is still usable
