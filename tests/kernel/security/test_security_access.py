"""Groups (implied, transitive), model access per operation, the superuser and ``sudo()``, field groups."""

from __future__ import annotations

import logging

import pytest

from kernel import AccessError, ValidationError
from kernel.security.access import user_groups
from kernel.security.setup import unprotected_models, warn_unprotected_models


def test_implied_groups_are_transitive(env):
    manager = env.ref("sec_sales.user_manager")
    assert manager.has_group("sec_sales.group_sales_manager")
    assert manager.has_group("sec_sales.group_sales_rep")  # implied
    assert manager.has_group("base.group_user")  # implied by the implied group
    assert not manager.has_group("base.group_system")
    assert env.ref("base.user_admin").has_group("base.group_user")
    assert not env.ref("sec_sales.user_rep").has_group("sec_sales.group_sales_manager")
    assert not manager.has_group("base.no_such_group")


def test_changing_groups_takes_effect_in_the_same_transaction(env, env_as, names):
    rep = env.ref("sec_sales.user_rep")
    assert not rep.has_group("sec_sales.group_sales_manager")
    rep.write({"group_ids": [(4, env.ref("sec_sales.group_sales_manager").id)]})
    assert rep.has_group("sec_sales.group_sales_manager")
    assert names(env_as("rep")["sec.customer"].search([])) >= {"Umbrella"}


def test_group_cycles_end(env):
    rep_group, manager_group = env.ref("sec_sales.group_sales_rep"), env.ref("sec_sales.group_sales_manager")
    rep_group.write({"implied_ids": [(4, manager_group.id)]})
    assert manager_group.id in user_groups(env, env.ref("sec_sales.user_rep").id)


@pytest.mark.parametrize(("login", "allowed"), [
    ("rep", {"read", "write", "create"}),
    ("manager", {"read", "write", "create", "unlink"}),
    ("admin", {"read", "write", "create", "unlink"}),
])
def test_model_access_per_operation(env, login, allowed, env_as):
    customers = env_as(login)["sec.customer"]
    own = customers.search([("name", "=", "Globex" if login == "manager" else "Wayne")])
    operations = {
        "read": lambda: customers.search([]),
        "write": lambda: own.write({"email": "x@example.com"}),
        "create": lambda: customers.create({"name": "New", "salesman_id": customers.env.uid}),
        "unlink": lambda: own.unlink(),
    }
    for operation, run in operations.items():
        if operation in allowed:
            run()
        else:
            with pytest.raises(AccessError, match=r"not allowed to delete Customer \(sec.customer\) records") as info:
                run()
            assert info.value.code == "ACCESS_MODEL" and info.value.status == 403
    answers = {operation: customers.check_access_rights(operation, raise_exception=False) for operation in operations}
    assert answers == {operation: operation in allowed for operation in operations}, "what Odoo's clients ask"
    if "unlink" not in allowed:
        with pytest.raises(AccessError):
            customers.check_access_rights("unlink")
    with pytest.raises(ValidationError, match="unknown operation 'drop'"):
        customers.check_access_rights("drop")


def test_rows_without_group_apply_to_everyone_and_grant_only_their_permissions(env, env_as):
    tags = env_as("rep")["sec.tag"]
    assert tags.search([]).mapped("name") == ["VIP"]
    with pytest.raises(AccessError, match="not allowed to create Customer Tag"):
        tags.create({"name": "New"})
    env_as("manager")["sec.tag"].create({"name": "By a manager"})


def test_a_model_without_access_rows_is_for_the_superuser_only(env, caplog, env_as):
    assert unprotected_models(env, ["sec_sales", "sec_extra"]) == ["sec.secret"]
    assert env["sec.secret"].search([]).mapped("name") == ["Formula"]
    assert env["sec.secret"].with_user(env.ref("base.user_admin")).sudo().search_count([]) == 1
    for login in ("admin", "manager", "rep"):
        with pytest.raises(AccessError, match=r"not allowed to read Secret \(sec.secret\)"):
            env_as(login)["sec.secret"].search([])
    with caplog.at_level(logging.WARNING, logger="kernel.security.setup"):
        warn_unprotected_models(env, ["sec_sales"])
    assert "model sec.secret (addon sec_sales) has no access rules" in caplog.text


def test_superuser_and_sudo_bypass_everything(env, env_as, names, all_customers):
    assert names(env["sec.customer"].search([])) == all_customers
    rep_env = env_as("rep")
    assert names(rep_env["sec.customer"].sudo().search([])) == all_customers
    rep_env["sec.customer"].sudo().search([("name", "=", "Umbrella")]).unlink()
    assert rep_env["sec.secret"].sudo().search([]).mapped("name") == ["Formula"]
    assert rep_env["sec.customer"].sudo().search([("name", "=", "Acme")]).internal_note == "pays late"


def test_access_rows_change_takes_effect_at_once(env, env_as):
    env["ir.model.access"].create({"name": "secret for reps", "model_id": env.ref("sec_sales.model_sec_secret").id,
                                   "group_id": env.ref("sec_sales.group_sales_rep").id, "perm_read": True})
    assert env_as("rep")["sec.secret"].search([]).mapped("name") == ["Formula"]
    with pytest.raises(AccessError):
        env_as("admin")["sec.secret"].search([])


# -- field groups ---------------------------------------------------------------------------------


def test_restricted_fields_are_absent_from_fields_get(env, env_as):
    rep_fields = set(env_as("rep")["sec.customer"].fields_get())
    assert "credit_limit" not in rep_fields and "internal_note" not in rep_fields and "name" in rep_fields
    manager_fields = set(env_as("manager")["sec.customer"].fields_get())
    assert "credit_limit" in manager_fields and "internal_note" not in manager_fields
    admin_fields = set(env_as("admin")["sec.customer"].fields_get())
    assert "internal_note" in admin_fields and "credit_limit" not in admin_fields
    assert "password" not in env_as("rep")["res.users"].fields_get()


def test_restricted_fields_cannot_be_read(env, env_as):
    customers = env_as("rep")["sec.customer"]
    acme = customers.search([("name", "=", "Acme")])
    assert "credit_limit" not in acme.read()[0] and acme.read()[0]["name"] == "Acme"
    with pytest.raises(AccessError, match="field 'credit_limit' of Customer"):
        acme.read(["name", "credit_limit"])
    with pytest.raises(AccessError, match="field 'internal_note'"):
        acme.internal_note  # noqa: B018
    with pytest.raises(AccessError, match="field 'credit_limit'"):
        customers.search_read([], ["credit_limit"])
    with pytest.raises(AccessError, match="field 'password'"):
        env_as("rep").user.with_env(env_as("rep")).password  # noqa: B018


def test_restricted_fields_cannot_be_written(env, env_as):
    customers = env_as("rep")["sec.customer"]
    acme = customers.search([("name", "=", "Acme")])
    with pytest.raises(AccessError, match="not allowed to modify the field 'credit_limit'"):
        acme.write({"credit_limit": 1})
    with pytest.raises(AccessError, match="field 'internal_note'"):
        customers.create({"name": "Sneaky", "internal_note": "x", "salesman_id": customers.env.uid})
    manager_acme = acme.with_env(env_as("manager"))
    manager_acme.write({"credit_limit": 700})
    assert manager_acme.credit_limit == 700



def test_init_sets_the_admin_password_once(erp_kernel):
    with erp_kernel.env() as env:
        assert env["res.users"].authenticate("admin", "admin") == env.ref("base.user_admin").id
    erp_kernel.init(admin_password="changed")  # idempotent: the database exists, the password stays
    with erp_kernel.env() as env:
        assert env["res.users"].authenticate("admin", "admin") == env.ref("base.user_admin").id
    with erp_kernel.env(login="admin") as env:
        assert not env.su and env.user.login == "admin" and env.company == env.ref("base.main_company")


def test_installing_a_model_without_access_rows_logs_a_warning(kernel_factory, caplog, erp_addons_path):
    kernel = kernel_factory(erp_addons_path)
    kernel.init()
    with caplog.at_level(logging.WARNING, logger="kernel.security.setup"):
        kernel.install(["sec_sales"])
    warnings = [record.getMessage() for record in caplog.records if record.name == "kernel.security.setup"]
    assert warnings == ["model sec.secret (addon sec_sales) has no access rules (ir.model.access): "
                        "only the superuser can use it"]


def test_copying_leaves_out_the_fields_the_user_may_not_see(env, env_as):
    acme = env_as("rep")["sec.customer"].search([("name", "=", "Acme")])
    copy = acme.copy({"name": "Acme (copy)"})
    assert copy.sudo().internal_note is False and copy.sudo().email == acme.sudo().email
    assert env["sec.customer"].search([("name", "=", "Acme")]).internal_note == "pays late"
