"""Signed tokens: round trip; tampered, expired, wrong-purpose and reused tokens refused with one message."""

from __future__ import annotations

import time
from typing import Any

import pytest

from kernel.security.tokens import INVALID, SECRET_PARAMETER, TokenError, sign, verify


@pytest.fixture(scope="module")
def erp_addons() -> list[str]:
    return ["base"]


def test_a_token_carries_its_data_for_its_purpose(env: Any) -> None:
    token = sign(env, "crm.track", {"lead": 7}, max_age=60)
    assert verify(env, token, "crm.track") == {"lead": 7}
    assert verify(env, token, "crm.track") == {"lead": 7}  # reusable unless single use
    assert len(env["ir.config_parameter"].get_param(SECRET_PARAMETER)) == 64  # the database's own secret


def refused(env: Any, token: str, purpose: str, once: bool = False) -> str:
    with pytest.raises(TokenError) as info:
        verify(env, token, purpose, once=once)
    assert str(info.value) == INVALID and info.value.status == 403  # the same answer whatever the reason
    return info.value.reason


def test_tampered_expired_and_wrong_purpose_tokens_are_refused(env: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    token = sign(env, "crm.track", {"lead": 7}, max_age=60)
    payload, signature = token.split(".")
    forged = sign(env, "crm.track", {"lead": 8}, max_age=60).split(".")[0]
    assert refused(env, f"{forged}.{signature}", "crm.track") == "bad signature or another purpose"
    assert refused(env, f"{payload}.{signature[:-2]}xx", "crm.track") == "bad signature or another purpose"
    assert refused(env, token, "partnership.apply") == "bad signature or another purpose"
    assert refused(env, "garbage", "crm.track") == "bad signature or another purpose"
    later = time.time() + 61
    monkeypatch.setattr(time, "time", lambda: later)
    assert refused(env, token, "crm.track") == "expired"


def test_a_single_use_token_is_refused_the_second_time(env: Any) -> None:
    token = sign(env, "auth.reset", {"uid": 2}, max_age=3600)
    assert verify(env, token, "auth.reset", once=True) == {"uid": 2}
    assert refused(env, token, "auth.reset", once=True) == "already used"
    other = sign(env, "auth.reset", {"uid": 2}, max_age=3600)  # another token of the same data: its own use
    assert verify(env, other, "auth.reset", once=True) == {"uid": 2}


def test_a_changed_secret_invalidates_every_token(env: Any) -> None:
    token = sign(env, "crm.track", 1, max_age=60)
    env["ir.config_parameter"].set_param(SECRET_PARAMETER, "0" * 64)
    assert refused(env, token, "crm.track") == "bad signature or another purpose"
