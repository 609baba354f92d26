"""Custom fields: added at run time with a column and a place in the views, seen by every process, kept by
upgrades, removed with their column; bad requests are refused and change nothing."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa

from kernel import Kernel, ValidationError
from kernel.cli import main
from kernel.testing import database_backends, installed_kernel
from kernel.views import get_view

ADDONS = Path(__file__).resolve().parents[2] / "addons"


@pytest.fixture(scope="module", params=database_backends())
def kernel(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Kernel]:
    """A committed database holding base (custom fields change the schema: no rolled-back test transaction)."""
    with installed_kernel(request.param, tmp_path_factory.mktemp("custom"), [ADDONS], ["base"]) as made:
        yield made


def columns(kernel: Kernel, table: str) -> set[str]:
    with kernel.engine.connect() as connection:
        return {column["name"] for column in sa.inspect(connection).get_columns(table)}


def sequence(kernel: Kernel) -> int:
    return int(kernel.get_parameter("registry.sequence") or 0)


def test_a_custom_field_gets_a_column_views_and_reaches_other_processes(kernel: Kernel) -> None:
    before = sequence(kernel)
    with kernel.env() as env:
        row = kernel.add_custom_field(env, "basepartner", "x_loyalty", "selection", "Loyalty Level",
                                      "gold:Gold,silver:Silver")
        assert (row.state, row.ttype, row.field_description) == ("manual", "selection", "Loyalty Level")
        partner = env["basepartner"].create({"name": "Custom Holder", "x_loyalty": "gold"})
        admin = env(uid=env.ref("base.user_admin").id, su=False)
        for view_type in ("form", "list"):
            assert 'name="x_loyalty"' in get_view(admin, "basepartner", view_type)["arch"]
    assert "x_loyalty" in columns(kernel, "basepartner")
    assert sequence(kernel) == before + 1  # the other workers' signal
    other = Kernel(kernel.url, addons_path=[ADDONS])  # another process: builds its registry from the database
    with other.env() as env:
        assert env["basepartner"].browse(partner.id).x_loyalty == "gold"
        assert [tuple(pair) for pair in env["basepartner"].fields_get(["x_loyalty"])["x_loyalty"]["selection"]] == [
            ("gold", "Gold"), ("silver", "Silver")]
    other.close()
    kernel.upgrade(["base"])  # an upgrade keeps the field, its column and its values
    with kernel.env() as env:
        assert env["basepartner"].browse(partner.id).x_loyalty == "gold"


def test_a_many2one_custom_field_and_its_removal_with_the_column(kernel: Kernel) -> None:
    with kernel.env() as env:
        kernel.add_custom_field(env, "basepartner", "x_account_manager", "many2one", relation="res.users")
        env["basepartner"].create({"name": "Managed", "x_account_manager": env.ref("base.user_admin").id})
    assert "x_account_manager" in columns(kernel, "basepartner")
    before = sequence(kernel)
    with kernel.env() as env:
        env["ir.model.fields"].search([("model", "=", "basepartner"), ("name", "=", "x_account_manager")]).unlink()
        assert "x_account_manager" not in env["basepartner"]._fields
        admin = env(uid=env.ref("base.user_admin").id, su=False)
        assert "x_account_manager" not in get_view(admin, "basepartner", "form")["arch"]
    assert "x_account_manager" not in columns(kernel, "basepartner")
    assert sequence(kernel) == before + 1


@pytest.mark.parametrize(("args", "message"), [
    (("basepartner", "loyalty", "char"), "must start with 'x_'"),
    (("basepartner", "x_Bad-Name", "char"), "must start with 'x_'"),
    (("no.such.model", "x_a", "char"), "unknown model 'no.such.model'"),
    (("basepartner", "x_a", "json"), "unknown field type 'json'"),
    (("basepartner", "name", "char"), "must start with 'x_'"),
    (("basepartner", "x_level", "selection"), "needs its values"),
    (("basepartner", "x_owner", "many2one"), "needs a stored related model"),
    (("basepartner", "x_rate", "float", None, None, "res.users"), "only a many2one field takes a related model"),
    (("basepartner.category.wizard", "x_a", "char"), "has no table of its own"),
])
def test_bad_requests_are_refused_naming_what_is_wrong(kernel: Kernel, args: tuple[Any, ...], message: str) -> None:
    before = (sequence(kernel), columns(kernel, "basepartner"))
    with pytest.raises(ValidationError, match=message), kernel.env() as env:
        kernel.add_custom_field(env, *args)
    assert (sequence(kernel), columns(kernel, "basepartner")) == before


def test_an_existing_name_and_a_field_of_an_addon_are_refused(kernel: Kernel) -> None:
    with kernel.env() as env:
        kernel.add_custom_field(env, "basepartner", "x_twice", "integer")
    with pytest.raises(ValidationError, match="already has a field 'x_twice'"), kernel.env() as env:
        kernel.add_custom_field(env, "basepartner", "x_twice", "char")
    with pytest.raises(ValidationError, match="not a custom field"), kernel.env() as env:
        kernel.remove_custom_field(env, "basepartner", "email")
    with pytest.raises(ValidationError, match="has no field 'x_never'"), kernel.env() as env:
        kernel.remove_custom_field(env, "basepartner", "x_never")
    with kernel.env() as env:
        kernel.remove_custom_field(env, "basepartner", "x_twice")


def test_erp_field_add_list_and_remove(kernel: Kernel, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--db", kernel.url, "field", "add", "basepartner", "x_since", "date", "--label", "Customer Since"]) == 0
    assert "added basepartner.x_since (date, column basepartner.x_since)" in capsys.readouterr().out
    assert main(["--db", kernel.url, "field", "list", "basepartner"]) == 0
    assert "basepartner\tx_since\tdate" in capsys.readouterr().out
    assert main(["--db", kernel.url, "field", "add", "basepartner", "since", "date"]) == 1
    assert "must start with 'x_'" in capsys.readouterr().err
    assert main(["--db", kernel.url, "field", "remove", "basepartner", "x_since"]) == 0
    assert "x_since" not in columns(kernel, "basepartner")
