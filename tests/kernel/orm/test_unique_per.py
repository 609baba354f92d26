"""``Boolean(unique_per=...)``: one flagged record per value of other fields, decided by a partial unique index.

Its behaviour on both databases, alone and under two concurrent writers, is
tested through ``master_sale``'s internal customer (tests/addons).
"""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite

from kernel import ModelDefinitionError
from kernel.models import CORE_MODELS
from kernel.orm import Model, fields
from kernel.orm.registry import Registry


def _registry(*classes: type) -> Registry:
    return Registry([("base", CORE_MODELS), ("extra", list(classes))])


def test_the_flag_is_a_partial_unique_index_on_both_databases() -> None:
    class Office(Model):
        _name = "test.office"
        name = fields.Char()
        company_id = fields.Many2one("res.company")
        is_head = fields.Boolean(unique_per=("company_id",))

    table = _registry(Office).metadata.tables["test_office"]
    index = next(index for index in table.indexes if index.unique)
    assert [column.name for column in index.columns] == ["company_id", "is_head"]
    for dialect in (sqlite.dialect(), postgresql.dialect()):
        ddl = str(sa.schema.CreateIndex(index).compile(dialect=dialect))
        assert "UNIQUE INDEX" in ddl and "WHERE is_head IS" in ddl, ddl


def test_unique_per_must_name_stored_fields() -> None:
    class Office(Model):
        _name = "test.office"
        name = fields.Char()
        is_head = fields.Boolean(unique_per=("company",))

    with pytest.raises(ModelDefinitionError, match=r"field 'is_head'.*unique_per names 'company'"):
        _registry(Office)
