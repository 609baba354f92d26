"""The real clients from PyPI and Odoo's documented ``xmlrpc.client`` examples, against ``erp serve``."""

from __future__ import annotations

import xmlrpc.client

import odoolib
import odoorpc
import pytest



def test_odoorpc_full_cycle(server) -> None:
    odoo = odoorpc.ODOO("127.0.0.1", port=server.port)
    assert odoo.version == "17.0"
    assert server.db in odoo.db.list()
    odoo.login(server.db, server.login, server.password)
    assert odoo.env.uid == server.uid
    assert odoo.env.context["tz"] == "UTC"
    assert "test.item" in odoo.env and "no.such.model" not in odoo.env
    Item = odoo.env["test.item"]
    item_id = Item.create({"name": "odoorpc widget", "qty": 4, "price": 2.5, "day": "2024-02-29"})
    assert Item.search([("name", "=", "odoorpc widget")]) == [item_id]
    item = Item.browse(item_id)
    assert (item.name, item.qty, item.price, item.state) == ("odoorpc widget", 4, 2.5, "draft")
    assert str(item.day) == "2024-02-29"
    item.qty = 7
    assert Item.read([item_id], ["qty"])[0]["qty"] == 7
    assert Item.action_double([item_id]) == [14]
    assert Item.search_count([("qty", ">", 10)]) == 1
    item.unlink()
    assert Item.search([("id", "=", item_id)]) == []
    odoo.logout()


# odoo-client-lib makes an XML-RPC proxy per call and never closes it: with kept-alive connections
# the garbage collector reports each of its sockets (the library's leak, not the server's).
@pytest.mark.filterwarnings("ignore::pytest.PytestUnraisableExceptionWarning")
@pytest.mark.parametrize("protocol", ["jsonrpc", "xmlrpc"])
def test_odoo_client_lib_full_cycle(server, protocol: str) -> None:
    connection = odoolib.get_connection(hostname="127.0.0.1", port=server.port, protocol=protocol,
                                        database=server.db, login=server.login, password=server.password)
    connection.check_login()
    assert connection.user_id == server.uid
    assert connection.get_user_context()["lang"] == "en_US"
    items = connection.get_model("test.item")
    name = f"lib {protocol}"
    item_id = items.create({"name": name, "qty": 1})
    assert items.search([("name", "=", name)]) == [item_id]
    assert items.read(item_id, ["name", "qty"])["qty"] == 1
    assert items.write([item_id], {"qty": 5}) is True
    assert items.search_read([("id", "=", item_id)], ["qty"]) == [{"id": item_id, "qty": 5}]
    assert items.unlink([item_id]) is True
    assert items.search_count([("id", "=", item_id)]) == 0


def test_xmlrpc_documented_examples(server, proxy) -> None:
    """The steps of Odoo's external API documentation, with the standard library's client."""
    common = proxy("/xmlrpc/2/common")
    version = common.version()
    assert version["server_version"] == "17.0" and version["protocol_version"] == 1
    uid = common.authenticate(server.db, server.login, server.password, {})
    assert uid == server.uid
    assert common.authenticate(server.db, server.login, "wrong", {}) is False
    models = proxy("/xmlrpc/2/object")

    def call(method: str, *args: object, **kwargs: object) -> object:
        return models.execute_kw(server.db, uid, server.password, "test.item", method, list(args), kwargs)

    assert call("check_access_rights", "read", raise_exception=False) is True
    assert call("check_access_rights", "unlink", raise_exception=False) is True
    first = call("create", {"name": "xml first", "qty": 2, "price": 9.99, "moment": "2024-05-01 10:30:00"})
    second = call("create", {"name": "xml second", "qty": 3})
    assert call("search", [["name", "like", "xml "]]) == [first, second]
    assert call("search", [["name", "like", "xml "]], offset=1, limit=5) == [second]
    assert call("search_count", [["name", "like", "xml "]]) == 2
    [record] = call("read", [first], fields=["name", "price", "moment", "company_id", "notes"])
    assert record == {"id": first, "name": "xml first", "price": 9.99, "moment": "2024-05-01 10:30:00",
                      "company_id": False, "notes": False}
    described = call("fields_get", attributes=["string", "help", "type"])
    assert described["qty"] == {"string": "Quantity", "help": "", "type": "integer"}
    assert call("search_read", [["name", "like", "xml "]], fields=["name"], limit=1) == [{"id": first, "name": "xml first"}]
    assert call("write", [first], {"name": "xml renamed"}) is True
    assert call("read", [first], fields=["name"])[0]["name"] == "xml renamed"
    assert call("name_search", "renamed") == [[first, "xml renamed"]]
    assert call("make", "xml made", 8) == [call("search", [["name", "=", "xml made"]])[0]]
    assert models.execute(server.db, uid, server.password, "test.item", "search_count", [["qty", "=", 8]]) == 1
    assert call("unlink", [first, second]) is True
    assert call("search", [["id", "in", [first, second]]]) == []
    legacy = proxy("/xmlrpc/common")
    assert legacy.login(server.db, server.login, server.password) == uid
    assert proxy("/xmlrpc/db").server_version() == "17.0"
    assert proxy("/xmlrpc/2/db").list() == [server.db]
