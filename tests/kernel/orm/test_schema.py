"""Schema sync (kernel/orm/schema.py, kernel/orm/ownership.py): the database follows the registry.

Install creates tables, columns, indexes and relation tables; an extension
adds columns to a table holding rows without losing any; uninstalling drops
exactly what the addon owned and, on SQLite, cascades into nothing; a type
change that could lose values is refused.  New code is "shipped" by copying
the addons to a new folder, as a deployment would.
"""

from __future__ import annotations

import re
import shutil
from decimal import Decimal
from pathlib import Path

import pytest
import sqlalchemy as sa

from kernel import Kernel
from kernel.db import create_engine, sqlite_foreign_keys_off
from kernel.exceptions import SchemaError, ValidationError
from kernel.orm.schema import compare_schema, plan_schema
from kernel.testing import rollback_env

SCHEMA_ADDONS = Path(__file__).resolve().parents[2] / "fixtures" / "schema_addons"
SHOP_TABLES = {"shop_category", "shop_tag", "shop_product", "shop_review", "shop_product_shop_tag_rel"}
EXTRA_COLUMNS = {"barcode", "weight", "brand_id"}


@pytest.fixture
def addons(tmp_path: Path) -> Path:
    target = tmp_path / "v1"
    shutil.copytree(SCHEMA_ADDONS, target)
    return target


def ship(addons: Path, name: str, edits: dict[str, tuple[str, str]]) -> Path:
    """A copy of ``addons`` in a new folder with ``{file: (old, new)}`` replaced: the next version."""
    target = addons.parent / name
    shutil.copytree(addons, target)
    for file, (old, new) in edits.items():
        path = target / file
        text = path.read_text()
        assert old in text, f"{old!r} not in {file}"
        path.write_text(text.replace(old, new))
    return target


@pytest.fixture
def shop(kernel_factory, addons: Path) -> Kernel:
    """``shop`` installed with 3 categories' worth of products, tags and reviews."""
    kernel = kernel_factory([addons])
    kernel.init()
    kernel.install(["shop"])
    with kernel.env() as env:
        food, toys = env["shop.category"].create([{"name": "Food"}, {"name": "Toys"}])
        new, old = env["shop.tag"].create([{"name": "new"}, {"name": "old"}])
        products = env["shop.product"].create([
            {"name": "Rice", "code": "R1", "category_id": food.id, "tag_ids": [(6, 0, [new.id, old.id])]},
            {"name": "Tea", "code": "T1", "category_id": food.id, "tag_ids": [(4, old.id)]},
            {"name": "Ball", "code": None, "category_id": toys.id},
        ])
        env["shop.review"].create([{"product_id": p.id, "text": f"about {p.name}"} for p in products])
    return kernel


def query(kernel: Kernel, sql: str) -> list[tuple]:
    with kernel.engine.connect() as connection:
        return [tuple(row) for row in connection.execute(sa.text(sql))]


def snapshot(kernel: Kernel) -> dict[str, list[tuple]]:
    """Every row and value of shop's own tables, read with SQL."""
    return {
        "products": query(kernel, "SELECT id, name, code, category_id FROM shop_product ORDER BY id"),
        "reviews": query(kernel, "SELECT id, product_id, text FROM shop_review ORDER BY id"),
        "tags": query(kernel, "SELECT * FROM shop_product_shop_tag_rel ORDER BY 1, 2"),
        "categories": query(kernel, "SELECT id, name FROM shop_category ORDER BY id"),
    }


def tables(kernel: Kernel) -> set[str]:
    with kernel.engine.connect() as connection:
        return set(sa.inspect(connection).get_table_names())


def columns(kernel: Kernel, table: str) -> dict[str, sa.types.TypeEngine]:
    with kernel.engine.connect() as connection:
        return {column["name"]: column["type"] for column in sa.inspect(connection).get_columns(table)}


def indexes(kernel: Kernel, table: str) -> dict[str, tuple[list[str], bool]]:
    with kernel.engine.connect() as connection:
        return {i["name"]: (i["column_names"], bool(i["unique"])) for i in sa.inspect(connection).get_indexes(table)}


def delete_rules(kernel: Kernel, table: str) -> dict[str, tuple[str, str]]:
    """``column -> (referred table, ON DELETE rule)`` as the database enforces them."""
    with kernel.engine.connect() as connection:
        if connection.dialect.name == "sqlite":  # SQLAlchemy misses the rule of a column-level REFERENCES
            rows = connection.exec_driver_sql(f"PRAGMA foreign_key_list({table})")
            return {row[3]: (row[2], row[6]) for row in rows}
        keys = sa.inspect(connection).get_foreign_keys(table)
        return {k["constrained_columns"][0]: (k["referred_table"], k["options"].get("ondelete")) for k in keys}


def schema_in_step(kernel: Kernel) -> bool:
    with kernel.engine.connect() as connection:
        return not plan_schema(compare_schema(connection, kernel.registry.metadata))


def state(kernel: Kernel, addon: str) -> tuple[str, str | None]:
    return next((a.state, a.version) for a in kernel.addons() if a.name == addon)


def test_install_creates_tables_columns_indexes_and_relation_tables(shop):
    assert SHOP_TABLES <= tables(shop)
    assert {"name", "code", "category_id", "id", "create_uid", "write_date"} <= set(columns(shop, "shop_product"))
    assert isinstance(columns(shop, "shop_product")["code"], sa.String)
    assert indexes(shop, "shop_category")["shop_category_name_index"] == (["name"], False)
    assert indexes(shop, "shop_review")["shop_review_product_id_index"] == (["product_id"], False)
    assert delete_rules(shop, "shop_product")["category_id"] == ("shop_category", "CASCADE")
    assert delete_rules(shop, "shop_product_shop_tag_rel") == {
        "shop_product_id": ("shop_product", "CASCADE"), "shop_tag_id": ("shop_tag", "CASCADE"),
    }
    assert query(shop, "SELECT note FROM shop_legacy_log") == [("kept",)], "the hook's own table"
    assert schema_in_step(shop)


def test_an_extension_adds_columns_to_a_table_holding_rows_and_keeps_them(shop):
    before = snapshot(shop)
    shop.install(["shop_extra"])
    assert snapshot(shop) == before, "every row and value is kept"
    assert EXTRA_COLUMNS <= set(columns(shop, "shop_product"))
    assert query(shop, "SELECT barcode, weight, brand_id FROM shop_product") == [(None, 1, None)] * 3, "defaults"
    assert indexes(shop, "shop_product")["shop_product_barcode_index"] == (["barcode"], True)
    assert indexes(shop, "shop_product")["shop_product_weight_index"] == (["weight"], False)
    assert delete_rules(shop, "shop_product")["brand_id"] == ("shop_brand", "SET NULL")
    assert delete_rules(shop, "shop_product_label_rel") == {
        "product_id": ("shop_product", "CASCADE"), "tag_id": ("shop_tag", "CASCADE"),
    }
    with shop.env() as env:
        rice, tea = env["shop.product"].search([("name", "in", ["Rice", "Tea"])], order="name")
        brand = env["shop.brand"].create({"name": "Acme"})
        rice.write({"barcode": "0001", "brand_id": brand.id, "label_ids": [(4, env["shop.tag"].search([], limit=1).id)]})
    with rollback_env(shop) as env, pytest.raises(ValidationError, match="0001"):
        env["shop.product"].browse(tea.id).write({"barcode": "0001"})
    with shop.engine.begin() as connection:  # the database's own ON DELETE rule, not the ORM's
        connection.execute(sa.text("DELETE FROM shop_brand"))
    assert query(shop, f"SELECT brand_id, barcode FROM shop_product WHERE id = {rice.id}") == [(None, "0001")]
    assert schema_in_step(shop)


def test_uninstalling_the_extension_drops_exactly_its_columns_tables_and_indexes(shop):
    shop.install(["shop_extra"])
    with shop.env() as env:
        brand = env["shop.brand"].create({"name": "Acme"})
        env["shop.product"].search([]).write({"brand_id": brand.id, "weight": 3})
        env["shop.product"].search([("code", "!=", False)]).write({"label_ids": [(4, env["shop.tag"].search([], limit=1).id)]})
    before = snapshot(shop)
    shop.uninstall(["shop_extra"])
    assert snapshot(shop) == before, "no row of shop's tables was deleted or changed (no cascade on SQLite)"
    assert not EXTRA_COLUMNS & set(columns(shop, "shop_product"))
    assert not {"shop_brand", "shop_product_label_rel"} & tables(shop)
    assert set(indexes(shop, "shop_product")) == {"shop_product_search"}, "the hook's index stays"
    assert SHOP_TABLES | {"shop_legacy_log"} <= tables(shop)
    assert delete_rules(shop, "shop_review")["product_id"] == ("shop_product", "CASCADE")
    with rollback_env(shop) as env:
        assert len(env["shop.review"].search([])) == 3
        assert not env["ir.model"].search([("model", "=", "shop.brand")])
        assert not env["ir.model.fields"].search([("addon", "=", "shop_extra")])
        assert env.ref("shop_extra.model_shop_brand", raise_if_not_found=False) is None
    assert schema_in_step(shop)


def test_uninstalling_an_addon_drops_its_tables_and_reinstalling_works(shop):
    shop.install(["shop_extra"])
    users = query(shop, "SELECT id, login FROM res_users ORDER BY id")
    shop.uninstall(["shop"])
    assert {a.name: a.state for a in shop.addons()}["shop_extra"] == "uninstalled"
    assert not (SHOP_TABLES | {"shop_brand", "shop_product_label_rel"}) & tables(shop)
    assert query(shop, "SELECT id, login FROM res_users ORDER BY id") == users
    assert query(shop, "SELECT note FROM shop_legacy_log") == [("kept",)], "not the ORM's: left alone"
    with rollback_env(shop) as env:
        assert not env["ir.model"].search([("addon", "in", ["shop", "shop_extra"])])
    shop.install(["shop_extra"])
    assert SHOP_TABLES | {"shop_brand", "shop_product_label_rel"} <= tables(shop)
    assert query(shop, "SELECT COUNT(*) FROM shop_product") == [(0,)]
    with rollback_env(shop) as env:
        product = env["shop.product"].create({"name": "Again", "barcode": "X"})
        assert product.barcode == "X" and not product.brand_id
    assert schema_in_step(shop)


def test_ir_model_rows_follow_the_registry_with_their_owners(shop):
    shop.install(["shop_extra"])
    with rollback_env(shop) as env:
        registry = env.registry
        rows = env["ir.model"].search_read([], ["model", "table", "addon", "modules"])
        assert {row["model"] for row in rows} == set(registry.models)
        product = next(row for row in rows if row["model"] == "shop.product")
        assert (product["table"], product["addon"], product["modules"]) == ("shop_product", "shop", "shop, shop_extra")
        brand = next(row for row in rows if row["model"] == "shop.brand")
        assert (brand["table"], brand["addon"]) == ("shop_brand", "shop_extra")
        fields = env["ir.model.fields"].search_read(
            [("model", "=", "shop.product")], ["name", "ttype", "addon", "column_name", "relation", "relation_table"]
        )
        by_name = {row["name"]: row for row in fields}
        assert set(by_name) == set(registry["shop.product"]._fields)
        barcode = by_name["barcode"]
        assert (barcode["addon"], barcode["column_name"], barcode["ttype"]) == ("shop_extra", "barcode", "char")
        assert by_name["name"]["addon"] == "shop"
        assert (by_name["label_ids"]["relation_table"], by_name["label_ids"]["column_name"]) == ("shop_product_label_rel", False)
        assert (by_name["brand_id"]["relation"], by_name["brand_id"]["ttype"]) == ("shop.brand", "many2one")
        total = sum(len(model._fields) for model in registry.models.values())
        assert env["ir.model.fields"].search_count([]) == total
        assert env.ref("shop_extra.model_shop_brand").model == "shop.brand"
        assert env.ref("base.model_res_users").addon == "base"
        env["ir.model"].search([("model", "=", "shop.brand")]).unlink()
        assert env["ir.model"].search([("model", "=", "shop.brand")]), "rows of registered models stay"


def test_an_upgrade_compares_every_table_and_repairs_what_is_missing(shop):
    with shop.engine.begin() as connection:
        connection.execute(sa.text("DROP INDEX shop_category_name_index"))
    shop.install(["shop_extra"])
    assert "shop_category_name_index" not in indexes(shop, "shop_category"), "an install compares changed models only"
    with rollback_env(shop) as env:
        assert len(env["ir.model"].search([("model", "=", "shop.product")]).schema_digest) == 40
    shop.upgrade(["shop"])
    assert indexes(shop, "shop_category")["shop_category_name_index"] == (["name"], False)


def test_an_upgrade_adds_a_new_fields_column_to_a_table_holding_rows_without_losing_one(shop, addons):
    before = snapshot(shop)
    v2 = ship(addons, "v2", {"shop/models.py": (
        "    review_ids = fields.One2many(\"shop.review\", \"product_id\")\n",
        "    review_ids = fields.One2many(\"shop.review\", \"product_id\")\n"
        "    stock = fields.Integer(default=5, index=True)\n",
    )})
    kernel = Kernel(shop.url, addons_path=[v2])
    try:
        kernel.upgrade(["shop"])
        assert snapshot(kernel) == before, "every row and value is kept"
        assert "stock" in columns(kernel, "shop_product")
        assert indexes(kernel, "shop_product")["shop_product_stock_index"] == (["stock"], False)
        assert query(kernel, "SELECT stock FROM shop_product") == [(5,)] * 3, "the default, as a new row gets"
        with kernel.env() as env:
            assert env["shop.product"].create({"name": "New"}).stock == 5
            env["shop.product"].search([("name", "=", "Rice")]).stock = 2
        assert query(kernel, "SELECT name, stock FROM shop_product ORDER BY name") == [
            ("Ball", 5), ("New", 5), ("Rice", 2), ("Tea", 5),
        ]
        with rollback_env(kernel) as env:
            row = env["ir.model.fields"].search([("model", "=", "shop.product"), ("name", "=", "stock")])
            assert (row.addon, row.column_name) == ("shop", "stock")
        assert schema_in_step(kernel)
    finally:
        kernel.close()


def test_an_upgrade_fills_new_fields_defaults_on_ten_thousand_existing_rows(shop, addons):
    with shop.engine.begin() as connection:
        connection.execute(sa.text("INSERT INTO shop_category (name) VALUES (:name)"),
                           [{"name": f"Category {n}"} for n in range(9998)])
    counter = ship(addons, "counter", {"shop/models.py": (
        "from kernel.orm import Model, fields\n",
        "import itertools\n\nfrom kernel.orm import Model, fields\n\nRANKS = itertools.count(1)\n",
    )})
    v2 = ship(counter, "v2", {"shop/models.py": (
        "    name = fields.Char(required=True, index=True)\n",
        "    name = fields.Char(required=True, index=True)\n"
        "    state = fields.Selection([('draft', 'Draft'), ('open', 'Open')], required=True, default='open')\n"
        "    rank = fields.Integer(required=True, default=lambda model: next(RANKS))\n"
        "    label = fields.Char(required=True, default=lambda model: 'general')\n",
    )})
    kernel = Kernel(shop.url, addons_path=[v2])
    try:
        kernel.upgrade(["shop"])
        assert query(kernel, "SELECT COUNT(*), COUNT(state), COUNT(rank), COUNT(label) FROM shop_category") == [
            (10000, 10000, 10000, 10000)]
        assert query(kernel, "SELECT DISTINCT state, label FROM shop_category") == [("open", "general")]
        ranks = [rank for rank, in query(kernel, "SELECT rank FROM shop_category ORDER BY id")]
        assert ranks == list(range(1, 10001)), "a callable default is evaluated for each row"
        with rollback_env(kernel) as env:
            assert env["shop.category"].search_count([("state", "=", "open"), ("label", "=", "general")]) == 10000
            assert env["shop.category"].create({"name": "New"}).rank == 10001
        assert schema_in_step(kernel)
    finally:
        kernel.close()


@pytest.mark.parametrize(("old", "new", "column"), [
    ("code = fields.Char(size=16)", "code = fields.Integer()", "shop_product.code"),
    ("price = fields.Monetary(digits=(12, 2))", "price = fields.Monetary(digits=(12, 4))", "shop_product.price"),
], ids=["char-to-integer", "decimal-scale"])
def test_a_type_change_is_refused_naming_table_and_column_and_changes_nothing(shop, addons, old, new, column):
    with shop.env() as env:
        env["shop.product"].search([("name", "=", "Rice")]).price = Decimal("12.50")
    before, types = snapshot(shop), columns(shop, "shop_product")
    kernel = Kernel(shop.url, addons_path=[ship(addons, "v2", {"shop/models.py": (old, new)})])
    try:
        with pytest.raises(SchemaError, match=rf"refusing to change the type of column\(s\) {re.escape(column)} from"):
            kernel.upgrade(["shop"])
    finally:
        kernel.close()
    assert {name: repr(type_) for name, type_ in columns(shop, "shop_product").items()} == {
        name: repr(type_) for name, type_ in types.items()
    }
    assert snapshot(shop) == before
    assert state(shop, "shop") == ("installed", "1.0")
    with rollback_env(shop) as env:
        assert env["shop.product"].search([("name", "=", "Rice")]).price == Decimal("12.50")


def test_a_longer_string_is_applied_and_a_unique_index_over_duplicates_refused(shop, addons):
    v2 = ship(addons, "v2", {"shop/models.py": ("code = fields.Char(size=16)", "code = fields.Char(size=64)")})
    kernel = Kernel(shop.url, addons_path=[v2])
    try:
        kernel.upgrade(["shop"])
        length = columns(kernel, "shop_product")["code"].length
        assert length == (16 if kernel.engine.dialect.name == "sqlite" else 64), "SQLite ignores lengths"
        assert schema_in_step(kernel)
    finally:
        kernel.close()
    with shop.engine.begin() as connection:
        connection.execute(sa.text("UPDATE shop_product SET code = 'SAME'"))
    v3 = ship(v2, "v3", {"shop/models.py": ("code = fields.Char(size=64)", "code = fields.Char(size=64, unique=True)")})
    kernel = Kernel(shop.url, addons_path=[v3])
    try:
        with pytest.raises(SchemaError, match=r"unique index shop_product_code_index on shop_product\(code\)"):
            kernel.upgrade(["shop"])
    finally:
        kernel.close()
    assert "shop_product_code_index" not in indexes(shop, "shop_product")


def test_changing_ondelete_rebuilds_the_table_without_cascading_into_its_children(shop, addons):
    shop.install(["shop_extra"])
    before, product_indexes = snapshot(shop), indexes(shop, "shop_product")
    v2 = ship(addons, "v2", {"shop/models.py": (
        'category_id = fields.Many2one("shop.category", ondelete="cascade")',
        'category_id = fields.Many2one("shop.category", ondelete="set null")',
    )})
    kernel = Kernel(shop.url, addons_path=[v2])
    try:
        kernel.upgrade(["shop"])
        assert snapshot(kernel) == before, "the reviews and tag links of the rebuilt table are all there"
        rules = delete_rules(kernel, "shop_product")
        assert rules["category_id"] == ("shop_category", "SET NULL")
        assert (rules["brand_id"], rules["create_uid"]) == (("shop_brand", "SET NULL"), ("res_users", "SET NULL")), \
            "the other keys keep their rule"
        assert delete_rules(kernel, "shop_review")["product_id"] == ("shop_product", "CASCADE")
        assert indexes(kernel, "shop_product") == product_indexes, "the hook's index is rebuilt too"
        assert schema_in_step(kernel)
        kernel.uninstall(["shop_extra"])  # brand_id's key is now table-level: SQLite rebuilds to drop it
        assert snapshot(kernel) == before
        assert not EXTRA_COLUMNS & set(columns(kernel, "shop_product"))
        assert delete_rules(kernel, "shop_product")["category_id"] == ("shop_category", "SET NULL")
        with kernel.engine.begin() as connection:
            connection.execute(sa.text("DELETE FROM shop_category WHERE name = 'Toys'"))
        assert query(kernel, "SELECT name, category_id FROM shop_product WHERE name = 'Ball'") == [("Ball", None)]
        assert schema_in_step(kernel)
    finally:
        kernel.close()


def test_a_sqlite_transaction_without_foreign_keys_refuses_to_commit_dangling_rows(tmp_path):
    engine = create_engine(f"sqlite:///{tmp_path / 'fk.sqlite3'}")
    try:
        with engine.begin() as connection:
            connection.execute(sa.text("CREATE TABLE parent (id INTEGER PRIMARY KEY)"))
            connection.execute(sa.text("CREATE TABLE child (id INTEGER PRIMARY KEY, "
                                       "parent_id INTEGER REFERENCES parent (id) ON DELETE CASCADE)"))
            connection.execute(sa.text("INSERT INTO parent VALUES (1), (2)"))
            connection.execute(sa.text("INSERT INTO child VALUES (1, 1), (2, 2)"))
        with pytest.raises(SchemaError, match=r"1 row\(s\) refer to rows that no longer exist \(child row 1 -> parent\)"):
            with engine.begin() as connection:
                connection.execute(sa.text("SELECT COUNT(*) FROM child")).all()
                assert sqlite_foreign_keys_off(connection), "only read so far: restarted without enforcement"
                connection.execute(sa.text("DELETE FROM parent WHERE id = 1"))
        with engine.begin() as connection:
            assert connection.execute(sa.text("SELECT COUNT(*) FROM parent")).scalar() == 2, "rolled back"
            assert connection.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1, "enforced again"
            connection.execute(sa.text("DELETE FROM parent WHERE id = 1"))
            assert not sqlite_foreign_keys_off(connection), "too late once the transaction has written"
            assert connection.execute(sa.text("SELECT COUNT(*) FROM child")).scalar() == 1, "cascaded"
    finally:
        engine.dispose()


# -- SQL views (kernel/orm/sql_views.py) ---------------------------------------------------------------


def views(kernel: Kernel) -> set[str]:
    with kernel.engine.connect() as connection:
        return set(sa.inspect(connection).get_view_names())


def brand_stats(kernel: Kernel) -> list[tuple]:
    with rollback_env(kernel) as env:
        rows = env["shop.brand.stats"].search_read([], ["brand_id", "product_count"], order="id")
        return [(row["brand_id"][1], row["product_count"]) for row in rows]


def test_a_model_view_is_created_replaced_on_upgrade_and_dropped_with_its_addon(shop, addons):
    shop.install(["shop_extra"])
    assert "shop_brand_stats" in views(shop) and "shop_brand_stats" not in tables(shop)
    with shop.env() as env:
        acme, _zeta = env["shop.brand"].create([{"name": "Acme"}, {"name": "Zeta"}])
        env["shop.product"].search([("name", "in", ["Rice", "Tea"])]).write({"brand_id": acme.id, "weight": 3})
    assert brand_stats(shop) == [("Acme", 2), ("Zeta", 0)]
    with rollback_env(shop) as env:
        row = env["ir.model"].search([("model", "=", "shop.brand.stats")])
        assert (row.table, row.addon) == ("shop_brand_stats", "shop_extra")
    assert schema_in_step(shop), "the sync sees no table to create for the view"
    v2 = ship(addons, "v2", {"shop_extra/__init__.py": ("COUNT(p.id) AS product_count", "SUM(p.weight) AS product_count")})
    kernel = Kernel(shop.url, addons_path=[v2])
    try:
        kernel.upgrade(["shop_extra"])
        assert brand_stats(kernel) == [("Acme", 6), ("Zeta", 0)], "the new query: the sum of weights"
        kernel.upgrade(["shop"])  # shop's tables are synced while the view reads them
        assert "shop_brand_stats" in views(kernel)
        before = snapshot(kernel)
        kernel.uninstall(["shop_extra"])  # PostgreSQL refuses to drop shop_product.weight while a view reads it
        assert "shop_brand_stats" not in views(kernel)
        assert not EXTRA_COLUMNS & set(columns(kernel, "shop_product"))
        assert snapshot(kernel) == before
        assert schema_in_step(kernel)
    finally:
        kernel.close()


@pytest.mark.parametrize(("old", "new", "reason"), [
    ("FROM shop_brand b", "FROM shop_no_such_table b", "shop_no_such_table"),
    ("COUNT(p.id) AS product_count", "COUNT(p.id) AS products", "product_count"),
], ids=["missing-table", "missing-column"])
def test_a_bad_view_query_fails_the_install_naming_the_view_and_changes_nothing(shop, addons, old, new, reason):
    v2 = ship(addons, "v2", {"shop_extra/__init__.py": (old, new)})
    kernel = Kernel(shop.url, addons_path=[v2])
    try:
        with pytest.raises(SchemaError, match=rf"cannot create view shop_brand_stats of model shop.brand.stats: .*{reason}"):
            kernel.install(["shop_extra"])
        assert state(kernel, "shop_extra") == ("uninstalled", None)
        assert not {"shop_brand", "shop_brand_stats"} & (tables(kernel) | views(kernel))
        assert not EXTRA_COLUMNS & set(columns(kernel, "shop_product"))
    finally:
        kernel.close()


def test_a_field_becoming_translated_keeps_its_text_as_en_us_and_is_searched_in_the_users_language(shop, addons):
    v2 = ship(addons, "v2", {"shop/models.py": ("    name = fields.Char(required=True, index=True)\n",
                                                "    name = fields.Char(required=True, index=True, translate=True)\n")})
    kernel = Kernel(shop.url, addons_path=[v2])
    try:
        kernel.upgrade(["shop"])
        assert schema_in_step(kernel), "the column's type follows the field: nothing left to change"
        with kernel.env() as env:
            food = env["shop.category"].search([("name", "=", "Food")])
            assert food.name == "Food"
            food.with_context(lang="id").name = "Makanan"
            assert env["shop.category"].with_context(lang="id").search([("name", "=", "Makanan")]) == food
            assert sorted(env["shop.category"].with_context(lang="id").search([]).mapped("name")) == ["Makanan", "Toys"]
        with kernel.engine.connect() as connection:
            table = kernel.registry["shop.category"]._sql
            stored = dict(connection.execute(sa.select(table.c.id, table.c.name).order_by(table.c.id)).all())
        assert list(stored.values()) == [{"en_US": "Food", "id": "Makanan"}, {"en_US": "Toys"}]
    finally:
        kernel.close()
