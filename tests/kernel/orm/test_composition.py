"""Models composed across addons: layer order, super() chains, copies, mixins, and layer removal."""

from __future__ import annotations

from pathlib import Path

import pytest
import sqlalchemy as sa

from kernel import ModelDefinitionError, ValidationError
from kernel.models import CORE_MODELS
from kernel.orm import AbstractModel, Model, api, fields
from kernel.orm.registry import Registry
from kernel.testing import rollback_env

ORM_ADDONS = Path(__file__).resolve().parents[2] / "fixtures" / "orm_addons"


@pytest.fixture
def layered(kernel_factory):
    kernel = kernel_factory([ORM_ADDONS])
    kernel.init()
    kernel.install(["orm_b", "orm_c"])
    return kernel


def test_last_installed_layer_comes_first_and_super_chains_in_install_order(layered):
    assert layered.installed() == ["base", "orm_a", "orm_b", "orm_c"]
    thing = layered.registry["test.thing"]
    layers = [cls.__module__.rsplit(".", 1)[-1] for cls in thing.__mro__[1:4]]
    assert layers == ["orm_c", "orm_b", "orm_a"]
    assert thing._layers == ("orm_a", "orm_b", "orm_c")
    with rollback_env(layered) as env:
        assert env["test.thing"].describe() == ["a", "b", "c"]


def test_later_layers_change_field_attributes_and_add_fields(layered):
    fields_ = layered.registry["test.thing"]._fields
    assert fields_["size"].string == "Size (b)" and fields_["size"].required
    assert {"b_code", "c_flag"} <= set(fields_)
    assert fields_["b_code"].addon == "orm_b" and fields_["size"].addon == "orm_a"
    with rollback_env(layered) as env:
        thing = env["test.thing"].create({"name": "Box"})
        assert thing.size == 7, "the default added by a later layer applies"
        assert thing.name == "Box [a]", "the create override of the first layer ran through super()"


def test_a_prototype_copy_gets_every_layer_and_its_mixins(layered):
    copy = layered.registry["test.thing.copy"]
    assert copy._table == "test_thing_copy"
    assert {"name", "size", "b_code", "c_flag", "stamp", "extra"} <= set(copy._fields)
    with rollback_env(layered) as env:
        record = env["test.thing.copy"].create({"name": "Twin"})
        assert record.stamp == "stamped" and record.describe() == ["a", "b", "c"]
        assert not env["test.thing"].search([("name", "like", "Twin")]), "a copy has its own table"


def test_uninstalling_an_addon_removes_its_layer_and_its_columns(layered):
    with layered.env() as env:
        env["test.thing"].create([{"name": "Box", "b_code": "B1"}, {"name": "Bag", "c_flag": True}])
    layered.uninstall(["orm_b"])
    thing = layered.registry["test.thing"]
    assert "b_code" not in thing._fields
    assert thing._fields["size"].string == "Size" and not thing._fields["size"].required
    with layered.engine.connect() as connection:
        columns = {column["name"] for column in sa.inspect(connection).get_columns("test_thing")}
        rows = connection.execute(sa.text("SELECT name, size, c_flag FROM test_thing ORDER BY id")).all()
    assert "b_code" not in columns and {"size", "c_flag"} <= columns, "orm_b's own column only"
    assert [tuple(row) for row in rows] == [("Box [a]", 7, None), ("Bag [a]", 7, True)], "every row kept"
    with rollback_env(layered) as env:
        assert env["test.thing"].describe() == ["a", "c"]
        assert env["test.thing"].search([]).mapped("name") == ["Box [a]", "Bag [a]"]


def test_install_order_does_not_change_the_composed_model(kernel_factory):
    kernel = kernel_factory([ORM_ADDONS])
    kernel.init()
    kernel.install(["orm_c"])
    kernel.install(["orm_b"])
    with rollback_env(kernel) as env:
        assert env["test.thing"].describe() == ["a", "b", "c"]


def _registry(*classes: type) -> Registry:
    return Registry([("base", CORE_MODELS), ("extra", list(classes))])


def test_extending_an_unknown_model_names_addon_and_model():
    class Ghost(Model):
        _inherit = "no.such.model"

    with pytest.raises(ModelDefinitionError, match=r"addon 'extra', model 'no.such.model'"):
        _registry(Ghost)


def test_redefining_a_field_with_another_type_names_the_field():
    class Bad(Model):
        _inherit = "res.users"
        login = fields.Integer()

    with pytest.raises(ModelDefinitionError, match=r"model 'res.users', field 'login'.*Integer.*Char"):
        _registry(Bad)


def test_depends_on_an_unknown_field_names_it():
    class Bad(Model):
        _name = "test.bad"
        total = fields.Integer(compute="_compute_total")

        @api.depends("nope")
        def _compute_total(self):
            pass

    with pytest.raises(ModelDefinitionError, match=r"model 'test.bad', field 'total'.*'nope'"):
        _registry(Bad)


def test_unknown_comodel_and_bad_inverse_are_refused():
    class Dangling(Model):
        _name = "test.dangling"
        other_id = fields.Many2one("no.such")

    with pytest.raises(ModelDefinitionError, match="unknown comodel 'no.such'"):
        _registry(Dangling)

    class BadInverse(Model):
        _name = "test.badinverse"
        user_ids = fields.One2many("res.users", "nope")

    with pytest.raises(ModelDefinitionError, match="inverse_name 'nope'"):
        _registry(BadInverse)


def test_defining_a_model_twice_is_refused():
    class Again(Model):
        _name = "res.users"

    with pytest.raises(ModelDefinitionError, match="already defined"):
        _registry(Again)


def test_abstract_mixins_have_no_table_but_lend_fields():
    class Mixin(AbstractModel):
        _name = "test.mixin"
        note = fields.Char(default="n")

    class User(Model):
        _name = "test.mixed"
        _inherit = ["test.mixin"]
        name = fields.Char()

    registry = _registry(Mixin, User)
    assert "test_mixin" not in registry.metadata.tables
    assert "note" in registry["test.mixed"]._fields
    assert registry["test.mixed"]._fields["note"].model_name == "test.mixed"


def test_a_registry_holds_the_kernel_models():
    """How fast it builds is measured by scripts/bench_orm.py, not asserted here."""
    registry = _registry()
    assert set(registry) >= {"ir.model", "ir.model.fields", "ir.module", "ir.model.data", "ir.sequence", "res.users"}


def test_a_later_addon_extends_a_selection(layered):
    field = layered.registry["test.thing"]._fields["kind"]
    with rollback_env(layered) as env:
        assert [value for value, _ in field.get_selection(env["test.thing"])] == ["small", "large", "huge"]
        assert env["test.thing"].create({"name": "big", "kind": "huge"}).kind == "huge"
    layered.uninstall(["orm_b"])
    with rollback_env(layered) as env:
        with pytest.raises(ValidationError, match="one of 'small', 'large'"):
            env["test.thing"].create({"name": "big", "kind": "huge"})


def test_tracking_is_refused_on_a_model_without_a_change_log():
    class Tracked(Model):
        _name = "test.tracked"
        name = fields.Char(tracking=True)

    with pytest.raises(ModelDefinitionError,
                       match=r"addon 'extra', model 'test.tracked', field 'name' \(.*test_composition.py\): "
                             r"tracking=.*has none; make it inherit 'mail.thread'"):
        _registry(Tracked)


def test_tracking_is_accepted_on_a_model_inheriting_a_change_log_mixin():
    class Log(AbstractModel):
        _name = "test.log"
        _supports_tracking = True

    class Tracked(Model):
        _name = "test.tracked"
        _inherit = ["test.log"]
        name = fields.Char(tracking=True)

    assert _registry(Log, Tracked)["test.tracked"]._fields["name"].tracking is True


def test_an_unknown_field_argument_names_model_field_file_and_the_close_argument():
    class Typo(Model):
        _name = "test.typo"
        name = fields.Char(requierd=True)

    with pytest.raises(ModelDefinitionError, match=r"addon 'extra', model 'test.typo', field 'name' "
                                                   r"\(.*test_composition.py\): Char does not accept argument "
                                                   r"'requierd'; did you mean 'required'\?"):
        _registry(Typo)
