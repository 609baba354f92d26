"""Translations and locale formats: Indonesian labels, dates and numbers for an Indonesian user."""

from __future__ import annotations

import datetime as dt
import os
import shutil
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

from kernel import KernelError
from kernel.i18n import Translations, extract, format_amount, format_date, format_datetime, format_number
from kernel.testing import rollback_env

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "data_addons"


@pytest.fixture
def library(kernel_factory, tmp_path):
    shutil.copytree(FIXTURES, tmp_path / "addons")
    kernel = kernel_factory([tmp_path / "addons"])
    kernel.init()
    kernel.install(["library"])
    return kernel


def test_labels_are_shown_in_the_users_language(library):
    with rollback_env(library, context={"lang": "id"}) as env:
        description = env["library.book"].fields_get(["pages", "available", "price"])
        assert description["pages"]["string"] == "Halaman"
        assert description["available"]["string"] == "Tersedia"
        assert description["price"]["string"] == "Price", "fuzzy entries are not used"
        assert env._("%(count)s books found", count=3) == "3 buku ditemukan"
    with rollback_env(library, context={"lang": "id_ID"}) as env:
        assert env._("Books") == "Buku", "a regional language falls back to its base language"
    with rollback_env(library) as env:
        assert env["library.book"].fields_get(["pages"])["pages"]["string"] == "Pages"


def test_languages_and_view_translation(library):
    translations = library.translations
    assert translations.languages() == ["en_US", "id"]
    from lxml import etree

    arch = translations.translate_arch(etree.fromstring('<form string="Books"><label string="Pages"/>Books</form>'), "id")
    assert arch.get("string") == "Buku" and arch[0].get("string") == "Halaman" and arch[0].tail == "Buku"


def test_locale_formats():
    day = dt.date(2026, 11, 23)
    assert format_date(day, "id") == "23 Nov 2026"
    assert format_date(day, "en_US") == "Nov 23, 2026"
    assert format_number(Decimal("1234567.891"), "id", digits=2) == "1.234.567,89"
    assert format_number(Decimal("1234567.891"), "en_US", digits=2) == "1,234,567.89"
    assert format_amount(Decimal("15000"), "id", "IDR") == "Rp15.000", "CLDR shows rupiah without cents"
    assert format_amount(Decimal("15000.5"), "en_US", "USD") == "$15,000.50"
    moment = dt.datetime(2026, 11, 23, 2, 30)
    assert format_datetime(moment, "id", "Asia/Jakarta") == "23 Nov 2026 09.30.00", "stored in UTC, shown in the user's time zone"
    assert format_date(None, "id") == "" and format_number(None, "id") == ""


def test_extraction_collects_fields_views_menus_and_code(library):
    manifest = library.manifests["library"]
    catalog = extract(manifest, library.registry)
    ids = {message.id for message in catalog if message.id}
    assert {"Pages", "Available", "Isbn", "Books", "Library"} <= ids
    assert "Name" in ids


def test_a_broken_catalog_is_a_clear_error(tmp_path):
    addon = tmp_path / "broken"
    (addon / "i18n").mkdir(parents=True)
    (addon / "__manifest__.py").write_text("{'name': 'Broken'}")
    (addon / "i18n" / "id.po").write_bytes(b'msgid "a"\nmsgstr "b\n\n\xff\xfe')
    from kernel.manifest import read_manifest

    translations = Translations([read_manifest(addon)])
    with pytest.raises(KernelError, match="cannot be read"):
        translations.catalog("id")


def test_template_round_trips_through_babel(library, tmp_path):
    from kernel.i18n import write_template

    target = write_template(extract(library.manifests["library"], library.registry), tmp_path / "library.pot")
    with target.open("rb") as handle:
        assert "Pages" in read_po(handle)


# -- the i18n command ------------------------------------------------------------------------------

VIEW_FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "view_addons"
ERP = Path(sys.executable).with_name("erp")


def erp(db_url, addons, *args):
    env = {key: value for key, value in os.environ.items() if not key.startswith("ERP_")}
    command = [str(ERP), "--db", db_url, "--addons-path", str(addons), "-q", *args]
    return subprocess.run(command, capture_output=True, text=True, env=env, timeout=120)


def messages(path):
    with path.open("rb") as handle:
        return {message.id: message for message in read_po(handle) if message.id}


def test_i18n_extract_and_update_through_the_command(db_url, tmp_path):
    addons = tmp_path / "addons"
    shutil.copytree(VIEW_FIXTURES, addons)
    assert erp(db_url, addons, "init").returncode == 0
    assert erp(db_url, addons, "install", "shelf", "--noinput").returncode == 0
    i18n_dir = addons / "shelf" / "i18n"

    extracted = erp(db_url, addons, "i18n", "extract", "shelf")
    assert extracted.returncode == 0, extracted.stderr
    assert extracted.stdout.startswith(f"wrote {i18n_dir / 'shelf.pot'} (")
    template = messages(i18n_dir / "shelf.pot")
    assert {"Restock", "Item", "Code", "Items", "Shelf", "Configuration"} <= set(template)
    assert not any(message.string for message in template.values())
    elsewhere = erp(db_url, addons, "i18n", "extract", "shelf", "-o", str(tmp_path / "out.pot"))
    assert elsewhere.returncode == 0 and set(messages(tmp_path / "out.pot")) == set(template)

    updated = erp(db_url, addons, "i18n", "update", "shelf", "--lang", "id")
    assert updated.returncode == 0, updated.stderr
    assert f"updated {i18n_dir / 'id.po'} (3 of {len(template)} messages translated)" in updated.stdout
    catalog = messages(i18n_dir / "id.po")
    assert catalog["Restock"].string == "Isi Ulang", "translators' work is kept"
    assert catalog["Code"].string == "" and set(catalog) >= set(template)

    created = erp(db_url, addons, "i18n", "update", "shelf", "--lang", "pt_BR")
    assert created.returncode == 0 and set(messages(i18n_dir / "pt_BR.po")) == set(template)


def test_i18n_command_errors(db_url, tmp_path):
    addons = tmp_path / "addons"
    shutil.copytree(VIEW_FIXTURES, addons)
    assert erp(db_url, addons, "init").returncode == 0
    for args, message in [
        (("i18n", "extract", "shelf"), "addon 'shelf' is not installed"),
        (("i18n", "update", "shelf", "--lang", "id"), "run `erp i18n extract` first"),
        (("i18n", "update", "nothere", "--lang", "id"), "no addon 'nothere' on the addons path"),
    ]:
        result = erp(db_url, addons, *args)
        assert (result.returncode, result.stdout) == (1, ""), args
        assert message in result.stderr
    (addons / "shelf" / "i18n" / "shelf.pot").write_text('msgid ""\nmsgstr ""\n')
    result = erp(db_url, addons, "i18n", "update", "shelf", "--lang", "xx_QQ")
    assert result.returncode == 1 and "unknown language 'xx_QQ'" in result.stderr
    assert erp(db_url, addons, "i18n", "update", "shelf").returncode == 2, "--lang is required"
