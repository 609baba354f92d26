"""Addon migrations (kernel/orm/migrations.py): Alembic branches per addon, stamped, run, forgotten, generated.

``shop`` ships revision 1a0c0ffee001 (which would add a category if it ever
ran); shop 1.1 (tests/fixtures/schema_upgrades/shop) adds 1a0c0ffee002, which
fills a new column from an old one.  ``shop_extra``'s branch depends on
``shop``'s.  ``warehouse`` ships no migrations until ``erp revision`` writes one.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import sqlalchemy as sa

from kernel import Kernel
from kernel.exceptions import AddonStepError
from kernel.orm.schema import compare_schema, plan_schema

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures"
SCHEMA_ADDONS = FIXTURES / "schema_addons"
SHOP_1_1 = FIXTURES / "schema_upgrades" / "shop"
ERP = Path(sys.executable).with_name("erp")
MARKER = "made by a migration"


@pytest.fixture
def addons(tmp_path: Path) -> Path:
    target = tmp_path / "v1"
    shutil.copytree(SCHEMA_ADDONS, target)
    return target


def ship(addons: Path, name: str, overlay: Path | None = None, edits: dict[str, tuple[str, str]] | None = None) -> Path:
    """A copy of ``addons`` in a new folder, with ``overlay`` copied over it and ``{file: (old, new)}`` replaced."""
    target = addons.parent / name
    shutil.copytree(addons, target)
    if overlay is not None:
        shutil.copytree(overlay, target / overlay.name, dirs_exist_ok=True)
    for file, (old, new) in (edits or {}).items():
        path = target / file
        text = path.read_text()
        assert old in text, f"{old!r} not in {file}"
        path.write_text(text.replace(old, new))
    return target


def query(kernel: Kernel, sql: str) -> list[tuple]:
    with kernel.engine.connect() as connection:
        return [tuple(row) for row in connection.execute(sa.text(sql))]


def heads(kernel: Kernel) -> set[str]:
    return {revision for revision, in query(kernel, "SELECT version_num FROM alembic_version")}


def columns(kernel: Kernel, table: str) -> set[str]:
    with kernel.engine.connect() as connection:
        return {column["name"] for column in sa.inspect(connection).get_columns(table)}


def schema_in_step(kernel: Kernel) -> bool:
    with kernel.engine.connect() as connection:
        return not plan_schema(compare_schema(connection, kernel.registry.metadata))


def erp(db_url: str, addons: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {key: value for key, value in os.environ.items() if not key.startswith("ERP_")}
    command = [str(ERP), "--db", db_url, "--addons-path", str(addons), *args]
    return subprocess.run(command, capture_output=True, text=True, env=env, timeout=120)


@pytest.fixture
def shop(kernel_factory, addons: Path) -> Kernel:
    kernel = kernel_factory([addons])
    kernel.init()
    kernel.install(["shop"])
    with kernel.env() as env:
        env["shop.product"].create([{"name": "Rice", "code": "R1"}, {"name": "Tea", "code": "T1"}, {"name": "Ball"}])
    return kernel


def test_install_stamps_the_branch_heads_without_running_them(shop):
    assert heads(shop) == {"1a0c0ffee001"}
    assert not query(shop, f"SELECT id FROM shop_category WHERE name = '{MARKER}'")
    shop.install(["shop_extra"])
    assert heads(shop) == {"2b0c0ffee001"}, "Alembic keeps no row for a head the other depends on"


def test_a_fresh_install_of_a_later_version_is_stamped_at_its_head(kernel_factory, addons):
    kernel = kernel_factory([ship(addons, "v2", SHOP_1_1)])
    kernel.init()
    kernel.install(["shop"])
    assert heads(kernel) == {"1a0c0ffee002"}
    assert "reference" in columns(kernel, "shop_product"), "made from the models, not by the migration"
    assert not query(kernel, f"SELECT id FROM shop_category WHERE name = '{MARKER}'")


def test_an_upgrade_runs_only_the_new_revisions_then_syncs_the_rest(shop, addons):
    kernel = Kernel(shop.url, addons_path=[ship(addons, "v2", SHOP_1_1)])
    try:
        kernel.upgrade(["shop"])
        assert query(kernel, "SELECT name, code, reference FROM shop_product ORDER BY id") == [
            ("Rice", "R1", "REF-R1"), ("Tea", "T1", "REF-T1"), ("Ball", None, None),
        ]
        assert heads(kernel) == {"1a0c0ffee002"}
        assert not query(kernel, f"SELECT id FROM shop_category WHERE name = '{MARKER}'"), "1a0c0ffee001 did not run"
        with kernel.engine.connect() as connection:
            inspector = sa.inspect(connection)
            assert {i["name"] for i in inspector.get_indexes("shop_product")} == {"shop_product_name_index", "shop_product_search"}
            assert not inspector.get_indexes("shop_category"), "the index the models dropped is gone"
        assert {a.name: a.version for a in kernel.addons()}["shop"] == "1.1"
        assert schema_in_step(kernel)
    finally:
        kernel.close()


def test_an_upgrade_reaches_a_head_another_branch_depends_on(shop, addons):
    shop.install(["shop_extra"])
    kernel = Kernel(shop.url, addons_path=[ship(addons, "v2", SHOP_1_1)])
    try:
        kernel.upgrade(["shop"])
        assert heads(kernel) == {"1a0c0ffee002", "2b0c0ffee001"}, "one head per branch"
        assert query(kernel, "SELECT reference FROM shop_product WHERE code = 'R1'") == [("REF-R1",)]
        assert not query(kernel, f"SELECT id FROM shop_category WHERE name = '{MARKER}'")
    finally:
        kernel.close()


def test_uninstall_forgets_the_branch_and_a_reinstall_stamps_it_again(shop):
    shop.install(["shop_extra"])
    shop.uninstall(["shop_extra"])
    assert heads(shop) == {"1a0c0ffee001"}, "the dependency's head comes back"
    shop.install(["shop_extra"])
    assert heads(shop) == {"2b0c0ffee001"}
    shop.uninstall(["shop"])
    assert heads(shop) == set()


def test_a_failing_migration_rolls_the_upgrade_back(shop, addons):
    v2 = ship(addons, "v2", SHOP_1_1, edits={"shop/migrations/1a0c0ffee002_product_reference.py": (
        "WHERE code IS NOT NULL\")", "WHERE code IS NOT NULL\")\n    op.execute(\"UPDATE no_such_table SET x = 1\")",
    )})
    kernel = Kernel(shop.url, addons_path=[v2])
    try:
        with pytest.raises(AddonStepError, match="step 'migrations'"):
            kernel.upgrade(["shop"])
        assert "reference" not in columns(kernel, "shop_product"), "the column the migration added is rolled back"
        assert heads(kernel) == {"1a0c0ffee001"}
        assert {a.name: (a.state, a.version) for a in kernel.addons()}["shop"] == ("installed", "1.0")
    finally:
        kernel.close()


WAREHOUSE_V2 = '''    name = fields.Char(required=True)
    code = fields.Char(size=8, unique=True)
    parent_id = fields.Many2one("warehouse.location", ondelete="cascade")
    product_ids = fields.Many2many("shop.product")
    capacity = fields.Monetary(digits=(12, 2))
'''


def test_erp_revision_writes_revisions_that_an_upgrade_applies(kernel_factory, addons, db_url):
    kernel = kernel_factory([addons])
    kernel.init()
    kernel.install(["warehouse"])
    with kernel.env() as env:
        env["warehouse.location"].create([{"name": "Hall"}, {"name": "Yard"}])
    v2 = ship(addons, "v2", edits={"warehouse/models.py": ("    name = fields.Char(required=True)\n", WAREHOUSE_V2)})
    result = erp(db_url, v2, "revision", "warehouse", "-m", "Locations get a code, a parent, products")
    assert result.returncode == 0, result.stderr
    first = Path(result.stdout.split("wrote ", 1)[1].strip())
    assert first.parent == v2 / "warehouse" / "migrations" and first.name.endswith("_locations_get_a_code_a_parent_products.py")
    text = first.read_text()
    assert "branch_labels = ('warehouse',)" in text and "depends_on = ('shop',)" in text and "down_revision = None" in text
    assert "batch_op.add_column(sa.Column('code', sa.String(length=8)" in text
    assert "ExactDecimal(precision=12, scale=2)" in text and "import kernel.orm.fields.numeric" in text
    assert "batch_alter_table('shop_product'," not in text, "another addon's table is not this revision's"

    v3 = ship(v2, "v3", edits={"warehouse/models.py": (WAREHOUSE_V2, WAREHOUSE_V2 + "    note = fields.Text()\n")})
    result = erp(db_url, v3, "revision", "warehouse", "-m", "note")
    assert result.returncode == 1 and "upgrade the addon first" in result.stderr, "the first one is not applied yet"
    assert erp(db_url, v2, "upgrade", "warehouse", "--noinput").returncode == 0
    result = erp(db_url, v3, "revision", "warehouse", "-m", "note")
    assert result.returncode == 0, result.stderr
    second = Path(result.stdout.split("wrote ", 1)[1].strip())
    first_id = first.name.split("_", 1)[0]
    assert f"down_revision = {first_id!r}" in second.read_text() and "branch_labels = None" in second.read_text()
    assert "batch_op.add_column(sa.Column('note', sa.Text()" in second.read_text()
    assert "create_table" not in second.read_text()

    upgraded = Kernel(db_url, addons_path=[v3])
    try:
        upgraded.upgrade(["warehouse"])
        assert heads(upgraded) == {second.name.split("_", 1)[0]}
        assert {"code", "parent_id", "capacity", "note"} <= columns(upgraded, "warehouse_location")
        assert query(upgraded, "SELECT name, code FROM warehouse_location ORDER BY id") == [("Hall", None), ("Yard", None)]
        with upgraded.engine.connect() as connection:
            inspector = sa.inspect(connection)
            unique = {i["name"]: bool(i["unique"]) for i in inspector.get_indexes("warehouse_location")}
            assert unique["warehouse_location_code_index"] is True
            assert inspector.has_table("shop_product_warehouse_location_rel")
        assert schema_in_step(upgraded), "the revisions made the schema the models want"
        with upgraded.env() as env:
            hall = env["warehouse.location"].search([("name", "=", "Hall")])
            yard = env["warehouse.location"].create({"name": "Shelf", "parent_id": hall.id, "code": "S1"})
            assert yard.parent_id == hall
    finally:
        upgraded.close()


def test_erp_revision_refuses_an_addon_that_is_not_installed(shop, addons, db_url):
    result = erp(db_url, addons, "revision", "warehouse", "-m", "nothing")
    assert result.returncode == 1
    assert "addon 'warehouse': it is not installed" in result.stderr
    assert not (addons / "warehouse" / "migrations").exists()
