"""Values clients may not set: read-only fields change only through the records' own actions.

A workflow state, a sequence reference, a stamp or a computed value is
``readonly``: the server code of the model sets it (``action_confirm`` moving
``state``, ``create`` filling ``name`` from a sequence).  Clients' values
enter through a few doors — ``execute_kw`` and ``/web/dataset/call_kw``
(``create``, ``write``, ``copy``), the REST API and the web client's import —
and each door asks :func:`check_client_values` first; the ORM itself does not,
so the models' own code keeps writing those fields.  Giving a read-only field
the value it already has (or, on create, its default) is accepted: clients
often send a whole record back.  Fields with ``groups`` are checked by the ORM
for every user (``ACCESS_FIELD``); the superuser is never refused.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any

from ..exceptions import ValidationError

if TYPE_CHECKING:
    from ..orm.fields import Field
    from ..orm.models import BaseModel

READONLY_STATUS = 403


def check_client_values(model: BaseModel, vals_list: Iterable[Mapping[str, Any]],
                        records: BaseModel | None = None) -> None:
    """Refuse a client's values for read-only fields of ``model`` (``records``: the records a write
    changes; none for a create), naming the field (``FIELD_READONLY``, 403); the data is left as it was."""
    if model.env.su:
        return
    for vals in vals_list:
        if not isinstance(vals, Mapping):
            continue  # the ORM refuses it with its own message
        for name, value in vals.items():
            field = model._fields.get(name)
            if field is None or name == "id" or not field.readonly or _unchanged(model, field, value, records):
                continue
            message = model.env._("%(model)s: %(label)s (%(field)s) is read-only: it is set by the application "
                                  "(its actions and buttons), not by clients",
                                  model=model._description, label=field.string, field=name)
            raise ValidationError(message, code="FIELD_READONLY", status=READONLY_STATUS, field=name)


def _unchanged(model: BaseModel, field: Field, value: Any, records: BaseModel | None) -> bool:
    """Whether ``value`` is what the field holds already: the records' current value, or on create the
    field's static default (or nothing)."""
    if field.type in ("one2many", "many2many"):
        return False
    wanted = field.convert_to_cache(field.convert_to_column(value, model))
    if records is None:
        default = field.default
        if callable(default):
            return wanted is None
        return wanted == (None if default is None else field.convert_to_cache(field.convert_to_column(default, model)))
    return all(record[field.name] == field.convert_to_record(wanted, record) for record in records)
