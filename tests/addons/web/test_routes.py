"""The client's routes through werkzeug's test client, on both databases: good paths and bad input."""

from __future__ import annotations

import csv
import datetime as dt
import html
import importlib
import io
import re
from typing import Any
from urllib.parse import parse_qs, urlsplit

from kernel import Kernel
from kernel.http.app import Application
from kernel.plugins import ADDON_NAMESPACE
from kernel.testing import WebClient, csrf_of

CONTACTS = "/web/action/1"


def count(kernel: Kernel, model: str, domain: list[Any] | None = None) -> int:
    with kernel.env() as env:
        return env[model].with_context(active_test=False).search_count(domain or [])


def test_the_client_sends_visitors_to_the_login_page_and_back(web_app: Application) -> None:
    client = WebClient(web_app)
    response = client.get(f"{CONTACTS}?view=list")
    assert response.status_code == 303
    assert response.headers["Location"] == "/web/login?redirect=%2Fweb%2Faction%2F1%3Fview%3Dlist"
    client.token = csrf_of(client.get("/web/login").text)
    logged = client.post("/web/login", {"login": "admin", "password": "admin", "redirect": f"{CONTACTS}?view=list"})
    assert logged.headers["Location"] == f"{CONTACTS}?view=list"
    assert client.get(f"{CONTACTS}?view=list").status_code == 200


def test_login_refuses_a_missing_csrf_token_and_foreign_redirects(web_app: Application) -> None:
    client = WebClient(web_app)
    client.get("/web/login")
    refused = client.post("/web/login", {"login": "admin", "password": "admin"}, csrf=False)
    assert refused.status_code == 403 and "CSRF" in refused.text
    assert client.get("/web").status_code == 303
    client.token = csrf_of(client.get("/web/login").text)
    response = client.post("/web/login", {"login": "admin", "password": "admin", "redirect": "//evil.example/x"})
    assert response.headers["Location"] == "/web"


def test_bad_credentials_get_one_generic_message_then_throttling(web_app: Application) -> None:
    client = WebClient(web_app)
    client.token = csrf_of(client.get("/web/login").text)
    unknown = client.post("/web/login", {"login": "ghost", "password": "nope"})
    assert unknown.status_code == 401 and "Wrong login or password." in unknown.text
    for _ in range(web_app.web.login_max_failures - 1):  # the client's address counts every failure
        response = client.post("/web/login", {"login": "admin", "password": "nope"})
        assert response.status_code == 401 and "Wrong login or password." in response.text
    throttled = client.post("/web/login", {"login": "admin", "password": "admin"})
    assert throttled.status_code == 429 and "Too many login failures" in throttled.text


def test_pages_carry_the_csp_and_no_inline_script_or_style(admin: WebClient) -> None:
    for url in ("/web", CONTACTS, f"{CONTACTS}?view=list&f=vendor&g=entity_type", f"{CONTACTS}/new", f"{CONTACTS}/import"):
        response = admin.get(url)
        assert response.status_code == 200, url
        assert "script-src 'self'" in response.headers["Content-Security-Policy"]
        assert "style-src 'self'" in response.headers["Content-Security-Policy"]
        html = response.text
        assert not re.search(r"<script(?![^>]*\bsrc=)", html), url
        assert " style=" not in html and "<style" not in html and " onclick=" not in html, url
        for form in re.findall(r'<form[^>]*method="post"[^>]*>.*?</form>', html, re.S):
            assert 'name="csrf_token"' in form, url


def test_saving_without_csrf_token_is_refused_and_writes_nothing(admin: WebClient, web_kernel: Kernel) -> None:
    response = admin.post(f"{CONTACTS}/new", {"name": "No Token"}, csrf=False)
    assert response.status_code == 403
    assert count(web_kernel, "basepartner", [("name", "=", "No Token")]) == 0
    saved = admin.post(f"{CONTACTS}/new", {"name": "With Token", "entity_type": "individual"})
    assert saved.status_code == 303
    assert count(web_kernel, "basepartner", [("name", "=", "With Token")]) == 1


def test_a_form_error_is_shown_on_its_field_and_keeps_the_input(admin: WebClient, web_kernel: Kernel) -> None:
    admin.post(f"{CONTACTS}/new", {"name": "Holder", "email": "same@example.com", "entity_type": "individual"})
    response = admin.post(f"{CONTACTS}/new", {"name": "Second", "email": "same@example.com", "entity_type": "company"})
    assert response.status_code == 409  # the duplicate's own status
    assert re.search(r'data-field="email".*?class="field-error"[^>]*>Partner: Email', response.text, re.S)
    assert 'value="Second"' in response.text
    bad_date = admin.post(f"{CONTACTS}/new", {"name": "Third", "entity_type": "individual", "on_hold": "1",
                                              "release_date": "31/31/2020"})
    assert bad_date.status_code == 422 and "Hold Release Date: invalid value" in bad_date.text
    assert count(web_kernel, "basepartner", [("name", "in", ["Second", "Third"])]) == 0


def test_unknown_action_model_filter_and_button_are_refused_by_name(admin: WebClient) -> None:
    assert admin.get("/web/action/999").status_code == 404
    unknown_filter = admin.get(f"{CONTACTS}?view=list&f=nope")
    assert unknown_filter.status_code == 400 and "unknown filter 'nope'" in html.unescape(unknown_filter.text)
    assert '<p class="error" role="alert">' in unknown_filter.text and 'class="topbar"' in unknown_filter.text
    bad_sort = admin.get(f"{CONTACTS}?view=list&order=password")
    assert bad_sort.status_code == 400 and "cannot sort by" in bad_sort.text
    bad_custom = admin.get(f"{CONTACTS}?view=list&cf=nope|=|x")
    assert bad_custom.status_code == 400 and "'nope' is not a searchable field" in html.unescape(bad_custom.text)
    answer = admin.json("/web/json/name_search", {"model": "no.such.model", "term": "x"})
    assert answer["error"]["data"]["message"] == "unknown model 'no.such.model'"
    button = admin.post(f"{CONTACTS}/new", {"name": "B", "__call": "unlink"})
    assert button.status_code == 403 and "'unlink' is not a button of this form" in html.unescape(button.text)


def test_json_routes_need_the_csrf_header(admin: WebClient) -> None:
    answer = admin.json("/web/json/name_search", {"model": "basepartnercategory", "term": ""}, csrf=False)
    assert "CSRF" in answer["error"]["data"]["message"]


def test_a_forbidden_record_is_refused(web_app: Application, web_kernel: Kernel) -> None:
    with web_kernel.env() as env:
        action = env["ir.actions.window"].create({"name": "Parameters", "res_model": "ir.config_parameter",
                                                  "view_mode": "list,form"})
        parameter = env["ir.config_parameter"].search([], limit=1) or env["ir.config_parameter"].create(
            {"key": "web.test", "value": "1"})
    clerk = WebClient(web_app)
    assert clerk.login("clerk", "clerk").status_code == 303
    response = clerk.get(f"/web/action/{action.id}/{parameter.id}")
    assert response.status_code == 403
    listing = clerk.get(f"/web/action/{action.id}?view=list")
    assert listing.status_code == 403


def test_switching_to_a_company_not_allowed_is_refused(admin: WebClient, web_kernel: Kernel) -> None:
    with web_kernel.env() as env:
        other = env["res.company"].create({"name": "Elsewhere"}).id
    response = admin.post("/web/switch_company", {"company_id": str(other)})
    assert response.status_code == 403 and "not one of your allowed companies" in response.text


def test_mass_archive_delete_and_csv_export(admin: WebClient, web_kernel: Kernel) -> None:
    with web_kernel.env() as env:
        ids = env["basepartner"].create([{"name": f"P{i}", "email": f"p{i}@example.com"} for i in range(3)]).ids
    archived = admin.post(f"{CONTACTS}/mass", {"op": "archive", "ids": [str(ids[0])]})
    assert archived.status_code == 303
    assert parse_qs(urlsplit(archived.headers["Location"]).query)["notice"] == ["1 record(s) archived"]
    assert count(web_kernel, "basepartner", [("id", "=", ids[0]), ("active", "=", False)]) == 1
    admin.post(f"{CONTACTS}/mass", {"op": "delete", "ids": [str(ids[1])]})
    assert count(web_kernel, "basepartner", [("id", "=", ids[1])]) == 0
    assert admin.post(f"{CONTACTS}/mass", {"op": "explode", "ids": [str(ids[2])]}).status_code == 400
    exported = admin.post(f"{CONTACTS}/export", {"format": "csv", "search": "q=P2"})
    rows = list(csv.reader(io.StringIO(exported.data.decode("utf-8-sig"))))
    assert rows[0][0] == "Partner Name" and [row[0] for row in rows[1:]] == ["P2"]
    assert admin.post(f"{CONTACTS}/export", {"format": "pdf"}).status_code == 400


def upload(client: WebClient, content: bytes, mode: str = "import") -> Any:
    return client.post(f"{CONTACTS}/import", {"mode": mode, "file": (io.BytesIO(content), "partners.csv")},
                       content_type="multipart/form-data")


def test_import_is_all_or_nothing(admin: WebClient, web_kernel: Kernel) -> None:
    before = count(web_kernel, "basepartner")
    bad = upload(admin, b"name,email,entity_type\nA,a@example.com,individual\nB,b@example.com,robot\n")
    assert bad.status_code == 422 and "Line 3" in bad.text and "robot" in bad.text
    assert count(web_kernel, "basepartner") == before
    tested = upload(admin, b"name,Email\nC,c@example.com\n", mode="test")
    assert "All 1 row(s) are valid" in tested.text and count(web_kernel, "basepartner") == before
    done = upload(admin, b"name,Email\nC,c@example.com\nD,d@example.com\n")
    assert "2 record(s) imported" in done.text and count(web_kernel, "basepartner") == before + 2


def test_bad_import_files_are_refused_with_a_reason(admin: WebClient, web_kernel: Kernel) -> None:
    before = count(web_kernel, "basepartner")
    for content, reason in ((b"\xff\xfe\x00bad", "not UTF-8"), (b"", "the file is empty"),
                            (b"name,password\nx,y\n", "column 'password' is not an importable field")):
        response = upload(admin, content)
        assert response.status_code == 400 and reason in html.unescape(response.text), reason
    assert count(web_kernel, "basepartner") == before


def test_kanban_move_writes_the_column_value(admin: WebClient, web_kernel: Kernel) -> None:
    with web_kernel.env() as env:
        partner = env["basepartner"].create({"name": "Mover", "entity_type": "individual"})
    moved = admin.json("/web/json/kanban_move", {"model": "basepartner", "id": partner.id, "field": "entity_type",
                                                 "value": "company"})
    assert moved["result"]["value"] == "company"
    bad = admin.json("/web/json/kanban_move", {"model": "basepartner", "id": partner.id, "field": "name", "value": "x"})
    assert "not a many2one or selection field" in bad["error"]["data"]["message"]
    with web_kernel.env() as env:
        assert env["basepartner"].browse(partner.id).entity_type == "company"


def test_one2many_lines_are_edited_inline_and_buttons_call_methods(admin: WebClient, web_kernel: Kernel) -> None:
    with web_kernel.env() as env:
        vendor = env["basepartner"].create({"name": "Supplier", "partner_types": [(4, env.ref("base.base_partner_type_vendor").id)]})
        rfq_action = env.ref("core_purchase.action_purchase_rfq").id
    url = f"/web/action/{rfq_action}"
    form = admin.get(f"{url}/new").text
    assert "data-line-template" in form and "Add a line" in form
    created = admin.post(f"{url}/new", {"partner_id": str(vendor.id), "date_order": "2026-01-05T10:00", "order_line.0.id": "", "order_line.0.name": "Bolts",
                                        "order_line.0.product_qty": "2", "order_line.0.price_unit": "10.5"})
    assert created.status_code == 303, created.text
    order_url = created.headers["Location"].split("?")[0]
    with web_kernel.env() as env:
        order = env["purchase.order"].search([("partner_id", "=", vendor.id)])
        line_id = order.order_line.id
        assert [(line.name, float(line.product_qty)) for line in order.order_line] == [("Bolts", 2.0)]
    listing = admin.get(f"{url}?view=list").text
    assert re.search(r'<td class="total">21\.00</td>', listing)
    updated = admin.post(order_url, {"partner_id": str(vendor.id), "date_order": "2026-01-05T10:00", "order_line.0.id": str(line_id),
                                     "order_line.0.name": "Bolts", "order_line.0.product_qty": "3",
                                     "order_line.0.price_unit": "10.5", "order_line.0.delete": "1",
                                     "order_line.1.id": "", "order_line.1.name": "Nuts", "order_line.1.product_qty": "1",
                                     "order_line.1.price_unit": "2", "__call": "button_confirm"})
    assert updated.status_code == 303, updated.text
    with web_kernel.env() as env:
        order = env["purchase.order"].browse(order.id)
        assert [line.name for line in order.order_line] == ["Nuts"] and order.state == "purchase"
    bad = admin.post(order_url, {"partner_id": str(vendor.id), "date_order": "2026-01-05T10:00", "order_line.0.id": "", "order_line.0.name": "X",
                                 "order_line.0.product_qty": "many"})
    assert bad.status_code == 422 and "Order Lines: invalid value" in html.unescape(bad.text)


def test_autocompletion_follows_the_field_domain_and_refuses_a_bad_one(admin: WebClient, web_kernel: Kernel) -> None:
    with web_kernel.env() as env:
        vendor_type = env.ref("base.base_partner_type_vendor").id
        env["basepartner"].create([{"name": "Vendor One", "partner_types": [(4, vendor_type)]}, {"name": "Vendor Not"}])
    found = admin.json("/web/json/name_search", {"model": "basepartner", "term": "Vendor",
                                                 "domain": "[('is_vendor', '=', True)]"})
    assert [record["name"] for record in found["result"]] == ["Vendor One"]
    bad = admin.json("/web/json/name_search", {"model": "basepartner", "term": "", "domain": "__import__('os')"})
    assert "autocompletion domain" in bad["error"]["data"]["message"]


def test_an_uploaded_image_is_stored_and_shown(admin: WebClient, web_kernel: Kernel) -> None:
    png = bytes.fromhex("89504e470d0a1a0a0000000d4948445200000001000000010806000000"
                        "1f15c4890000000d49444154789c6360f8cfc0f01f0005000201e2213bc80000000049454e44ae426082")
    response = admin.post(f"{CONTACTS}/new", {"name": "Pictured", "entity_type": "individual",
                                              "image": (io.BytesIO(png), "face.png")}, content_type="multipart/form-data")
    assert response.status_code == 303
    page = admin.get(response.headers["Location"]).text
    assert 'src="data:image/png;base64,iVBORw0KGgo' in page


def test_switching_company_and_language(admin: WebClient, web_kernel: Kernel) -> None:
    with web_kernel.env() as env:
        admin_user = env["res.users"].search([("login", "=", "admin")])
        second = env["res.company"].create({"name": "Second Co"})
        admin_user.company_ids = [(4, second.id)]
    response = admin.post("/web/switch_company", {"company_id": str(second.id)})
    assert response.status_code == 303
    assert re.search(rf'<option value="{second.id}" selected>Second Co</option>', admin.get("/web").text)
    assert admin.post("/web/language", {"lang": "fr_FR", "redirect": "/web"}).status_code == 303
    with web_kernel.env() as env:
        assert env["res.users"].search([("login", "=", "admin")]).lang == "fr_FR"
    assert '<html lang="fr">' in admin.get("/web").text
    assert admin.post("/web/language", {"lang": "xx_YY"}).status_code == 400


def test_values_follow_the_user_locale(web_kernel: Kernel) -> None:
    display = importlib.import_module(f"{ADDON_NAMESPACE}.web.render.values").display  # loaded by the kernel
    with web_kernel.env() as env:
        french = env(context={"lang": "fr_FR"})
        assert display(french, {"type": "float"}, 1234.5) == "1\u202f234,50"
        assert display(french, {"type": "date"}, dt.date(2026, 3, 1)) == "1 mars 2026"
        assert display(env(context={"lang": "en_US"}), {"type": "date"}, dt.date(2026, 3, 1)) == "Mar 1, 2026"
        assert display(env, {"type": "selection", "selection": [("a", "Alpha")]}, "a") == "Alpha"


def test_group_by_folds_groups_with_their_counts_and_chips_remove_facets(admin: WebClient, web_kernel: Kernel) -> None:
    with web_kernel.env() as env:
        # "xq" marks them: users' own partners (Administrator, Clerk) are individuals too
        env["basepartner"].create([{"name": "Co A xq", "entity_type": "company"},
                                   {"name": "Co B xq", "entity_type": "company"},
                                   {"name": "Person xq", "entity_type": "individual"}])
    page = html.unescape(admin.get(f"{CONTACTS}?view=list&g=entity_type&q=xq").text)
    assert re.search(r"<summary>Company <span class=\"count\">\(2\)</span></summary>", page)
    assert re.search(r"<summary>Individual <span class=\"count\">\(1\)</span></summary>", page)
    assert 'href="/web/action/1?view=list&q=xq" aria-label="Remove Group by: Entity Type"' in page
    custom = admin.get(f"{CONTACTS}?view=list&cf=entity_type|%3D|company").text
    assert "Co A" in custom and "Person" not in custom and "Entity Type = company" in custom


def test_kanban_columns_by_a_many2one_and_moving_between_them(admin: WebClient, web_kernel: Kernel) -> None:
    with web_kernel.env() as env:
        mister, doctor = env["basepartnertitle"].create([{"name": "Mister"}, {"name": "Doctor"}]).ids
        moving = env["basepartner"].create([{"name": "Mover", "title": mister}, {"name": "Medic", "title": doctor}]).ids[0]
    board = admin.get(f"{CONTACTS}?view=kanban&g=title").text
    assert f'data-value="{mister}" aria-label="Mister"' in board and f'data-value="{doctor}" aria-label="Doctor"' in board
    assert 'data-group-field="title"' in board and 'draggable="true"' in board
    moved = admin.json("/web/json/kanban_move", {"model": "basepartner", "id": moving, "field": "title", "value": doctor})
    assert moved["result"] == {"id": moving, "field": "title", "value": doctor}
    with web_kernel.env() as env:
        assert env["basepartner"].browse(moving).title.id == doctor
    missing = admin.json("/web/json/kanban_move", {"model": "basepartner", "id": 999999, "field": "title", "value": doctor})
    assert "does not exist" in missing["error"]["data"]["message"]


def test_links_replace_the_parameter_they_change(admin: WebClient) -> None:
    page = html.unescape(admin.get(f"{CONTACTS}?view=list&f=vendor&order=name+asc&page=1").text)
    assert 'href="/web/action/1?view=list&f=vendor&order=name+desc"' in page  # sorting again flips the order
    assert 'href="/web/action/1?f=vendor&order=name+asc&view=kanban"' in page  # the view switch keeps the search
    assert 'href="/web/action/1?view=list&order=name+asc&page=1" class="filter active"' not in page
    assert 'href="/web/action/1?view=list&order=name+asc" class="filter active" data-filter="vendor"' in page


def test_conditionally_required_fields_are_checked_on_the_submitted_values(admin: WebClient, web_kernel: Kernel) -> None:
    held = admin.post(f"{CONTACTS}/new", {"name": "Held", "entity_type": "individual", "on_hold": "1"})
    assert held.status_code == 422
    assert re.search(r'data-field="hold_type".*?class="field-error"[^>]*>Hold Type: a value is required', held.text, re.S)
    assert count(web_kernel, "basepartner", [("name", "=", "Held")]) == 0
    free = admin.post(f"{CONTACTS}/new", {"name": "Free", "entity_type": "individual"})
    assert free.status_code == 303
    assert count(web_kernel, "basepartner", [("name", "=", "Free")]) == 1


def test_a_save_based_on_an_old_version_is_refused_until_overwritten(admin: WebClient, web_kernel: Kernel) -> None:
    """The row is locked and its ``write_date`` compared in the saving transaction (on both databases)."""
    with web_kernel.env() as env:
        partner = env["basepartner"].create({"name": "Versioned", "email": "v1@example.com"})
    page = admin.get(f"{CONTACTS}/{partner.id}").text
    loaded = html.unescape(re.search(r'name="__write_date" value="([^"]+)"', page).group(1))
    with web_kernel.env() as env:
        env["basepartner"].browse(partner.id).email = "v2@example.com"
    stale = {"__partial": "1", "__fields": "name", "name": "Versioned Again", "__write_date": loaded,
             "__loaded": '[["name", "Versioned"], ["email", "v1@example.com"]]'}
    refused = admin.post(f"{CONTACTS}/{partner.id}", stale, headers={"Accept": "application/json"})
    assert refused.status_code == 409
    assert refused.get_json()["code"] == "WRITE_CONFLICT" and refused.get_json()["changed"] == ["Email"]
    assert count(web_kernel, "basepartner", [("name", "=", "Versioned")]) == 1
    saved = admin.post(f"{CONTACTS}/{partner.id}", {**stale, "__overwrite": "1"}, headers={"Accept": "application/json"})
    assert saved.status_code == 200 and "notice=Saved" in saved.get_json()["redirect"]
    with web_kernel.env() as env:
        assert env["basepartner"].browse(partner.id).read(["name", "email"])[0] == {
            "id": partner.id, "name": "Versioned Again", "email": "v2@example.com"}


def test_json_rpc_errors_name_the_field_they_are_about(admin: WebClient) -> None:
    answer = admin.json("/web/dataset/call_kw", {"model": "basepartner", "method": "create", "args": [
        {"name": "Bad Phone", "mobile_number": "12ab"}], "kwargs": {}})
    assert answer["error"]["data"]["field"] == "mobile_number"
    assert "'12ab' is not a phone number" in answer["error"]["data"]["message"]

    def field_of(vals: dict[str, Any]) -> Any:
        reply = admin.json("/web/dataset/call_kw", {"model": "basepartner", "method": "create", "args": [vals],
                                                    "kwargs": {}})
        return reply["error"]["data"]["field"]

    assert field_of({"email": "nameless@example.com"}) == "name"  # required
    admin.json("/web/dataset/call_kw", {"model": "basepartner", "method": "create",
                                        "args": [{"name": "Holder", "email": "held@example.com"}], "kwargs": {}})
    assert field_of({"name": "Second", "email": "held@example.com"}) == "email"  # duplicate
    assert field_of({"name": "Bad Mail", "email": "not an address"}) == "email"


def test_name_create_is_refused_where_a_record_made_from_a_name_would_not_work(admin: WebClient,
                                                                                web_kernel: Kernel) -> None:
    answer = admin.json("/web/json/name_create", {"model": "res.company", "name": "From A Name"})
    assert "cannot be created from a name" in answer["error"]["data"]["message"]
    assert count(web_kernel, "res.company", [("name", "=", "From A Name")]) == 0
    made = admin.json("/web/json/name_create", {"model": "basepartnercategory", "name": "From A Name"})
    assert made["result"]["name"] == "From A Name"


def test_a_constraint_on_one_field_is_about_that_field(admin: WebClient) -> None:
    reply = admin.json("/web/dataset/call_kw", {"model": "basepartnercategory", "method": "create",
                                                "args": [{"name": "Loud", "color": 99}], "kwargs": {}})
    assert reply["error"]["data"]["field"] == "color"
    assert "color must be between" in reply["error"]["data"]["message"]
