"""Sequences and uniqueness, including concurrent transactions on PostgreSQL."""

from __future__ import annotations

import datetime as dt
import threading
from pathlib import Path

import pytest

from kernel import ValidationError

ORM_ADDONS = Path(__file__).resolve().parents[2] / "fixtures" / "orm_addons"


def test_sequence_formats_prefix_padding_suffix_and_step(env):
    env["ir.sequence"].create({"name": "Vendors", "code": "purchase.vendor", "prefix": "V", "padding": 5})
    assert [env["ir.sequence"].next_by_code("purchase.vendor") for _ in range(3)] == ["V00001", "V00002", "V00003"]
    dated = env["ir.sequence"].create({
        "name": "Orders", "code": "sale.order", "prefix": "SO/%(year)s/%(month)s/", "suffix": "-%(y)s",
        "padding": 3, "number_next": 10, "number_increment": 5,
    })
    moment = dt.datetime(2026, 3, 1)
    assert dated.next_by_id(moment) == "SO/2026/03/010-26"
    assert dated.next_by_id(moment) == "SO/2026/03/015-26"


def test_sequence_per_company_prefers_the_company_one(env):
    company = env["res.company"].create({"name": "Branch Co"})
    env["ir.sequence"].create({"name": "Shared", "code": "cust", "prefix": "S"})
    env["ir.sequence"].create({"name": "Own", "code": "cust", "prefix": "C", "company_id": company.id})
    assert env["ir.sequence"].next_by_code("cust") == "S1"
    assert env["ir.sequence"].next_by_code("cust", company_id=company.id) == "C1"


def test_sequence_errors(env):
    with pytest.raises(ValidationError, match="no sequence with code 'nope'"):
        env["ir.sequence"].next_by_code("nope")
    with pytest.raises(ValidationError, match="invalid placeholder"):
        env["ir.sequence"].create({"name": "Bad", "code": "bad", "prefix": "%(century)s"})
    with pytest.raises(ValidationError, match="step cannot be 0"):
        env["ir.sequence"].create({"name": "Zero", "code": "zero", "number_increment": 0})


def test_unique_violation_names_field_value_and_holder(env):
    holder = env["test.partner"].create({"name": "First", "email": "dup@x.test"})
    with pytest.raises(ValidationError) as info:
        env["test.partner"].create({"name": "Second", "email": "dup@x.test"})
    message = str(info.value)
    assert "Email" in message and "dup@x.test" in message and "First" in message and f"id {holder.id}" in message
    assert info.value.status == 409
    other = env["test.partner"].create({"name": "Other", "email": "other@x.test"})
    with pytest.raises(ValidationError, match="already used by 'First'"):
        other.write({"email": "dup@x.test"})
    assert other.email == "other@x.test"
    with pytest.raises(ValidationError, match="rows 0 and 1 both give Email"):
        env["test.partner"].create([{"name": "a", "email": "same@x.test"}, {"name": "b", "email": "same@x.test"}])
    assert env["test.partner"].search_count([("email", "=", "same@x.test")]) == 0
    env["test.partner"].create([{"name": "no mail 1"}, {"name": "no mail 2", "email": ""}])


def test_multi_column_unique(env):
    module = env["ir.model.data"]
    partner = env["test.partner"].create({"name": "x"})
    module.create({"module": "m", "name": "n", "model": "test.partner", "res_id": partner.id})
    module.create({"module": "m2", "name": "n", "model": "test.partner", "res_id": partner.id})
    with pytest.raises(ValidationError, match="already used"):
        module.create({"module": "m", "name": "n", "model": "test.partner", "res_id": partner.id})


@pytest.mark.postgresql
def test_concurrent_sequence_numbers_are_unique_and_gapless(kernel_factory):
    kernel = kernel_factory([ORM_ADDONS])
    kernel.init()
    with kernel.env() as env:
        env["ir.sequence"].create({"name": "Vendors", "code": "purchase.vendor", "prefix": "V", "padding": 5})
    taken: list[str] = []
    errors: list[BaseException] = []
    start = threading.Barrier(6)

    def worker() -> None:
        try:
            start.wait()
            for _ in range(10):
                with kernel.env() as env:
                    taken.append(env["ir.sequence"].next_by_code("purchase.vendor"))
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    threads = [threading.Thread(target=worker) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors
    assert sorted(taken) == [f"V{n:05d}" for n in range(1, 61)]


@pytest.mark.postgresql
def test_concurrent_duplicate_creation_lets_exactly_one_win(kernel_factory):
    kernel = kernel_factory([ORM_ADDONS])
    kernel.init()
    kernel.install(["catalog"])
    outcomes: list[str] = []
    start = threading.Barrier(4)

    def worker(index: int) -> None:
        start.wait()
        try:
            with kernel.env() as env:
                env["test.partner"].create({"name": f"racer {index}", "email": "race@x.test"})
            outcomes.append("created")
        except ValidationError as exc:
            outcomes.append(exc.code)

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["DUPLICATE_VALUE"] * 3 + ["created"]
    with kernel.env() as env:
        assert env["test.partner"].search_count([("email", "=", "race@x.test")]) == 1
