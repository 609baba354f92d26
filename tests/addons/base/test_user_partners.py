"""Every user has a partner: made with the user, or given to existing users when base is installed or upgraded."""

from __future__ import annotations

import pytest

from kernel.exceptions import AccessError, ValidationError


def test_a_new_user_gets_a_partner_carrying_its_email(env):
    user = env["res.users"].create({"name": "Rina Sales", "login": "rina", "email": "Rina@Example.com"})
    assert user.partner_id.name == "Rina Sales"
    assert user.email == "rina@example.com" == user.partner_id.email
    assert user.partner_id.user_ids == user
    user.write({"email": "rina.s@example.com", "name": "Rina S."})
    assert (user.partner_id.email, user.partner_id.name) == ("rina.s@example.com", "Rina S.")


def test_a_user_may_be_linked_to_an_existing_partner(env):
    partner = env["basepartner"].create({"name": "Portal Person", "email": "pp@example.com"})
    user = env["res.users"].create({"name": "Portal Person", "login": "pp", "partner_id": partner.id})
    assert user.partner_id == partner and user.email == "pp@example.com"


def test_a_user_email_used_by_another_partner_is_refused(env, refused):
    env["basepartner"].create({"name": "Holder", "email": "taken@example.com"})
    error = refused(lambda: env["res.users"].create({"name": "Late", "login": "late", "email": "taken@example.com"}),
                    ValidationError)
    assert error.code == "PARTY_DUPLICATE_CONTACT" and "'Holder'" in str(error)
    assert not env["res.users"].search([("login", "=", "late")])


def test_every_user_has_a_partner_after_install_and_upgrade(env, erp_kernel):
    users = env["res.users"].with_context(active_test=False).search([])
    assert users and all(user.partner_id for user in users)
    assert env.ref("base.user_admin").partner_id.name == "Administrator"


def test_users_without_partner_are_completed_and_only_by_the_installer(env, env_as):
    user = env["res.users"].create({"name": "Old User", "login": "old"})
    orphan_partner = user.partner_id
    users = env["res.users"]._sql  # as a database from before this layer has it
    env.execute(users.update().where(users.c.id == user.id).values(partner_id=None))
    env.transaction.invalidate()
    assert not user.partner_id
    completed = env["res.users"].complete_partners()
    assert user in completed and user.partner_id and user.partner_id != orphan_partner
    assert user.partner_id.name == "Old User"
    with pytest.raises(AccessError):
        env_as("admin")["res.users"].complete_partners()
