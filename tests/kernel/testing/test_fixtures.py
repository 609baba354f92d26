"""The test kit's fixtures as an addon's tests use them: the module's kernel, ``env``, ``env_as``, ``erp_server``."""

from __future__ import annotations

import urllib.request
import xmlrpc.client
from pathlib import Path

import pytest

from kernel.config import PROJECT_ROOT
from kernel.exceptions import AccessError
from kernel.testing import addon_folder, rollback_env


@pytest.fixture(scope="module")
def erp_addons() -> list[str]:
    return ["core_purchase"]


def test_the_module_kernel_holds_the_addons_asked_for(erp_kernel):
    assert {"base", "core_purchase"} <= set(erp_kernel.installed())
    assert erp_kernel.url.startswith(("sqlite", "postgresql"))


def test_env_is_the_superuser_in_a_transaction_rolled_back_at_its_end(erp_kernel, env):
    assert env.su and env.uid == 1
    env["basepartner"].create({"name": "Only In This Test"})
    with rollback_env(erp_kernel) as other:  # another connection: sees nothing uncommitted
        assert not other["basepartner"].search([("name", "=", "Only In This Test")])


def test_env_as_runs_in_the_same_transaction_as_the_user(env, env_as):
    user = env["res.users"].create({"name": "Clerk", "login": "clerk", "password": "clerk-pw",
                                    "group_ids": [(6, 0, [env.ref("base.group_user").id])]})
    partner = env["basepartner"].create({"name": "Seen By The Clerk"})
    clerk = env_as("clerk", lang="id")
    assert (clerk.uid, clerk.su, clerk.context["lang"]) == (user.id, False, "id")
    assert clerk["basepartner"].browse(partner.id).name == "Seen By The Clerk"
    with pytest.raises(AccessError):
        clerk["ir.config_parameter"].search([])


def test_env_as_an_unknown_login_names_the_users(env_as):
    with pytest.raises(LookupError, match=r"no user with login 'nobody'; the users are: .*admin"):
        env_as("nobody")


def test_the_server_serves_the_module_database(erp_server):
    with urllib.request.urlopen(f"{erp_server.url}/healthz", timeout=10) as response:
        assert response.status == 200
    with xmlrpc.client.ServerProxy(f"{erp_server.url}/xmlrpc/2/common") as common:
        uid = common.authenticate(erp_server.db, "admin", "admin", {})
    with erp_server.kernel.env() as env:
        assert uid == env.ref("base.user_admin").id
    with xmlrpc.client.ServerProxy(f"{erp_server.url}/xmlrpc/2/object") as models:
        assert models.execute_kw(erp_server.db, uid, "admin", "ir.module", "search_count",
                                 [[("name", "=", "core_purchase"), ("state", "=", "installed")]]) == 1


def test_a_test_file_belongs_to_the_addon_folder_holding_it():
    assert addon_folder(PROJECT_ROOT / "addons" / "core_purchase" / "models" / "partner.py") == \
        PROJECT_ROOT / "addons" / "core_purchase"
    assert addon_folder(Path(__file__)) is None
