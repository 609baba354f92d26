"""core_purchase: suppliers' payment terms, price list and payable accounts (base's currency rule, shared with
receivables), disabled and archived suppliers."""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
from pathlib import Path

import pytest

from kernel.exceptions import UserError, ValidationError

ADDONS = Path(__file__).resolve().parents[3] / "addons"


@pytest.fixture
def company(env):
    return env["res.company"].create({"name": "PT Beli"})


def supplier(env, types, **values):
    return env["basepartner"].create({"name": "Supply Co", "partner_types": [(4, types["vendor"])], **values})


def test_suppliers_have_payment_terms_and_a_price_list(env, types, refused):
    net30 = env["payment.term"].create({"name": "Net 30", "days": 30})
    prices = env["purchase.pricelist"].create({"name": "Supplier IDR", "currency": "idr"})
    vendor = supplier(env, types, supplier_payment_term_id=net30.id, supplier_price_list=prices.id)
    assert (vendor.supplier_payment_term_id, vendor.supplier_price_list.currency) == (net30, "IDR")
    error = refused(lambda: env["payment.term"].create({"name": "Backwards", "days": -1}), ValidationError)
    assert (error.code, error.field) == ("PAYMENT_TERM_INVALID", "days")
    error = refused(lambda: env["purchase.pricelist"].create({"name": "Bad", "currency": "ZZZ"}), ValidationError)
    assert error.code == "PARTY_CURRENCY_INVALID" and "'ZZZ'" in str(error)


def test_payable_accounts_follow_the_suppliers_currency(env, types, company, refused):
    vendor = supplier(env, types, default_currency="idr")
    account = env["supplier.account"].create({"partner_id": vendor.id, "company_id": company.id,
                                              "account_code": "2100", "currency": "IDR"})
    assert vendor.supplier_accounts == account
    other = env["res.company"].create({"name": "PT Dolar Beli"})
    error = refused(lambda: env["supplier.account"].create(
        {"partner_id": vendor.id, "company_id": other.id, "account_code": "2101", "currency": "USD"}), ValidationError)
    assert (error.code, error.status) == ("PARTY_ACCOUNT_CURRENCY_MISMATCH", 422)
    assert "in USD, expected IDR" in str(error) and "'2101'" in str(error)
    error = refused(lambda: vendor.write({"default_currency": "USD"}), ValidationError)
    assert error.code == "PARTY_ACCOUNT_CURRENCY_MISMATCH" and vendor.default_currency == "IDR"
    error = refused(lambda: env["supplier.account"].create(
        {"partner_id": vendor.id, "company_id": company.id, "account_code": "2102", "currency": "IDR"}),
        ValidationError)
    assert error.code == "PARTY_ACCOUNT_DUPLICATE"


def test_a_party_changing_currency_is_checked_against_both_sides(env, types, company, refused):
    both = env["basepartner"].create({"name": "Both Sides", "default_currency": "IDR", "partner_types": [
        (6, 0, [types["vendor"], types["customer"]])]})
    env["supplier.account"].create({"partner_id": both.id, "company_id": company.id, "account_code": "2100",
                                    "currency": "IDR"})
    env["customer.account"].create({"partner_id": both.id, "company_id": company.id, "account_code": "1100",
                                    "currency": "IDR"})
    error = refused(lambda: both.write({"default_currency": "EUR"}), ValidationError)
    assert error.code == "PARTY_ACCOUNT_CURRENCY_MISMATCH" and both.default_currency == "IDR"


def test_disabled_and_archived_suppliers_get_no_new_purchase_documents(env, types, company, refused):
    vendor = supplier(env, types)
    rfq = env["purchase.order"].create({"partner_id": vendor.id, "company_id": company.id})
    vendor.write({"supplier_disabled": True})
    error = refused(lambda: env["purchase.order"].create({"partner_id": vendor.id}), UserError)
    assert (error.code, error.status) == ("PARTY_SUPPLIER_DISABLED", 403) and "'Supply Co'" in str(error)
    error = refused(lambda: rfq.button_confirm(), UserError)
    assert error.code == "PARTY_SUPPLIER_DISABLED" and rfq.state == "draft"
    vendor.write({"supplier_disabled": False, "active": False})
    error = refused(lambda: env["purchase.order"].create({"partner_id": vendor.id}), UserError)
    assert (error.code, error.status) == ("PARTY_ARCHIVED", 403)
    assert env["purchase.order"].search_count([("partner_id", "=", vendor.id)]) == 1


def test_the_release_holds_command_lifts_expired_holds(erp_kernel, types):
    """``erp purchase-release-holds`` (the addon's kernel_cli command) commits what release_expired_holds does."""
    today = dt.date.today()
    with erp_kernel.env() as env:
        expired, current = env["basepartner"].create([
            {"name": "Hold Ended", "partner_types": [(4, types["vendor"])], "on_hold": True,
             "release_date": today - dt.timedelta(days=2)},
            {"name": "Hold Goes On", "partner_types": [(4, types["vendor"])], "on_hold": True,
             "release_date": today + dt.timedelta(days=5)}])
    erp = Path(sys.executable).with_name("erp")
    run = subprocess.run([str(erp), "--db", erp_kernel.url, "--addons-path", str(ADDONS), "purchase-release-holds"],
                         capture_output=True, text=True, timeout=120,
                         env={key: value for key, value in os.environ.items() if not key.startswith("ERP_")})
    assert run.returncode == 0, run.stderr
    assert f"{expired.vendor_code}\tHold Ended" in run.stdout and "Hold Goes On" not in run.stdout
    with erp_kernel.env() as env:
        assert not env["basepartner"].browse(expired.id).on_hold
        assert env["basepartner"].browse(current.id).on_hold
    later = (today + dt.timedelta(days=6)).isoformat()
    run = subprocess.run([str(erp), "--db", erp_kernel.url, "--addons-path", str(ADDONS), "purchase-release-holds",
                          "--date", later], capture_output=True, text=True, timeout=120,
                         env={key: value for key, value in os.environ.items() if not key.startswith("ERP_")})
    assert run.returncode == 0 and "1 supplier(s) released" in run.stdout
    bad = subprocess.run([str(erp), "--db", erp_kernel.url, "--addons-path", str(ADDONS), "purchase-release-holds",
                          "--date", "tomorrow"], capture_output=True, text=True, timeout=120)
    assert bad.returncode == 2 and "--date" in bad.stderr
