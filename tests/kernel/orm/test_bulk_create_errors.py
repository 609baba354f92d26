"""A refused bulk create names the row (its index in the list given) and the field; nothing is created.

A duplicate inside the batch names the rows that clash, never a record of the
same batch: those were rolled back with it.
"""

from __future__ import annotations

import pytest

from kernel.exceptions import ValidationError
from kernel.orm.write import WRITE_CHUNK


def refused(env, vals_list) -> ValidationError:
    before = env["test.partner"].search_count([])
    with pytest.raises(ValidationError) as info:
        with env.connection.begin_nested():
            env["test.partner"].create(vals_list)
    env.transaction.invalidate()
    assert env["test.partner"].search_count([]) == before, "a refused batch created nothing"
    return info.value


def test_a_missing_required_value_names_its_row_and_field(env) -> None:
    error = refused(env, [{"name": "A"}, {"name": "B"}, {"name": "C"}, {"email": "d@example.com"}])
    assert (error.code, error.field) == ("FIELD_REQUIRED", "name")
    assert "row 3" in str(error) and "name" in str(error)


def test_a_value_of_the_wrong_type_names_its_row_and_field(env) -> None:
    error = refused(env, [{"name": "A", "rank": 1}, {"name": "B", "rank": "many"}])
    assert error.code == "FIELD_INVALID"
    assert "row 1" in str(error) and "rank" in str(error) and "'many'" in str(error)


def test_an_unknown_field_names_its_row(env) -> None:
    error = refused(env, [{"name": "A"}, {"name": "B"}, {"name": "C", "colour": "red"}])
    assert error.code == "FIELD_UNKNOWN" and "row 2" in str(error) and "'colour'" in str(error)


def test_a_duplicate_inside_one_chunk_names_both_rows(env) -> None:
    rows = [{"name": f"P{n}", "email": f"p{n}@example.com"} for n in range(5)]
    rows[3]["email"] = "p1@example.com"
    error = refused(env, rows)
    assert error.status == 409 and error.field == "email"
    assert "rows 1 and 3" in str(error) and "'p1@example.com'" in str(error)


def test_a_duplicate_across_chunks_does_not_name_a_rolled_back_record(env) -> None:
    rows = [{"name": f"Bulk {n}", "email": f"bulk{n}@example.com"} for n in range(WRITE_CHUNK + 5)]
    rows[WRITE_CHUNK + 2]["email"] = "bulk7@example.com"
    error = refused(env, rows)
    assert f"rows 7 and {WRITE_CHUNK + 2}" in str(error)
    assert "id " not in str(error) and "already used by" not in str(error)


def test_a_value_held_by_an_existing_record_names_the_row_and_that_record(env) -> None:
    existing = env["test.partner"].create({"name": "Existing", "email": "taken@example.com"})
    error = refused(env, [{"name": "New 0", "email": "new@example.com"}, {"name": "New 1", "email": "taken@example.com"}])
    assert "row 1" in str(error) and f"'Existing' (id {existing.id})" in str(error)
