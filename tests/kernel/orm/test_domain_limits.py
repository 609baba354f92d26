"""Domains from outside are bounded (issue 13, point 16): a limit on terms and on nesting, linear compilation.

``[orm] domain_max_terms`` bounds the leaves of one domain; past it the search
is refused with an error naming the setting, before any SQL is built.  A
domain within the limit is compiled in time linear in its size: 100,000
OR-ed terms (when the limit allows them) search like any other domain.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from kernel import Kernel, KernelError, ValidationError
from kernel.orm.domain import DEFAULT_MAX_TERMS
from kernel.testing import rollback_env

ORM_ADDONS = Path(__file__).resolve().parents[2] / "fixtures" / "orm_addons"


def ored(count: int) -> list:
    return ["|"] * (count - 1) + [("name", "=", f"n{i}") for i in range(count)]


def kernel_with_orm_settings(base: Kernel, **orm: object) -> Kernel:
    sections = {**base.settings.sections, "orm": orm}
    return Kernel(base.url, addons_path=[ORM_ADDONS], settings=dataclasses.replace(base.settings, sections=sections))


def test_a_domain_past_the_term_limit_is_refused_naming_the_setting(env):
    partners = env["test.partner"]
    with pytest.raises(ValidationError, match=rf"{DEFAULT_MAX_TERMS + 1} terms.*at most {DEFAULT_MAX_TERMS}.*"
                                              r"\[orm\] domain_max_terms") as caught:
        partners.search(ored(DEFAULT_MAX_TERMS + 1))
    assert caught.value.code == "DOMAIN_TOO_LARGE"
    implicit_and = [("name", "!=", f"n{i}") for i in range(DEFAULT_MAX_TERMS + 1)]
    with pytest.raises(ValidationError, match="at most"):
        partners.search_count(implicit_and)


def test_a_domain_at_the_limit_is_searched(env):
    partners = env["test.partner"]
    partners.create([{"name": "n7"}, {"name": "n9999"}, {"name": "other"}])
    assert sorted(partners.search(ored(DEFAULT_MAX_TERMS)).mapped("name")) == ["n7", "n9999"]


def test_one_hundred_thousand_ored_terms_compile_when_the_limit_allows_them(erp_kernel):
    """Quadratic compilation took minutes here; linear takes seconds."""
    kernel = kernel_with_orm_settings(erp_kernel, domain_max_terms=100_000)
    try:
        with rollback_env(kernel) as env:
            partners = env["test.partner"]
            partners.create([{"name": "n5"}, {"name": "n99999"}, {"name": "other"}])
            assert sorted(partners.search(ored(100_000)).mapped("name")) == ["n5", "n99999"]
            negated = ["!"] * 1000 + ["!", "&", ("name", "!=", "n5"), ("name", "!=", "other")]
            assert sorted(partners.search(negated).mapped("name")) == ["n5", "other"]
    finally:
        kernel.close()


def test_a_lower_limit_is_honoured_and_a_bad_one_is_refused(erp_kernel):
    kernel = kernel_with_orm_settings(erp_kernel, domain_max_terms=3)
    try:
        with rollback_env(kernel) as env:
            env["test.partner"].search(ored(3))
            with pytest.raises(ValidationError, match="4 terms.*at most 3"):
                env["test.partner"].search(ored(4))
    finally:
        kernel.close()
    broken = kernel_with_orm_settings(erp_kernel, domain_max_terms="many")
    try:
        with rollback_env(broken) as env, pytest.raises(KernelError, match=r"\[orm\] domain_max_terms.*positive integer"):
            env["test.partner"].search([("name", "=", "x")])
    finally:
        broken.close()


def test_deeply_nested_domains_are_refused_clearly(env):
    depth = 3000
    nested: list = []
    for i in range(depth):
        nested += ["|" if i % 2 else "&", ("name", "=", f"n{i}")]
    nested.append(("name", "=", "last"))
    with pytest.raises(ValidationError, match="nested too deeply") as caught:
        env["test.partner"].search(nested)
    assert caught.value.code == "DOMAIN_TOO_LARGE"


def test_merged_lists_keep_the_null_semantics_of_each_leaf(env):
    """AND-ed "!=" leaves become one "not in" list only where that matches the same rows (issue 13, point 27)."""
    partners = env["test.partner"]
    partners.create([{"name": "paris", "city": "Paris"}, {"name": "lyon", "city": "Lyon"},
                     {"name": "empty", "city": ""}, {"name": "none"}])
    found = partners.search([("city", "!=", ""), ("city", "!=", "Paris")])
    assert sorted(found.mapped("name")) == ["lyon"]
    found = partners.search([("city", "!=", "Lyon"), ("city", "!=", "Paris")])
    assert sorted(found.mapped("name")) == ["empty", "none"]
