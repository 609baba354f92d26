"""The REST API's description: JSON schemas of the installed models and an OpenAPI 3 document.

One table maps each field type to its JSON schema; the REST layer checks
incoming values against the same table (:func:`check_values`), so the
published document and the server agree on what is accepted.
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import re
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from .. import __version__
from ..exceptions import ValidationError
from ..models.http import WEB_INTERNAL_MODELS

if TYPE_CHECKING:
    from ..orm.fields import Field
    from ..orm.models import BaseModel

PREFIX = "/api/v1"
INT32 = (-(2**31), 2**31 - 1)
DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
DATETIME = re.compile(r"^\d{4}-\d{2}-\d{2}[ T]\d{2}:\d{2}:\d{2}$")
MAX_LIMIT = 1000


def exposed_models(env: Any) -> list[str]:
    """The models the REST API serves: every concrete model but the web layer's own."""
    return sorted(m._name for m in env.registry.concrete_models() if m._name not in WEB_INTERNAL_MODELS)


def writable(field: Field) -> bool:
    if getattr(field, "magic", False) or field.type == "one2many" or field.name == "id":
        return False
    if field.compute and not getattr(field, "inverse", None):
        return False
    return not (field.related and not getattr(field, "delegated_to", None))


def field_schema(model: BaseModel, field: Field) -> dict[str, Any]:
    """The JSON schema of one field's value, as read and as written (``null`` for an empty value)."""
    kind = field.type
    schema: dict[str, Any]
    if kind in ("char", "text", "html"):
        schema = {"type": "string"}
        if getattr(field, "size", None):
            schema["maxLength"] = field.size
    elif kind == "selection":
        schema = {"type": "string", "enum": [value for value, _ in field.get_selection(model)]}
    elif kind == "integer":
        schema = {"type": "integer", "minimum": INT32[0], "maximum": INT32[1]}
    elif kind in ("float", "decimal", "monetary"):
        schema = {"type": "number"}
    elif kind == "boolean":
        return {"type": "boolean"}
    elif kind == "date":
        schema = {"type": "string", "pattern": DATE.pattern}
    elif kind == "datetime":
        schema = {"type": "string", "pattern": DATETIME.pattern}
    elif kind == "many2one":
        schema = {"type": "integer", "minimum": 1, "maximum": INT32[1]}
    elif kind in ("one2many", "many2many"):
        return {"type": "array", "items": {"type": "integer", "minimum": 1, "maximum": INT32[1]}}
    elif kind == "binary":
        schema = {"type": "string", "format": "byte"}
    else:
        return {}
    schema["nullable"] = True
    return schema


def _check_value(model: BaseModel, field: Field, value: Any) -> Any:
    """The value in the ORM's terms, or a :class:`ValidationError` naming the field."""
    kind = field.type

    def refuse(expected: str) -> ValidationError:
        return ValidationError(f"{model._name}.{field.name}: expected {expected}, got {value!r}", code="FIELD_INVALID")

    if value is None:
        if kind in ("one2many", "many2many", "boolean"):
            raise refuse("a list of ids" if kind != "boolean" else "true or false")
        return False
    if kind in ("char", "text", "html", "selection", "date", "datetime", "binary"):
        if not isinstance(value, str) or "\x00" in value:
            raise refuse("a string")
        if getattr(field, "size", None) and kind == "char" and len(value) > field.size:
            raise refuse(f"at most {field.size} characters")
        if kind == "selection" and value not in {key for key, _ in field.get_selection(model)}:
            raise refuse("one of " + ", ".join(repr(key) for key, _ in field.get_selection(model)))
        if kind in ("date", "datetime") and not _is_moment(kind, value):
            raise refuse("a date YYYY-MM-DD" if kind == "date" else "a date and time YYYY-MM-DD HH:MM:SS")
        if kind == "binary":
            try:
                base64.b64decode(value, validate=True)
            except (binascii.Error, ValueError):
                raise refuse("base64 text") from None
        return value
    if kind in ("integer", "many2one"):
        low = 1 if kind == "many2one" else INT32[0]
        if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= INT32[1]:
            raise refuse("an integer" if kind == "integer" else "a record id")
        return value
    if kind in ("float", "decimal", "monetary"):
        if isinstance(value, bool) or not isinstance(value, (int, float)) or value != value or abs(value) == float("inf"):
            raise refuse("a number")
        digits = getattr(field, "digits", None) if kind != "float" else None
        if digits and abs(value) >= 10 ** (digits[0] - digits[1]):
            raise refuse(f"a number with at most {digits[0] - digits[1]} digits before the decimal point")
        return value
    if kind == "boolean":
        if not isinstance(value, bool):
            raise refuse("true or false")
        return value
    if kind in ("one2many", "many2many"):
        if not isinstance(value, list) or any(isinstance(v, bool) or not isinstance(v, int) or not 1 <= v <= INT32[1] for v in value):
            raise refuse("a list of record ids")
        return [(6, 0, value)]
    return value


def _is_moment(kind: str, value: str) -> bool:
    pattern, text_format = (DATE, "%Y-%m-%d") if kind == "date" else (DATETIME, "%Y-%m-%d %H:%M:%S")
    if not pattern.match(value):
        return False
    try:
        dt.datetime.strptime(value.replace("T", " "), text_format)
    except ValueError:
        return False
    return True


def check_values(model: BaseModel, values: Any) -> dict[str, Any]:
    """Incoming REST values checked field by field and converted for ``create``/``write``."""
    if not isinstance(values, Mapping):
        raise ValidationError("the body must be a JSON object of field values", code="BODY_INVALID")
    result = {}
    for name, value in values.items():
        field = model._fields.get(name)
        if field is None:
            raise ValidationError(f"{model._name} has no field {name!r}", code="FIELD_UNKNOWN")
        if not writable(field):
            raise ValidationError(f"{model._name}.{name} is read-only", code="FIELD_READONLY")
        result[name] = _check_value(model, field, value)
    return result


def record_schema(model: BaseModel, for_write: bool) -> dict[str, Any]:
    properties = {}
    for name, field in model._fields.items():
        if for_write and not writable(field):
            continue
        schema = field_schema(model, field)
        if field.string:
            schema = {**schema, "description": str(field.string)}
        if not for_write and field.name == "id":
            schema = {"type": "integer"}
        properties[name] = schema
    schema: dict[str, Any] = {"type": "object", "properties": properties}
    if for_write:
        schema["additionalProperties"] = False
    return schema


def create_schema(model: BaseModel) -> dict[str, Any]:
    """The write schema plus the fields a new record must be given (required, without a default)."""
    schema = record_schema(model, for_write=True)
    required = [name for name, field in model._fields.items()
                if field.required and field.default is None and writable(field)]
    if required:
        schema["required"] = required
        for name in required:
            schema["properties"][name] = {key: value for key, value in schema["properties"][name].items() if key != "nullable"}
    return schema


def _parameters() -> list[dict[str, Any]]:
    def query(name: str, schema: dict[str, Any], description: str) -> dict[str, Any]:
        return {"name": name, "in": "query", "required": False, "schema": schema, "description": description}

    return [
        query("domain", {"type": "string"}, "an Odoo domain as JSON, e.g. [[\"name\", \"ilike\", \"acme\"]]"),
        query("offset", {"type": "integer", "minimum": 0, "maximum": INT32[1]}, "records to skip"),
        query("limit", {"type": "integer", "minimum": 1, "maximum": MAX_LIMIT}, "records to return (default 80)"),
        query("fields", {"type": "string"}, "field names separated by commas (default: all but binaries)"),
        query("order", {"type": "string"}, "e.g. \"name desc, id\""),
    ]


def _responses(ok: dict[str, Any]) -> dict[str, Any]:
    error = {"description": "error", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}}
    return {**ok, "400": error, "401": error, "403": error, "404": error, "409": error, "422": error}


def _model_paths(name: str) -> dict[str, Any]:
    ref = {"$ref": f"#/components/schemas/{name}"}
    write_ref = {"$ref": f"#/components/schemas/{name}.write"}
    create_ref = {"$ref": f"#/components/schemas/{name}.create"}
    record = {"description": "the record", "content": {"application/json": {"schema": ref}}}
    body = {"required": True, "content": {"application/json": {"schema": write_ref}}}
    create_body = {"required": True, "content": {"application/json": {"schema": create_ref}}}
    listing = {"type": "object", "properties": {
        "items": {"type": "array", "items": ref}, "total": {"type": "integer"},
        "offset": {"type": "integer"}, "limit": {"type": "integer"},
    }}
    record_id = {"name": "record_id", "in": "path", "required": True, "schema": {"type": "integer", "minimum": 1, "maximum": INT32[1]}}
    slug = name.replace(".", "_")
    return {
        f"{PREFIX}/{name}": {
            "get": {"operationId": f"list_{slug}", "tags": [name], "parameters": _parameters(),
                    "responses": _responses({"200": {"description": "the records",
                                                     "content": {"application/json": {"schema": listing}}}})},
            "post": {"operationId": f"create_{slug}", "tags": [name], "requestBody": create_body,
                     "responses": _responses({"201": record})},
        },
        f"{PREFIX}/{name}/{{record_id}}": {
            "parameters": [record_id],
            "get": {"operationId": f"read_{slug}", "tags": [name], "responses": _responses({"200": record})},
            "patch": {"operationId": f"update_{slug}", "tags": [name], "requestBody": body,
                      "responses": _responses({"200": record})},
            "delete": {"operationId": f"delete_{slug}", "tags": [name],
                       "responses": _responses({"204": {"description": "deleted"}})},
        },
    }


def _action_paths(name: str, actions: Mapping[str, str]) -> dict[str, Any]:
    """``POST /api/v1/<model>/{record_id}/<method>`` for each of the model's REST actions."""
    record_id = {"name": "record_id", "in": "path", "required": True, "schema": {"type": "integer", "minimum": 1, "maximum": INT32[1]}}
    body = {"required": True, "content": {"application/json": {"schema": {"type": "object"}}}}
    result = {"description": "what the action returns (a state change: the new state and any warnings)",
              "content": {"application/json": {"schema": {"type": "object", "additionalProperties": True}}}}
    slug = name.replace(".", "_")
    return {
        f"{PREFIX}/{name}/{{record_id}}/{method}": {
            "parameters": [record_id],
            "post": {"operationId": f"{method}_{slug}", "tags": [name], "summary": summary, "requestBody": body,
                     "responses": _responses({"200": result})},
        }
        for method, summary in sorted(actions.items())
    }


def openapi_document(env: Any, server_url: str) -> dict[str, Any]:
    """The OpenAPI 3.0 document of the REST API for the models installed in ``env``'s database."""
    paths: dict[str, Any] = {}
    schemas: dict[str, Any] = {"Error": {"type": "object", "required": ["error"], "properties": {"error": {
        "type": "object", "required": ["code", "message"],
        "properties": {"code": {"type": "string"}, "message": {"type": "string"}, "debug": {"type": "string"}},
    }}}}
    for name in exposed_models(env):
        model = env[name]
        schemas[name] = record_schema(model, for_write=False)
        schemas[f"{name}.write"] = record_schema(model, for_write=True)
        schemas[f"{name}.create"] = create_schema(model)
        paths.update(_model_paths(name))
        paths.update(_action_paths(name, type(model)._api_actions))
    return {
        "openapi": "3.0.3",
        "info": {"title": "ERP REST API", "version": __version__,
                 "description": "Records of the installed models; errors carry a stable code."},
        "servers": [{"url": server_url}],
        "security": [{"apiKey": []}, {"session": []}],
        "paths": paths,
        "components": {
            "schemas": schemas,
            "securitySchemes": {
                "apiKey": {"type": "http", "scheme": "bearer", "description": "an API key from `erp apikey create`"},
                "session": {"type": "apiKey", "in": "cookie", "name": "session_id"},
            },
        },
    }
