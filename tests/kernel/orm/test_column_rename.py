"""A renamed field, as docs/models.md tells addon developers to ship it: with and without a migration."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import sqlalchemy as sa

from kernel import Kernel

SCHEMA_ADDONS = Path(__file__).resolve().parents[2] / "fixtures" / "schema_addons"
RENAME_REVISION = '''"""Products: code becomes reference."""

from alembic import op

revision = "5b1e2c3d4f60"
down_revision = "1a0c0ffee001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("shop_product") as batch:
        batch.alter_column("code", new_column_name="reference")


def downgrade() -> None:
    with op.batch_alter_table("shop_product") as batch:
        batch.alter_column("reference", new_column_name="code")
'''


def ship_renamed(old: Path, with_migration: bool) -> Path:
    """shop 1.1 in a new folder: the field ``code`` is now ``reference`` (and the migration renaming its column)."""
    addons = old.parent / "shipped"
    shutil.copytree(old, addons)
    models = addons / "shop" / "models.py"
    models.write_text(models.read_text().replace("    code = fields.Char(size=16)", "    reference = fields.Char(size=16)"))
    manifest = addons / "shop" / "__manifest__.py"
    manifest.write_text(manifest.read_text().replace('"version": "1.0"', '"version": "1.1"'))
    if with_migration:
        (addons / "shop" / "migrations" / "5b1e2c3d4f60_code_becomes_reference.py").write_text(RENAME_REVISION)
    return addons


@pytest.fixture
def shop(kernel_factory, tmp_path: Path) -> Path:
    addons = tmp_path / "addons"
    shutil.copytree(SCHEMA_ADDONS, addons)
    kernel = kernel_factory([addons])
    kernel.init()
    kernel.install(["shop"])
    with kernel.env() as env:
        env["shop.product"].create([{"name": "Rice", "code": "R1"}, {"name": "Tea", "code": "T1"}])
    return addons


def product_columns(kernel: Kernel) -> set[str]:
    with kernel.engine.connect() as connection:
        return {column["name"] for column in sa.inspect(connection).get_columns("shop_product")}


@pytest.mark.parametrize("with_migration", [True, False], ids=["with-migration", "without"])
def test_a_renamed_field_keeps_its_values_only_through_a_migration(shop, kernel_factory, with_migration):
    kernel = kernel_factory([ship_renamed(shop, with_migration)])
    kernel.upgrade(["shop"])
    with kernel.env() as env:
        references = sorted(env["shop.product"].search([]).mapped(lambda product: product.reference or ""))
    if with_migration:
        assert references == ["R1", "T1"]
        assert "code" not in product_columns(kernel)
    else:  # the sync adds the new column empty and never drops the old one
        assert references == ["", ""]
        assert {"code", "reference"} <= product_columns(kernel)
