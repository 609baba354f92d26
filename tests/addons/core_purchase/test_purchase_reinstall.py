"""Uninstalling core_purchase names and archives the vendor data it deletes; reinstalling it gives that data back.

Real ``erp`` processes on SQLite and PostgreSQL; the partners are made through
the kernel in between, as a user would through the client.
"""

from __future__ import annotations

import datetime as dt
import gzip
import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import sqlalchemy as sa

from kernel import Kernel

ERP = Path(sys.executable).with_name("erp")
PRODUCT_ADDONS = Path(__file__).resolve().parents[3] / "addons"
VENDOR_COLUMNS = ("vendor_code", "vendor_creation_time", "supplier_is_frozen", "on_hold", "hold_type", "release_date")


def erp(config: Path, *args: str, stdin: int | None = None) -> subprocess.CompletedProcess[str]:
    env = {key: value for key, value in os.environ.items() if not key.startswith("ERP_")}
    return subprocess.run([str(ERP), "--config", str(config), *args], capture_output=True, text=True, env=env,
                          timeout=300, stdin=stdin)


def vendor_rows(kernel: Kernel) -> dict[int, tuple[Any, ...]]:
    with kernel.engine.connect() as connection:
        rows = connection.execute(sa.text(f"SELECT id, {', '.join(VENDOR_COLUMNS)} FROM basepartner ORDER BY id"))
        return {row[0]: tuple(row[1:]) for row in rows}


def test_uninstall_names_and_archives_vendor_data_and_reinstall_gives_it_back(db_url, tmp_path):
    config = tmp_path / "erp.toml"
    config.write_text(f'[databases]\ndefault = "{db_url}"\n[addons]\npath = ["{PRODUCT_ADDONS}"]\n'
                      '[lifecycle]\narchive_dir = "archives"\n')
    assert erp(config, "init").returncode == 0
    assert erp(config, "install", "core_purchase", "--noinput").returncode == 0
    kernel = Kernel(db_url, addons_path=[PRODUCT_ADDONS])
    try:
        with kernel.env() as env:
            vendor_type = [(4, env.ref("base.base_partner_type_vendor").id)]
            later, plain, first, gone = env["basepartner"].create(
                [{"name": "Later"}, {"name": "Plain"}, {"name": "First"}, {"name": "Gone"}])
            first.write({"partner_types": vendor_type, "supplier_is_frozen": True})
            gone.write({"partner_types": vendor_type})
            later.write({"partner_types": vendor_type, "on_hold": True, "hold_type": "invoices",
                         "release_date": dt.date(2031, 5, 17)})
            env["purchase.order"].create({"partner_id": gone.id})
            assert (first.vendor_code, gone.vendor_code, later.vendor_code) == ("V00001", "V00002", "V00003")
        before = vendor_rows(kernel)

        dry = erp(config, "uninstall", "core_purchase", "--dry-run")
        assert dry.returncode == 0, dry.stderr
        assert dry.stdout == "core_purchase\n", "the plan alone, one addon per line"
        archives = tmp_path / "archives"
        assert f"Business data that will be deleted (archived first to {archives}):" in dry.stderr
        for line in ("table purchase_order: 1 row(s) (core_purchase)",
                     "column basepartner.vendor_code: 3 value(s) (core_purchase)",
                     "column basepartner.supplier_is_frozen: 1 value(s) (core_purchase)",
                     "column basepartner.on_hold: 1 value(s) (core_purchase)",
                     "column basepartner.release_date: 1 value(s) (core_purchase)"):
            assert f"  {line}\n" in dry.stderr
        assert not archives.exists(), "a dry run archives nothing"

        primary, secondary = os.openpty()
        try:
            os.write(primary, b"n\n")
            refused = erp(config, "uninstall", "core_purchase", stdin=secondary)
        finally:
            os.close(primary)
            os.close(secondary)
        assert refused.returncode == 1 and "aborted" in refused.stderr
        assert "  column basepartner.vendor_code: 3 value(s) (core_purchase)" in refused.stdout
        assert vendor_rows(kernel) == before

        removed = erp(config, "uninstall", "core_purchase", "--noinput")
        assert removed.returncode == 0, removed.stderr
        [archive] = archives.iterdir()
        assert archive.name.startswith(f"{Path(kernel.engine.url.database).stem}-core_purchase-")
        assert archive.name.endswith(".json.gz") and f"its data is archived to {archive}" in removed.stderr
        content = json.loads(gzip.decompress(archive.read_bytes()))
        assert content["sequences"]["seq_purchase_vendor"] == 4
        assert len(content["tables"]["purchase_order"]["rows"]) == 1
        archived = {row[0]: row for row in content["columns"]["basepartner"]["rows"]}
        columns = content["columns"]["basepartner"]["columns"]
        assert set(archived) >= {first.id, gone.id, later.id}
        assert archived[later.id][columns.index("release_date")] == {"$date": "2031-05-17"}

        with kernel.env() as env:  # while purchase is away: one vendor deleted, one partner becomes a vendor
            env["basepartner"].browse(gone.id).unlink()
            env["basepartner"].browse(plain.id).write({"partner_types": vendor_type})

        added = erp(config, "install", "core_purchase", "--noinput")
        assert added.returncode == 0, added.stderr
        after = vendor_rows(kernel)
        for partner in (first, later):
            assert after[partner.id] == before[partner.id], "code, time and flags as they were"
        assert after[plain.id][0] == "V00004", "the sequence goes on after the restored codes"
        assert gone.id not in after
        with kernel.env() as env:
            assert env["ir.config_parameter"].get_param("archive.core_purchase") is None
            newcomer = env["basepartner"].create({"name": "Newcomer", "partner_types": vendor_type})
            assert newcomer.vendor_code == "V00005"
            assert env["basepartner"].browse(first.id).supplier_is_frozen
            assert env["basepartner"].browse(later.id).hold_applies("invoice", dt.date(2031, 5, 1))
    finally:
        kernel.close()
