"""``onchange`` through ``call_kw`` as Odoo's clients call it: the quotation form of ``master_sale`` fills the
customer's price list and currency and warns about a frozen customer, over XML-RPC and JSON-RPC."""

from __future__ import annotations

import xmlrpc.client

import odoorpc
import pytest

INSTALL = ["http_items", "master_sale"]
SPEC = {"partner_id": {"fields": {"display_name": {}}}, "pricelist_id": {"fields": {"display_name": {}}},
        "currency": {}, "amount_total": {},
        "order_line": {"fields": {"name": {}, "product_uom_qty": {}, "price_unit": {}, "price_subtotal": {}}}}


@pytest.fixture(scope="module")
def customers(server):
    """A customer with a price list and currency, and a frozen one."""
    with server.kernel.env() as env:
        customer_type = env.ref("base.base_partner_type_customer").id
        pricelist = env["sale.pricelist"].create({"name": "Retail IDR", "currency": "IDR"})
        regular = env["basepartner"].create({"name": "Toko Maju", "partner_types": [(4, customer_type)],
                                             "default_price_list": pricelist.id, "default_currency": "USD"})
        frozen = env["basepartner"].create({"name": "Beku Ltd", "partner_types": [(4, customer_type)],
                                            "customer_is_frozen": True})
        return {"regular": regular.id, "frozen": frozen.id, "pricelist": pricelist.id}


def test_choosing_a_customer_over_xmlrpc_fills_its_defaults(server, proxy, customers) -> None:
    models = proxy("/xmlrpc/2/object")
    values = {"partner_id": customers["regular"], "pricelist_id": False, "currency": False, "amount_total": 0,
              "order_line": []}
    result = models.execute_kw(server.db, server.uid, server.password, "sale.order", "onchange",
                               [[], values, ["partner_id"], SPEC])
    assert result["value"]["pricelist_id"] == {"id": customers["pricelist"], "display_name": "Retail IDR"}
    assert result["value"]["currency"] == "USD"
    assert "warning" not in result


def test_a_frozen_customer_gets_a_warning_over_jsonrpc(server, customers) -> None:
    odoo = odoorpc.ODOO("127.0.0.1", port=server.port)
    odoo.login(server.db, server.login, server.password)
    result = odoo.execute_kw("sale.order", "onchange", [[], {"partner_id": customers["frozen"]}, ["partner_id"], SPEC])
    assert result["warning"]["title"] == "Customer frozen"
    assert "Beku Ltd is frozen" in result["warning"]["message"]
    odoo.logout()


def test_lines_and_total_are_computed_live_and_an_existing_order_stays_as_stored(server, proxy, customers) -> None:
    models = proxy("/xmlrpc/2/object")
    call = lambda *args: models.execute_kw(server.db, server.uid, server.password, "sale.order", *args)  # noqa: E731
    lines = [[0, 0, {"name": "Kopi", "product_uom_qty": 3, "price_unit": 2.5, "price_subtotal": 0}]]
    result = call("onchange", [[], {"partner_id": customers["regular"], "order_line": lines, "amount_total": 0},
                               ["order_line"], SPEC])
    assert result["value"]["amount_total"] == 7.5
    assert result["value"]["order_line"][1][2]["price_subtotal"] == 7.5
    order_id = call("create", [{"partner_id": customers["regular"], "order_line": lines}])
    line_id = call("read", [[order_id], ["order_line"]])[0]["order_line"][0]
    edited = call("onchange", [[order_id], {"order_line": [[1, line_id, {"product_uom_qty": 10}]]}, ["order_line"],
                               SPEC])
    assert edited["value"]["amount_total"] == 25.0
    assert call("read", [[order_id], ["amount_total"]])[0]["amount_total"] == 7.5, "an onchange stores nothing"


def test_bad_onchange_calls_get_clear_errors(server, proxy) -> None:
    models = proxy("/xmlrpc/2/object")
    with pytest.raises(xmlrpc.client.Fault, match=r"has no field 'partner'; did you mean 'partner_id'"):
        models.execute_kw(server.db, server.uid, server.password, "sale.order", "onchange",
                          [[], {"partner": 1}, ["partner"], SPEC])


@pytest.mark.parametrize("method", ["new", "update"])
def test_records_in_memory_are_not_remote(server, proxy, method) -> None:
    """``new`` builds records only the server's code can use, ``update`` is ``write`` for stored records."""
    models = proxy("/xmlrpc/2/object")
    with pytest.raises(xmlrpc.client.Fault, match=r"cannot be called remotely"):
        models.execute_kw(server.db, server.uid, server.password, "sale.order", method, [[], {"currency": "IDR"}])


def test_a_line_model_answers_its_own_onchange(server, proxy) -> None:
    models = proxy("/xmlrpc/2/object")
    result = models.execute_kw(server.db, server.uid, server.password, "sale.order.line", "onchange",
                               [[], {"name": "Retur", "product_uom_qty": -2, "price_unit": 3}, ["product_uom_qty"],
                                {"name": {}, "product_uom_qty": {}, "price_unit": {}, "price_subtotal": {}}])
    assert result["value"] == {"product_uom_qty": -2.0, "price_subtotal": -6.0}
    assert result["warning"]["title"] == "Negative quantity"
