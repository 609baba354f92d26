"""The partner master in Indonesian: labels, view strings, menus and locale formats for an ``id`` user."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from lxml import etree

from kernel.i18n import format_date, format_number


def test_an_indonesian_user_reads_indonesian_labels_views_and_menus(env: Any) -> None:
    indonesian = env(context={"lang": "id"})
    labels = indonesian["basepartner"].fields_get(["city", "zip", "country_id", "email"])
    assert {name: label["string"] for name, label in labels.items()} == {
        "city": "Kota", "zip": "Kode Pos", "country_id": "Negara", "email": "Email"}
    arch = etree.fromstring(indonesian["ir.ui.view"].get_view("basepartner", "form")["arch"])
    pages = {page.get("name"): page.get("string") for page in arch.iter("page")}
    assert pages["address"] == "Alamat" and pages["categories"] == "Kategori"
    menus = [menu["name"] for menu in indonesian["ir.ui.menu"].load_menus()]
    assert "Kontak" in menus
    assert env["basepartner"].fields_get(["city"])["city"]["string"] == "City", "English stays the default"


def test_dates_and_numbers_follow_the_indonesian_locale() -> None:
    assert format_date(dt.date(2026, 8, 17), "id") == "17 Agu 2026"
    assert format_number(Decimal("2500000.5"), "id", digits=2) == "2.500.000,50"
