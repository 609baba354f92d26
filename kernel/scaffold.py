"""``erp scaffold NAME``: a new addon that installs, upgrades, uninstalls and passes its own tests as written.

The skeleton holds one model (a stored compute, a constraint), its access
rows, its form, list and search views, an action and a menu, an Indonesian
catalogue for every string it shows, and a test module that the test kit
(``kernel.testing``) runs, the conformance suite included.
"""

from __future__ import annotations

import keyword
import re
from pathlib import Path
from string import Template

from .exceptions import KernelError

NAME_PATTERN = re.compile(r"[a-z][a-z0-9_]*\Z")

MANIFEST = '''{
    "name": "$title",
    "version": "1.0",
    "summary": "$title records: a name, a quantity, a unit price and their total",
    "category": "Uncategorized",
    "depends": ["base"],
    "data": [
        "security/ir.model.access.csv",
        "views/${name}_views.xml",
    ],
    "application": True,
    "license": "LGPL-3",
}
'''

INIT = '''"""$title: hook implementations of the addon (the kernel calls the functions named ``kernel_*``)."""

from __future__ import annotations

from .models.record import Record


def kernel_models() -> list[type]:
    return [Record]
'''

MODELS_INIT = '''"""The models of $title."""
'''

MODEL = '''"""A $title record: what it is, how many, at which unit price, and the total they make."""

from __future__ import annotations

from decimal import Decimal

from kernel import Model, ValidationError, api, fields


class Record(Model):
    _name = "$name.record"
    _description = "$title Record"
    _order = "name, id"

    name = fields.Char("Name", required=True, index=True)
    description = fields.Text("Description")
    quantity = fields.Integer("Quantity", default=1)
    unit_price = fields.Decimal("Unit Price", digits=(16, 2), default=0)
    total = fields.Decimal("Total", digits=(16, 2), compute="_compute_total", store=True)
    active = fields.Boolean("Active", default=True)

    @api.depends("quantity", "unit_price")
    def _compute_total(self) -> None:
        for record in self:
            record.total = (record.unit_price or Decimal(0)) * (record.quantity or 0)

    @api.constrains("quantity")
    def _check_quantity(self) -> None:
        for record in self:
            if record.quantity < 0:
                raise ValidationError(self.env._("The quantity of %(name)s cannot be negative.", name=record.name))
'''

ACCESS = '''id,name,model_id:id,group_id:id,perm_read,perm_write,perm_create,perm_unlink
access_${name}_record_user,$name.record user,model_${name}_record,base.group_user,1,1,1,1
'''

VIEWS = '''<?xml version="1.0" encoding="utf-8"?>
<odoo>
    <record id="view_${name}_record_form" model="ir.ui.view">
        <field name="name">$name.record.form</field>
        <field name="model">$name.record</field>
        <field name="arch" type="xml">
            <form string="$title Record">
                <sheet>
                    <h1><field name="name"/></h1>
                    <group>
                        <field name="quantity"/>
                        <field name="unit_price"/>
                        <field name="total"/>
                        <field name="active"/>
                    </group>
                    <field name="description" placeholder="Description"/>
                </sheet>
            </form>
        </field>
    </record>

    <record id="view_${name}_record_list" model="ir.ui.view">
        <field name="name">$name.record.list</field>
        <field name="model">$name.record</field>
        <field name="arch" type="xml">
            <list string="$title Records">
                <field name="name"/>
                <field name="quantity"/>
                <field name="unit_price"/>
                <field name="total"/>
            </list>
        </field>
    </record>

    <record id="view_${name}_record_search" model="ir.ui.view">
        <field name="name">$name.record.search</field>
        <field name="model">$name.record</field>
        <field name="arch" type="xml">
            <search>
                <field name="name"/>
                <filter name="archived" string="Archived" domain="[('active', '=', False)]"/>
            </search>
        </field>
    </record>

    <record id="action_${name}_records" model="ir.actions.window">
        <field name="name">$title Records</field>
        <field name="res_model">$name.record</field>
        <field name="view_mode">list,form</field>
    </record>

    <menuitem id="menu_${name}_root" name="$title" sequence="90" groups="base.group_user">
        <menuitem id="menu_${name}_records" action="action_${name}_records" sequence="1"/>
    </menuitem>
</odoo>
'''

INDONESIAN = '''# Indonesian translations of $title.
msgid ""
msgstr ""
"Project-Id-Version: $title 1.0\\n"
"Language: id\\n"
"MIME-Version: 1.0\\n"
"Content-Type: text/plain; charset=utf-8\\n"
"Content-Transfer-Encoding: 8bit\\n"

msgid "$title"
msgstr "$title"

msgid "$title Record"
msgstr "Catatan $title"

msgid "$title Records"
msgstr "Catatan $title"

msgid "Name"
msgstr "Nama"

msgid "Description"
msgstr "Deskripsi"

msgid "Quantity"
msgstr "Jumlah"

msgid "Unit Price"
msgstr "Harga Satuan"

msgid "Total"
msgstr "Total"

msgid "Active"
msgstr "Aktif"

msgid "Archived"
msgstr "Diarsipkan"

msgid "The quantity of %(name)s cannot be negative."
msgstr "Jumlah %(name)s tidak boleh negatif."
'''

TESTS = '''"""Tests of $title, run by ``pytest`` with the ERP's test kit (``kernel.testing``).

The kit installs this addon once per test module on SQLite (and on PostgreSQL
when ERP_TEST_PG_URL is set); each test's ``env`` is rolled back at its end.
"""

from __future__ import annotations

from decimal import Decimal

import pytest

from kernel import ValidationError
from kernel.testing import AddonConformance

MODEL = "$name.record"


class TestConformance(AddonConformance):
    """The kernel's conformance checks on this addon: access, company rules, views, menus, upgrade, uninstall."""


def test_the_total_is_the_quantity_times_the_unit_price(env):
    record = env[MODEL].create({"name": "First", "quantity": 3, "unit_price": "2.50"})
    assert record.total == Decimal("7.50")
    record.quantity = 4
    assert record.total == Decimal("10.00")


def test_a_negative_quantity_is_refused_with_its_reason(env):
    with pytest.raises(ValidationError, match="cannot be negative"):
        env[MODEL].create({"name": "Wrong", "quantity": -1})


def test_an_employee_uses_the_records(env, env_as):
    env["res.users"].create({"name": "Employee", "login": "employee", "password": "employee-password",
                             "group_ids": [(6, 0, [env.ref("base.group_user").id])]})
    employee = env_as("employee")
    record = employee[MODEL].create({"name": "Mine", "quantity": 2})
    assert employee[MODEL].search([("name", "=", "Mine")]) == record


def test_an_indonesian_user_reads_the_screens_in_indonesian(env):
    indonesian = env(context={**env.context, "lang": "id"})
    assert indonesian._("Quantity") == "Jumlah"
    view = indonesian["ir.ui.view"].get_view(MODEL, "form")
    assert 'string="Catatan $title"' in view["arch"]
'''

FILES = {
    "__manifest__.py": MANIFEST,
    "__init__.py": INIT,
    "models/__init__.py": MODELS_INIT,
    "models/record.py": MODEL,
    "security/ir.model.access.csv": ACCESS,
    "views/${name}_views.xml": VIEWS,
    "i18n/id.po": INDONESIAN,
    "tests/test_${name}.py": TESTS,
}


def check_addon_name(name: str) -> None:
    """Refuse a name that cannot be an addon's: it becomes a Python package and a prefix of external ids."""
    if not NAME_PATTERN.match(name) or keyword.iskeyword(name):
        raise KernelError(f"invalid addon name {name!r}: use lower-case letters, digits and underscores, "
                          f"starting with a letter (e.g. 'fleet_care')")


def scaffold(name: str, folder: Path) -> Path:
    """Write the skeleton of addon ``name`` into ``folder/name``; returns that folder. Never overwrites."""
    check_addon_name(name)
    target = folder / name
    if target.exists():
        raise KernelError(f"{target} already exists: choose another name or --path; nothing was written")
    if not folder.is_dir():
        raise KernelError(f"folder {folder} does not exist; nothing was written")
    values = {"name": name, "title": name.replace("_", " ").title()}
    for relative, text in FILES.items():
        path = target / Template(relative).substitute(values)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(Template(text).substitute(values))
    return target
