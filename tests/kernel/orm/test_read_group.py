"""``read_group`` (kernel/orm/read_group.py) on the catalog fixture models, on every backend."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from types import SimpleNamespace

import pytest
import sqlalchemy as sa

from kernel.exceptions import ValidationError


def _order(partner, name, day, state, quantity, price):
    return {"name": name, "partner_id": partner.id, "date": day, "state": state,
            "line_ids": [(0, 0, {"product": name, "quantity": quantity, "price": price})]}


@pytest.fixture
def data(env):
    """Three active partners and an archived one; seven orders across a year boundary."""
    partners = env["test.partner"]
    categories = env["test.category"].create([{"name": "Retail"}, {"name": "Wholesale"}])
    acme = partners.create({"name": "Acme", "kind": "company", "is_company": True, "rank": 5, "score": 1.5,
                            "balance": "100.10", "birthday": "2024-01-05", "last_seen": "2024-01-05 23:30:00",
                            "category_id": categories[1].id})
    beta = partners.create({"name": "Beta", "kind": "person", "is_company": False, "rank": 3, "score": 2.25,
                            "balance": "0.20", "birthday": "2024-02-10", "last_seen": "2024-01-06 00:15:00",
                            "category_id": categories[0].id})
    zed = partners.create({"name": "Zed", "kind": "person"})  # no rank, score, balance, dates, is_company
    old = partners.create({"name": "Old", "kind": "company", "is_company": True, "rank": 100, "balance": "1000.00",
                           "active": False})
    orders = env["test.order"].create([
        _order(acme, "O1", "2024-01-05", "sale", 2, "10.25"),    # 20.50
        _order(acme, "O2", "2024-01-20", "draft", 1, "0.10"),    # 0.10
        _order(beta, "O3", "2024-02-10", "sale", 3, "0.33"),     # 0.99
        _order(beta, "O4", "2024-12-29", "cancel", 1, "5.00"),   # a Sunday: ISO W52 2024
        _order(beta, "O5", "2024-12-30", "sale", 1, "1.01"),     # a Monday: ISO W1 2025
        _order(zed, "O6", "2025-01-03", "sale", 1, "0.07"),      # a Friday: ISO W1 2025
        _order(zed, "O7", False, "draft", 1, "2.00"),
    ])
    return SimpleNamespace(acme=acme, beta=beta, zed=zed, old=old, orders=orders, categories=categories)


def _names(env, model, domain):
    return sorted(env[model].search(domain).mapped("name"))


def _check_domains(env, model, groups, count_key):
    """Every group's ``__domain`` selects exactly as many records as the group counts."""
    for group in groups:
        assert env[model].search_count(group["__domain"]) == group[count_key], group


def _queries(env):
    """Statements run from now on; the user's language, read once per transaction, is read first."""
    assert env.lang == "en_US"
    statements: list[str] = []
    sa.event.listen(env.connection, "before_cursor_execute", lambda *args: statements.append(args[2]))
    return statements


# -- grouping -------------------------------------------------------------------------------------


def test_group_by_many2one_sorts_by_comodel_order_and_names_groups(env, data):
    env.transaction.invalidate()
    statements = _queries(env)
    groups = env["test.order"].read_group([], ["amount_total"], ["partner_id"])
    assert sum("GROUP BY" in s for s in statements) == 1
    assert len(statements) == 2  # the groups, then the partners' names in one batch
    assert [g["partner_id"] for g in groups] == [(data.acme.id, "Acme"), (data.beta.id, "Beta"), (data.zed.id, "Zed")]
    assert [g["partner_id_count"] for g in groups] == [2, 3, 2]
    assert [g["amount_total"] for g in groups] == [Decimal("20.60"), Decimal("7.00"), Decimal("2.07")]
    assert all(type(g["amount_total"]) is Decimal for g in groups)
    assert groups[0]["__domain"] == [("partner_id", "=", data.acme.id)]
    assert "__context" not in groups[0] and "__range" not in groups[0]
    _check_domains(env, "test.order", groups, "partner_id_count")


def test_group_by_selection_is_one_query_and_keeps_raw_values(env, data):
    statements = _queries(env)
    groups = env["test.order"].read_group([("date", "!=", False)], ["amount_total"], "state")
    assert len(statements) == 1
    assert [(g["state"], g["state_count"], g["amount_total"]) for g in groups] == [
        ("cancel", 1, Decimal("5.00")), ("draft", 1, Decimal("0.10")), ("sale", 4, Decimal("22.57")),
    ]
    assert groups[1]["__domain"] == ["&", ("state", "=", "draft"), ("date", "!=", False)]
    _check_domains(env, "test.order", groups, "state_count")


def test_group_by_boolean_merges_null_into_false(env, data):
    table = env["test.partner"]._sql
    stored = env.execute(sa.select(table.c.is_company).where(table.c.id == data.zed.id)).scalar_one()
    assert stored is None  # so the False group really holds a NULL and a False
    groups = env["test.partner"].read_group([], ["rank"], ["is_company"])
    assert [(g["is_company"], g["is_company_count"], g["rank"]) for g in groups] == [(False, 2, 3), (True, 1, 5)]
    assert _names(env, "test.partner", groups[0]["__domain"]) == ["Beta", "Zed"]
    _check_domains(env, "test.partner", groups, "is_company_count")


def test_null_many2one_and_char_groups_are_false(env, data):
    groups = env["test.partner"].read_group([], [], ["category_id"])
    assert [g["category_id"] for g in groups] == [
        (data.categories[0].id, "Retail"), (data.categories[1].id, "Wholesale"), False,
    ]
    assert groups[2]["__domain"] == [("category_id", "=", False)]
    assert _names(env, "test.partner", groups[2]["__domain"]) == ["Zed"]
    cities = env["test.partner"].read_group([], [], ["city"])
    assert cities == [{"city": False, "city_count": 3, "__domain": [("city", "=", False)]}]


# -- dates ----------------------------------------------------------------------------------------


def _date_groups(env, spec, **kwargs):
    groups = env["test.order"].read_group([], ["amount_total"], [spec], **kwargs)
    _check_domains(env, "test.order", groups, "date_count")
    return groups


def test_date_defaults_to_month_with_labels_ranges_and_domains(env, data):
    groups = _date_groups(env, "date")
    assert [(g["date"], g["date_count"]) for g in groups] == [
        ("January 2024", 2), ("February 2024", 1), ("December 2024", 2), ("January 2025", 1), (False, 1),
    ]
    january = groups[0]
    assert january["__range"] == {"date": {"from": "2024-01-01", "to": "2024-02-01"}}
    assert january["__domain"] == ["&", ("date", ">=", "2024-01-01"), ("date", "<", "2024-02-01")]
    assert january["amount_total"] == Decimal("20.60")
    assert groups[-1]["__range"] == {"date": False}
    assert groups[-1]["__domain"] == [("date", "=", False)]
    assert _names(env, "test.order", groups[2]["__domain"]) == ["O4", "O5"]
    assert _date_groups(env, "date:month")[0]["date:month"] == "January 2024"


def test_date_by_day(env, data):
    groups = _date_groups(env, "date:day")
    assert [g["date:day"] for g in groups] == [
        "05 Jan 2024", "20 Jan 2024", "10 Feb 2024", "29 Dec 2024", "30 Dec 2024", "03 Jan 2025", False,
    ]
    assert groups[0]["__range"] == {"date:day": {"from": "2024-01-05", "to": "2024-01-06"}}


def test_date_by_iso_week_across_a_year_boundary(env, data):
    groups = _date_groups(env, "date:week")
    assert [(g["date:week"], g["date_count"]) for g in groups] == [
        ("W1 2024", 1), ("W3 2024", 1), ("W6 2024", 1), ("W52 2024", 1), ("W1 2025", 2), (False, 1),
    ]
    boundary = groups[4]
    assert boundary["__range"] == {"date:week": {"from": "2024-12-30", "to": "2025-01-06"}}
    assert _names(env, "test.order", boundary["__domain"]) == ["O5", "O6"]
    assert boundary["amount_total"] == Decimal("1.08")


def test_date_by_quarter_and_year(env, data):
    quarters = _date_groups(env, "date:quarter")
    assert [(g["date:quarter"], g["date_count"]) for g in quarters] == [
        ("Q1 2024", 3), ("Q4 2024", 2), ("Q1 2025", 1), (False, 1),
    ]
    assert quarters[1]["__range"] == {"date:quarter": {"from": "2024-10-01", "to": "2025-01-01"}}
    years = _date_groups(env, "date:year", orderby="date:year desc")
    assert [(g["date:year"], g["date_count"]) for g in years] == [(False, 1), ("2025", 1), ("2024", 5)]
    assert years[2]["__range"] == {"date:year": {"from": "2024-01-01", "to": "2025-01-01"}}


def test_datetime_groups_are_utc_days_with_datetime_bounds(env, data):
    groups = env["test.partner"].read_group([], [], ["last_seen:day"])
    assert [(g["last_seen:day"], g["last_seen_count"]) for g in groups] == [
        ("05 Jan 2024", 1), ("06 Jan 2024", 1), (False, 1),
    ]
    assert groups[1]["__range"] == {"last_seen:day": {"from": "2024-01-06 00:00:00", "to": "2024-01-07 00:00:00"}}
    assert _names(env, "test.partner", groups[1]["__domain"]) == ["Beta"]
    _check_domains(env, "test.partner", groups, "last_seen_count")
    weeks = env["test.partner"].read_group([], [], ["last_seen:week", "last_seen:month"], lazy=False)
    assert [(g["last_seen:week"], g["last_seen:month"], g["__count"]) for g in weeks] == [
        ("W1 2024", "January 2024", 2), (False, False, 1),
    ]
    assert weeks[0]["__range"] == {
        "last_seen:week": {"from": "2024-01-01 00:00:00", "to": "2024-01-08 00:00:00"},
        "last_seen:month": {"from": "2024-01-01 00:00:00", "to": "2024-02-01 00:00:00"},
    }
    assert weeks[1]["__range"] == {"last_seen:week": False, "last_seen:month": False}
    _check_domains(env, "test.partner", weeks, "__count")


def test_month_labels_follow_the_context_language(env, data):
    groups = env["test.order"].with_context(lang="fr_FR").read_group([("date", "!=", False)], [], ["date:month"])
    assert [g["date:month"] for g in groups] == ["janvier 2024", "février 2024", "décembre 2024", "janvier 2025"]
    unknown = env["test.order"].with_context(lang="xx_XX").read_group([("date", "!=", False)], [], ["date:month"])
    assert unknown[0]["date:month"] == "January 2024"


# -- several levels ---------------------------------------------------------------------------------


def test_lazy_groups_by_the_first_level_and_passes_the_rest_on(env, data):
    groups = env["test.order"].read_group([], ["amount_total"], ["partner_id", "state", "date:year"])
    assert [(g["partner_id"][1], g["partner_id_count"]) for g in groups] == [("Acme", 2), ("Beta", 3), ("Zed", 2)]
    assert all(g["__context"] == {"group_by": ["state", "date:year"]} for g in groups)
    assert all("state" not in g and "__count" not in g for g in groups)
    # the web client expands a group with its __domain and __context
    beta = groups[1]
    sub = env["test.order"].read_group(beta["__domain"], ["amount_total"], beta["__context"]["group_by"])
    assert [(g["state"], g["state_count"], g["amount_total"]) for g in sub] == [
        ("cancel", 1, Decimal("5.00")), ("sale", 2, Decimal("2.00")),
    ]
    assert sub[0]["__domain"] == ["&", ("state", "=", "cancel"), ("partner_id", "=", data.beta.id)]
    assert sub[0]["__context"] == {"group_by": ["date:year"]}
    _check_domains(env, "test.order", sub, "state_count")


def test_eager_groups_by_every_level(env, data):
    groups = env["test.order"].read_group([], ["amount_total"], ["partner_id", "state"], lazy=False)
    assert [(g["partner_id"][1], g["state"], g["__count"], g["amount_total"]) for g in groups] == [
        ("Acme", "draft", 1, Decimal("0.10")),
        ("Acme", "sale", 1, Decimal("20.50")),
        ("Beta", "cancel", 1, Decimal("5.00")),
        ("Beta", "sale", 2, Decimal("2.00")),
        ("Zed", "draft", 1, Decimal("2.00")),
        ("Zed", "sale", 1, Decimal("0.07")),
    ]
    assert all("__context" not in g and "partner_id_count" not in g for g in groups)
    assert groups[3]["__domain"] == ["&", ("partner_id", "=", data.beta.id), ("state", "=", "sale")]
    assert _names(env, "test.order", groups[3]["__domain"]) == ["O3", "O5"]
    _check_domains(env, "test.order", groups, "__count")


def test_eager_with_a_date_level_and_a_domain(env, data):
    domain = [("state", "!=", "cancel")]
    groups = env["test.order"].read_group(domain, [], ["date:quarter", "state"], lazy=False)
    assert [(g["date:quarter"], g["state"], g["__count"]) for g in groups] == [
        ("Q1 2024", "draft", 1), ("Q1 2024", "sale", 2), ("Q4 2024", "sale", 1), ("Q1 2025", "sale", 1),
        (False, "draft", 1),
    ]
    assert groups[2]["__domain"] == [
        "&", "&", "&", ("date", ">=", "2024-10-01"), ("date", "<", "2025-01-01"), ("state", "=", "sale"),
        ("state", "!=", "cancel"),
    ]
    assert groups[2]["__range"] == {"date:quarter": {"from": "2024-10-01", "to": "2025-01-01"}}
    _check_domains(env, "test.order", groups, "__count")


# -- aggregates -------------------------------------------------------------------------------------


def test_default_aggregates_sum_numbers_and_skip_the_rest(env, data):
    groups = env["test.partner"].read_group([], ["name", "rank", "score", "balance", "birthday", "order_count",
                                                 "__count"],
                                            ["kind"])
    assert groups == [
        {"kind": "company", "kind_count": 1, "rank": 5, "score": 1.5, "balance": Decimal("100.10"),
         "__domain": [("kind", "=", "company")]},
        {"kind": "person", "kind_count": 2, "rank": 3, "score": 2.25, "balance": Decimal("0.20"),
         "__domain": [("kind", "=", "person")]},
    ]


def test_explicit_aggregates_on_integer_float_and_monetary(env, data):
    env["test.partner"].create({"name": "Extra", "kind": "person", "rank": 4, "score": 0.5, "balance": "0.15"})
    groups = env["test.partner"].read_group([("kind", "=", "person")], [
        "rank:sum", "avg_rank:avg(rank)", "min_rank:min(rank)", "max_rank:max(rank)", "ranked:count(rank)",
        "score:avg", "top_score:max(score)",
        "balance:sum", "avg_balance:avg(balance)", "low:min(balance)", "high:max(balance)",
        "first_birthday:min(birthday)", "names:count_distinct(name)", "scores:array_agg(score)",
    ], ["kind"])
    assert len(groups) == 1
    group = groups[0]
    assert group["kind_count"] == 3
    ranks = (group["rank"], group["avg_rank"], group["min_rank"], group["max_rank"], group["ranked"])
    assert ranks == (7, 3.5, 3, 4, 2)
    assert type(group["avg_rank"]) is float
    assert (group["score"], group["top_score"]) == (1.375, 2.25)
    assert group["balance"] == Decimal("0.35") and type(group["balance"]) is Decimal
    assert group["avg_balance"] == Decimal("0.18")  # 0.35 / 2, rounded half up to the field's 2 decimals
    assert (group["low"], group["high"]) == (Decimal("0.15"), Decimal("0.20"))
    assert all(type(group[key]) is Decimal for key in ("avg_balance", "low", "high"))
    assert group["first_birthday"] == dt.date(2024, 2, 10)
    assert group["names"] == 3
    assert sorted(group["scores"], key=lambda v: (v is False, v)) == [0.5, 2.25, False]


def test_array_agg_converts_values_like_a_read(env, data):
    groups = env["test.partner"].read_group([("name", "in", ["Acme", "Beta"])], [
        "balances:array_agg(balance)", "birthdays:array_agg(birthday)", "flags:array_agg(is_company)",
        "categories:array_agg(category_id)",
    ], [])
    group = groups[0]
    assert sorted(group["balances"]) == [Decimal("0.20"), Decimal("100.10")]
    assert all(type(value) is Decimal for value in group["balances"])
    assert sorted(group["birthdays"]) == [dt.date(2024, 1, 5), dt.date(2024, 2, 10)]
    assert sorted(group["flags"]) == [False, True] and all(type(v) is bool for v in group["flags"])
    assert sorted(group["categories"]) == sorted(data.categories.ids)


def test_decimal_sums_stay_exact(env, data):
    lines = env["test.order.line"]
    order = data.orders[0]
    lines.create([{"order_id": order.id, "product": f"p{i}", "price": "0.10"} for i in range(10)])
    groups = lines.read_group([("order_id", "=", order.id)], ["price", "price_avg:avg(price)"], ["order_id"])
    assert groups[0]["price"] == Decimal("11.25")  # 10.25 + ten times 0.10, no float drift
    assert groups[0]["price_avg"] == Decimal("1.02")  # 11.25 / 11 = 1.0227...


def test_aggregates_of_nothing(env, data):
    groups = env["test.partner"].read_group([("name", "=", "Zed")], [
        "rank", "score", "balance", "min_rank:min(rank)", "avg_balance:avg(balance)", "n:count(balance)",
    ], ["kind"])
    assert groups[0]["rank"] == 0 and groups[0]["score"] == 0.0 and groups[0]["balance"] == Decimal("0.00")
    assert (groups[0]["min_rank"], groups[0]["avg_balance"], groups[0]["n"]) == (False, False, 0)


def test_a_grouped_field_is_not_aggregated(env, data):
    groups = env["test.partner"].read_group([], ["rank"], ["rank"], orderby="rank desc")
    assert [(g["rank"], g["rank_count"]) for g in groups] == [(False, 1), (5, 1), (3, 1)]


def test_no_groupby_aggregates_everything(env, data):
    assert env["test.order"].read_group([("state", "=", "sale")], ["amount_total"], []) == [
        {"amount_total": Decimal("22.57"), "__count": 4, "__domain": [("state", "=", "sale")]},
    ]


# -- order, offset, limit, empty results, archived records -----------------------------------------


def test_orderby_aggregate_count_and_group(env, data):
    order = env["test.order"]
    by_amount = order.read_group([], ["amount_total"], ["partner_id"], orderby="amount_total desc")
    assert [g["partner_id"][1] for g in by_amount] == ["Acme", "Beta", "Zed"]
    by_amount = order.read_group([], ["total:sum(amount_total)"], ["partner_id"], orderby="total asc")
    assert [g["partner_id"][1] for g in by_amount] == ["Zed", "Beta", "Acme"]
    by_count = order.read_group([], [], ["partner_id"], orderby="partner_id_count desc")
    assert [g["partner_id"][1] for g in by_count] == ["Beta", "Acme", "Zed"]  # ties sorted by the group
    assert order.read_group([], [], ["partner_id"], orderby="__count desc") == by_count
    by_partner = order.read_group([], [], ["partner_id"], orderby="partner_id desc")
    assert [g["partner_id"][1] for g in by_partner] == ["Zed", "Beta", "Acme"]
    # a field neither grouped nor aggregated is ignored, as Odoo does for list views sorted by a column
    by_name = order.read_group([], [], ["state"], orderby="name desc")
    assert [g["state"] for g in by_name] == ["cancel", "draft", "sale"]


def test_offset_and_limit_apply_to_groups(env, data):
    order = env["test.order"]
    everything = order.read_group([], ["amount_total"], ["date:day"])
    page = order.read_group([], ["amount_total"], ["date:day"], offset=2, limit=3)
    assert page == everything[2:5]
    assert order.read_group([], [], ["state"], offset=3) == []


def test_empty_result(env, data):
    assert env["test.order"].read_group([("name", "=", "nothing")], ["amount_total"], ["partner_id"]) == []
    assert env["test.order"].read_group([("name", "=", "nothing")], ["amount_total"], []) == [
        {"amount_total": Decimal("0.00"), "__count": 0, "__domain": [("name", "=", "nothing")]},
    ]


def test_archived_records_excluded_unless_active_test_is_false(env, data):
    active = env["test.partner"].read_group([], ["balance"], ["kind"])
    assert [(g["kind"], g["kind_count"], g["balance"]) for g in active] == [
        ("company", 1, Decimal("100.10")), ("person", 2, Decimal("0.20")),
    ]
    everything = env["test.partner"].with_context(active_test=False).read_group([], ["balance"], ["kind"])
    assert [(g["kind"], g["kind_count"], g["balance"]) for g in everything] == [
        ("company", 2, Decimal("1100.10")), ("person", 2, Decimal("0.20")),
    ]
    archived = env["test.partner"].read_group([("active", "=", False)], [], ["kind"])
    assert [(g["kind"], g["kind_count"]) for g in archived] == [("company", 1)]
    partners = env["test.partner"].with_context(active_test=False)
    _check_domains(partners.env, "test.partner", everything, "kind_count")


# -- errors -------------------------------------------------------------------------------------------


@pytest.mark.parametrize(("fields", "groupby", "orderby", "message"), [
    (["nope"], ["kind"], None, "'nope'"),
    (["total:sum(nope)"], ["kind"], None, "'nope'"),
    (["rank:median"], ["kind"], None, "'median'"),
    (["name:sum"], ["kind"], None, "sum of test.partner.name"),
    (["order_count:sum"], ["kind"], None, "not stored"),
    (["rank:sum", "rank:max"], ["kind"], None, "'rank' is used twice"),
    (["rank sum"], ["kind"], None, "'rank sum'"),
    ([], ["nope"], None, "'nope'"),
    ([], ["birthday:fortnight"], None, "'fortnight'"),
    ([], ["kind", "birthday:decade"], None, "'decade'"),
    ([], ["rank:month"], None, "'month'"),
    ([], ["tag_ids"], None, "many2many"),
    ([], ["order_count"], None, "not stored"),
    ([], ["kind"], "nope desc", "'nope'"),
    ([], ["kind"], "kind sideways", "kind sideways"),
])
def test_bad_requests_raise_validation_errors(env, fields, groupby, orderby, message):
    with pytest.raises(ValidationError, match=message.replace("(", r"\(").replace(")", r"\)")):
        env["test.partner"].read_group([], fields, groupby, orderby=orderby)
