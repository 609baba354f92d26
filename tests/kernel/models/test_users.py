"""Users' passwords: stored as Argon2 hashes, checked with one message for every failure."""

from __future__ import annotations

import pytest

from kernel import AccessError
from kernel.testing import rollback_env


def test_passwords_are_hashed_and_checked(kernel):
    with rollback_env(kernel) as env:
        user = env["res.users"].create({"name": "Rep", "login": "rep", "password": "s3cret"})
        assert user.password.startswith("$argon2") and "s3cret" not in user.password
        assert env["res.users"].authenticate("rep", "s3cret") == user.id
        assert user.read(["login", "password"]) == [{"id": user.id, "login": "rep", "password": False}]
        assert all(row["password"] is False for row in env["res.users"].search_read([], ["password"])), "hashes stay inside"
        user.write({"password": "changed"})
        assert env["res.users"].authenticate("rep", "changed") == user.id


@pytest.mark.parametrize(("login", "password"), [("rep", "wrong"), ("nobody", "s3cret"), ("rep", ""), ("", ""), ("norights", "")])
def test_every_failed_login_reads_the_same(kernel, login, password):
    with rollback_env(kernel) as env:
        env["res.users"].create([{"name": "Rep", "login": "rep", "password": "s3cret"},
                                 {"name": "No password", "login": "norights"}])
        with pytest.raises(AccessError, match="^Wrong login/password$"):
            env["res.users"].authenticate(login, password)


def test_archived_users_cannot_log_in(kernel):
    with rollback_env(kernel) as env:
        user = env["res.users"].create({"name": "Gone", "login": "gone", "password": "pw", "active": False})
        assert user.exists()
        with pytest.raises(AccessError):
            env["res.users"].authenticate("gone", "pw")
