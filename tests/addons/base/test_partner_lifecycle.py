"""The install order of the documents: the CLI form, uninstall and reinstall, order independence,
the partner form combined from three addons, and concurrency on PostgreSQL."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
from decimal import Decimal
from pathlib import Path

import pytest
import sqlalchemy as sa
from lxml import etree

from kernel import Kernel
from kernel.exceptions import UserError, ValidationError
from kernel.views import apply_inheritance

ERP = Path(sys.executable).with_name("erp")
PRODUCT_ADDONS = Path(__file__).resolve().parents[3] / "addons"


def erp(*args: str) -> subprocess.CompletedProcess[str]:
    env = {key: value for key, value in os.environ.items() if not key.startswith("ERP_")}
    return subprocess.run([str(ERP), *args], capture_output=True, text=True, env=env, timeout=300)


def columns(kernel: Kernel, table: str) -> set[str]:
    with kernel.engine.connect() as connection:
        inspector = sa.inspect(connection)
        return {column["name"] for column in inspector.get_columns(table)} if inspector.has_table(table) else set()


def both_types(env):
    return [(6, 0, [env.ref("base.base_partner_type_customer").id, env.ref("base.base_partner_type_vendor").id])]


def combined_form(env):
    """The partner form with its extensions applied in (priority, id) order."""
    primary = env.ref("base.view_basepartner_form")
    extensions = env["ir.ui.view"].search([("inherit_id", "=", primary.id)]).sorted(lambda v: (v.priority, v.id))
    return apply_inheritance(primary.arch, [view.arch for view in extensions])


def test_documents_install_form_then_uninstall_and_reinstall_purchase(db_url, tmp_path):
    config = tmp_path / "erp.toml"
    config.write_text(f'[databases]\ndefault = "{db_url}"\n[addons]\npath = ["{PRODUCT_ADDONS}"]\n'
                      '[lifecycle]\narchive_dir = "archives"\n')
    assert erp("--config", str(config), "init").returncode == 0
    result = erp("--config", str(config), "update", "install", "core_purchase", "master_sale", "--alias=default",
                 "--noinput")
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "installed: core_purchase, master_sale"
    kernel = Kernel(db_url, addons_path=[PRODUCT_ADDONS])
    try:
        with kernel.env() as env:
            both = env["basepartner"].create({"name": "Both Ways", "partner_types": both_types(env)})
            assert (both.vendor_code, both.customer_code) == ("V00001", "CS-0001")
            region = env["customer.group"].create({"name": "Wholesale", "parent_id": env.ref(
                "master_sale.customer_group_all").id})
            both.write({"customer_group": region.id})
        assert {"vendor_code", "is_vendor", "on_hold", "customer_code"} <= columns(kernel, "basepartner")

        result = erp("--config", str(config), "update", "uninstall", "core_purchase", "--alias=default", "--noinput")
        assert result.returncode == 0, result.stderr
        kernel.reload()
        remaining = columns(kernel, "basepartner")
        assert not {"vendor_code", "vendor_creation_time", "is_vendor", "on_hold", "prevent_pos"} & remaining
        assert {"customer_code", "is_customer", "customer_group"} <= remaining
        assert not columns(kernel, "purchase_order")
        with kernel.env() as env:
            kept = env["basepartner"].search([("name", "=", "Both Ways")])
            assert (kept.customer_code, kept.is_customer, kept.customer_group.name) == ("CS-0001", True, "Wholesale")
            assert "vendor_code" not in env["basepartner"]._fields
            pages = [page.get("name") for page in combined_form(env).iter("page")]
            assert pages == ["contacts", "address", "categories", "sales"], "the Purchase tab left with its addon"
            assert env["ir.ui.view"].search_count([("name", "=", "basepartner.form.purchase")]) == 0

        kernel.install(["core_purchase"])
        with kernel.env() as env:
            kept = env["basepartner"].search([("name", "=", "Both Ways")])
            assert (kept.is_vendor, kept.vendor_code) == (True, "V00001"), "its code is back from the archive"
            newcomer = env["basepartner"].create({"name": "New Vendor", "partner_types": [
                (4, env.ref("base.base_partner_type_vendor").id)]})
            assert newcomer.vendor_code == "V00002"
            order = env["purchase.order"].create({"partner_id": newcomer.id})
            assert order.button_confirm()["state"] == "purchase"
            assert kept.customer_code == "CS-0001"
    finally:
        kernel.close()


def composed(kernel: Kernel) -> tuple:
    model = kernel.registry["basepartner"]
    fields = tuple(sorted((name, type(field).__name__, field.addon) for name, field in model._fields.items()))
    mro = tuple(cls.__qualname__ for cls in model.__mro__)
    return model._layers, fields, mro, frozenset(columns(kernel, "basepartner"))


def test_installing_sale_before_or_after_purchase_composes_the_same_model(kernel_factory, tmp_path):
    sale_first = kernel_factory()
    sale_first.init()
    sale_first.install(["master_sale"])
    sale_first.install(["core_purchase"])
    assert tuple(dict.fromkeys(sale_first.registry["basepartner"]._layers)) == ("base", "core_purchase", "master_sale")
    with sale_first.env() as env:
        both = env["basepartner"].create({"name": "Both", "partner_types": both_types(env)})
        assert (both.vendor_code, both.customer_code) == ("V00001", "CS-0001")
    url = f"sqlite:///{tmp_path / 'other.sqlite3'}"
    purchase_first = Kernel(url)
    try:
        purchase_first.init()
        purchase_first.install(["core_purchase"])
        purchase_first.install(["master_sale"])
        assert composed(purchase_first) == composed(sale_first)
    finally:
        purchase_first.close()


def test_the_partner_form_combines_both_tabs_by_inheritance(env):
    form = combined_form(env)
    assert [page.get("name") for page in form.iter("page")] == ["contacts", "address", "categories", "sales", "purchase"]
    purchase_fields = {f.get("name") for f in form.iterfind(".//page[@name='purchase']//field")}
    assert {"vendor_code", "vendor_creation_time", "on_hold", "hold_type", "prevent_pos", "warn_rfqs"} <= purchase_fields
    sales_fields = {f.get("name") for f in form.iterfind(".//page[@name='sales']//field")}
    assert {"customer_code", "customer_group", "territory", "credit_limits"} <= sales_fields
    model_fields = env["basepartner"]._fields
    top_level = [f for f in form.iter("field") if not any(p.tag == "list" for p in f.iterancestors())]
    assert all(field.get("name") in model_fields for field in top_level)
    search = env.ref("base.view_basepartner_search")
    extensions = env["ir.ui.view"].search([("inherit_id", "=", search.id)]).sorted(lambda v: (v.priority, v.id))
    combined_search = apply_inheritance(search.arch, [view.arch for view in extensions])
    names = [node.get("name") for node in combined_search.iter("filter")]
    assert names.index("on_hold") == names.index("vendor") + 1 and "group_territory" in names
    assert etree.tostring(form).count(b"<notebook") == 1


def race(count, work):
    """Run ``work(index)`` in ``count`` threads started together; returns their outcomes."""
    outcomes: list = []
    start = threading.Barrier(count)

    def worker(index: int) -> None:
        start.wait()
        try:
            outcomes.append(work(index))
        except (ValidationError, UserError) as exc:
            outcomes.append(exc.code)

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return outcomes


@pytest.fixture
def sales_kernel(kernel_factory):
    kernel = kernel_factory()
    kernel.init()
    kernel.install(["core_purchase", "master_sale"])
    return kernel


@pytest.mark.postgresql
def test_concurrent_duplicates_let_exactly_one_partner_win(sales_kernel):
    def create(index):
        with sales_kernel.env() as env:
            env["basepartner"].create({"name": f"Racer {index}", "email": "RACE@example.com"})
        return "created"

    assert sorted(race(4, create)) == ["PARTY_DUPLICATE_CONTACT"] * 3 + ["created"]
    with sales_kernel.env() as env:
        assert env["basepartner"].search_count([("email", "=", "race@example.com")]) == 1


@pytest.mark.postgresql
def test_concurrent_vendors_get_unique_gapless_codes(sales_kernel):
    def create(index):
        codes = []
        for batch in range(3):
            with sales_kernel.env() as env:
                vendor = env.ref("base.base_partner_type_vendor").id
                created = env["basepartner"].create([
                    {"name": f"Vendor {index}-{batch}-{n}", "partner_types": [(4, vendor)]} for n in range(batch + 1)])
                codes += created.mapped("vendor_code")
        return codes

    outcomes = race(4, create)
    codes = sorted(code for codes in outcomes for code in codes)
    assert codes == [f"V{n:05d}" for n in range(1, 25)]


@pytest.mark.postgresql
def test_concurrent_confirmations_cannot_both_slip_under_the_credit_limit(sales_kernel):
    with sales_kernel.env() as env:
        company = env["res.company"].create({"name": "PT Batas"})
        partner = env["basepartner"].create({
            "name": "Tight Budget", "partner_types": [(4, env.ref("base.base_partner_type_customer").id)],
            "credit_limits": [(0, 0, {"company_id": company.id, "amount": 1000})]})
        orders = env["sale.order"].create([
            {"partner_id": partner.id, "company_id": company.id,
             "order_line": [(0, 0, {"name": "Goods", "price_unit": 600})]} for _ in range(3)])
        order_ids, partner_id, company_id = orders.ids, partner.id, company.id

    def confirm(index):
        with sales_kernel.env() as env:
            return env["sale.order"].browse(order_ids[index]).action_confirm()["state"]

    assert sorted(race(3, confirm)) == ["PARTY_CREDIT_EXCEEDED"] * 2 + ["sale"]
    with sales_kernel.env() as env:
        assert env["basepartner"].browse(partner_id).credit_outstanding(company_id) == Decimal("600.00")
