"""The audit trail: complete after a series of changes, written in the same transaction, immutable, exportable."""

from __future__ import annotations

import csv
import io
import os
import subprocess
import sys
from pathlib import Path

import pytest

from kernel import AccessError

ERP = Path(sys.executable).with_name("erp")


def _trail(env, record):
    entries = env["audit.log"].search([("model", "=", record._name), ("res_id", "=", record.id)], order="id")
    return [(e.operation, e.field or "", e.old_value or "", e.new_value or "", e.user_id.login) for e in entries]


def test_the_trail_is_complete_after_a_series_of_changes(env, env_as):
    manager_env = env_as("manager")
    vip = env.ref("sec_sales.tag_vip")
    customer = manager_env["sec.customer"].create({"name": "Stark", "email": "tony@stark.example",
                                                   "tag_ids": [(4, vip.id)]})
    customer.write({"email": "pepper@stark.example"})
    customer.write({"email": "pepper@stark.example"})  # no change, no entry
    customer.write({"salesman_id": env.ref("sec_sales.user_rep").id, "tag_ids": [(5, 0, 0)], "credit_limit": 100})
    customer.write({"credit_limit": 0})
    customer_id = customer.id
    customer.unlink()
    trail = _trail(env, env["sec.customer"].browse(customer_id))
    created = [entry for entry in trail if entry[0] == "create"]
    assert set(created) == {
        ("create", "name", "", "Stark", "manager"),
        ("create", "email", "", "tony@stark.example", "manager"),
        ("create", "tag_ids", "", "VIP", "manager"),
        ("create", "company_id", "", "My Company", "manager"),
        ("create", "branch_id", "", "Jakarta", "manager"),
        ("create", "active", "", "True", "manager"),
    }
    assert trail[len(created):] == [
        ("write", "email", "tony@stark.example", "pepper@stark.example", "manager"),
        ("write", "salesman_id", "", "Rudi Rep", "manager"),
        ("write", "tag_ids", "VIP", "", "manager"),
        ("write", "credit_limit", "0", "100", "manager"),  # an empty integer reads as 0
        ("write", "credit_limit", "100", "0", "manager"),
        ("unlink", "", "Stark", "", "manager"),
    ]
    assert all(entry.timestamp for entry in env["audit.log"].search([("res_id", "=", customer_id)]))


def test_models_without_audit_are_not_logged(env):
    acme = env["sec.customer"].search([("name", "=", "Acme")])
    before = env["audit.log"].search_count([])
    env["sec.contact"].create({"name": "Not logged", "customer_id": acme.id})
    env["sec.tag"].create({"name": "Not logged"})
    assert env["audit.log"].search_count([]) == before


def test_the_trail_is_written_in_the_transaction_of_the_change(erp_kernel):
    with pytest.raises(RuntimeError), erp_kernel.env() as env:
        env["sec.customer"].create({"name": "Rolled back"})
        assert env["audit.log"].search_count([("new_value", "=", "Rolled back")]) == 1
        raise RuntimeError("abort")
    with erp_kernel.env() as env:
        assert env["audit.log"].search_count([("new_value", "=", "Rolled back")]) == 0


def test_nobody_can_tamper_with_the_trail(env, env_as):
    acme = env["sec.customer"].search([("name", "=", "Acme")])
    acme.write({"email": "acme@example.com"})
    entry = env["audit.log"].search([("res_id", "=", acme.id), ("field", "=", "email")])
    assert len(entry) == 1
    attempts = {
        "superuser write": lambda: entry.write({"new_value": "forged"}),
        "superuser unlink": lambda: entry.unlink(),
        "superuser create": lambda: env["audit.log"].create({"model": "sec.customer", "operation": "write"}),
        "admin write": lambda: entry.with_env(env_as("admin")).write({"new_value": "forged"}),
        "admin sudo unlink": lambda: entry.with_env(env_as("admin")).sudo().unlink(),
        "rep read": lambda: env_as("rep")["audit.log"].search([]),
    }
    for name, attempt in attempts.items():
        with pytest.raises(AccessError, match="audit log cannot be changed|not allowed to read Audit Log"):
            attempt()
    assert entry.new_value == "acme@example.com" and entry.exists()


def test_the_trail_is_filterable_and_exports_to_csv(env, env_as):
    admin_env, manager_env = env_as("admin"), env_as("manager")
    acme = admin_env["sec.customer"].search([("name", "=", "Acme")])
    acme.write({"email": "=HYPERLINK(\"http://evil\")"})
    globex = manager_env["sec.customer"].search([("name", "=", "Globex")])
    globex.write({"email": "globex@example.com"})
    logs = admin_env["audit.log"]
    assert logs.search_count([("user_id.login", "=", "manager"), ("operation", "=", "write")]) == 1
    assert logs.search_count([("timestamp", ">=", "2000-01-01"), ("model", "=", "sec.customer"),
                              ("operation", "=", "write")]) == 2
    text = logs.export_csv([("operation", "=", "write"), ("model", "=", "sec.customer")])
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0] == ["Timestamp", "User", "Action", "Model", "Record", "Field Changed", "Old Value", "New Value"]
    body = sorted(rows[1:], key=lambda row: row[1])
    assert [row[1:] for row in body] == [
        ["Administrator", "Updated", "sec.customer", str(acme.id), "email", "", "'=HYPERLINK(\"http://evil\")"],
        ["Maya Manager", "Updated", "sec.customer", str(globex.id), "email", "", "globex@example.com"],
    ]
    with pytest.raises(AccessError):
        manager_env["audit.log"].export_csv()


def test_erp_audit_export_writes_the_trail_as_csv(erp_kernel, tmp_path, erp_addons_path):
    with erp_kernel.env() as env:
        customer = env["sec.customer"].create({"name": "Exported"})
        customer.write({"email": "exported@example.com"})
    target = tmp_path / "audit.csv"
    environ = {key: value for key, value in os.environ.items() if not key.startswith("ERP_")}
    result = subprocess.run(
        [str(ERP), "--db", erp_kernel.url, "--addons-path", ":".join(map(str, erp_addons_path)), "audit", "export",
         "--model", "sec.customer", "--res-id", str(customer.id), "--operation", "write", "-o", str(target)],
        capture_output=True, text=True, env=environ, timeout=120,
    )
    assert result.returncode == 0, result.stderr
    rows = list(csv.reader(io.StringIO(target.read_text(encoding="utf-8"))))
    assert [row[2:] for row in rows[1:]] == [["Updated", "sec.customer", str(customer.id), "email", "", "exported@example.com"]]
    assert "wrote 1 entries" in result.stderr
