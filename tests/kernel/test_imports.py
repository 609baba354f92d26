"""The facade and the light imports the layers promise, each checked in a fresh interpreter."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest


def loaded_after(statement: str) -> set[str]:
    """The top-level packages a fresh interpreter holds after running ``statement``."""
    code = f"import sys\n{statement}\nimport json; print(json.dumps(sorted({{m.split('.')[0] for m in sys.modules}})))"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    return set(json.loads(result.stdout.splitlines()[-1]))


@pytest.mark.parametrize("statement", [
    "import kernel",
    "import kernel.graph",
    "import kernel.manifest",
    "import kernel.config",
    "import kernel.exceptions",
    "import kernel.views.inheritance",
    "from kernel.views import apply_inheritance, locate_node",
])
def test_pure_modules_load_no_database_library(statement: str) -> None:
    loaded = loaded_after(statement)
    assert "sqlalchemy" not in loaded
    assert "alembic" not in loaded


def test_the_kernel_loads_alembic_only_when_a_schema_changes() -> None:
    loaded = loaded_after("from kernel import Kernel")
    assert "sqlalchemy" in loaded
    assert "alembic" not in loaded


def test_the_facade_offers_what_the_design_promises() -> None:
    from kernel import (  # noqa: F401 - the import is the test
        AccessError, Command, Kernel, MissingError, Model, UserError, ValidationError, api, fields, hookimpl,
    )
    from kernel.orm.models import Model as OrmModel

    assert Model is OrmModel
    assert Command.CREATE == 0
    assert callable(fields.Char) and callable(api.depends)
    from kernel import exceptions

    assert (UserError, ValidationError, AccessError, MissingError) == (
        exceptions.UserError, exceptions.ValidationError, exceptions.AccessError, exceptions.MissingError)


def test_an_unknown_facade_name_is_an_attribute_error_naming_it() -> None:
    import kernel

    with pytest.raises(AttributeError, match="'Modle'"):
        kernel.Modle  # noqa: B018
