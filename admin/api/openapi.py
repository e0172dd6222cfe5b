"""The OpenAPI 3.1 document, written from the same `Operation` list that registers the routes."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from pydantic import BaseModel, Field
from pydantic.json_schema import models_json_schema

from admin.api.kit import Operation, path_params
from admin.schemas.common import Output
from core.inputs import MAX_ID

REF = "#/components/schemas/{model}"
REASONS = {
    400: "Bad request",
    401: "No valid bearer token",
    403: "Not allowed for this account",
    404: "Not found (or outside what this account may see)",
    409: "Conflicts with the current state",
    422: "A field is missing or invalid: `field` names it, `error` says why",
}
UNREADABLE = "The request could not be read: malformed HTTP, or a line or header over 8 KB"


class FieldProblem(Output):
    field: str
    reason: str


class Problem(Output):
    error: str
    field: str | None = None
    errors: list[FieldProblem] = Field(default_factory=list)


def _schemas(ops: Sequence[Operation]) -> tuple[dict[Any, Any], dict[str, Any]]:
    models: list[tuple[type[BaseModel], Any]] = [(Problem, "serialization")]
    for op in ops:
        for model, mode in ((op.body, "validation"), (op.query, "validation")):
            if model is not None:
                models.append((model, mode))
        if op.answer is not None:
            models.append((op.answer, "serialization"))
    keys, top = models_json_schema(list(dict.fromkeys(models)), ref_template=REF)
    return keys, top.get("$defs", {})


def _without_null(prop: dict[str, Any]) -> dict[str, Any]:
    """A query cannot send JSON null (it would arrive as the text "null"): an optional
    parameter is documented as its value's type, and left out when there is none."""
    options = [o for o in prop.get("anyOf", []) if o != {"type": "null"}]
    if not options or len(options) == len(prop["anyOf"]):
        return prop
    rest = {k: v for k, v in prop.items() if k not in ("anyOf", "default")}
    return {**rest, **options[0]} if len(options) == 1 else {**rest, "anyOf": options}


def _query_parameters(model: type[BaseModel], components: dict[str, Any]) -> list[dict[str, Any]]:
    schema = model.model_json_schema(ref_template=REF, mode="validation")
    components.update(schema.pop("$defs", {}))
    required = set(schema.get("required", []))
    params = []
    for name, prop in schema.get("properties", {}).items():
        prop = _without_null(prop)
        param: dict[str, Any] = {
            "name": name,
            "in": "query",
            "required": name in required,
            "schema": prop,
        }
        if prop.get("type") == "array":
            param["explode"] = True
        params.append(param)
    return params


def _path_schema(name: str) -> dict[str, Any]:
    if name.endswith("_id"):
        return {"type": "integer", "minimum": 1, "maximum": MAX_ID}
    return {"type": "string", "pattern": "^[a-z0-9_]{1,100}$"}


def _operation(op: Operation, keys: dict[Any, Any], components: dict[str, Any]) -> dict[str, Any]:
    entry: dict[str, Any] = {
        "operationId": op.operation_id,
        "summary": op.summary,
        "tags": [op.tag],
        **op.extra,
    }
    params = [
        {
            "name": name,
            "in": "path",
            "required": True,
            "schema": dict(op.path_schemas.get(name) or _path_schema(name)),
        }
        for name in path_params(op.path)
    ]
    if op.query is not None:
        params += _query_parameters(op.query, components)
    if params:
        entry["parameters"] = params
    if op.body is not None:
        entry["requestBody"] = {
            "required": any(f.is_required() for f in op.body.model_fields.values()),
            "content": {"application/json": {"schema": keys[(op.body, "validation")]}},
        }
    responses: dict[str, Any] = {}
    if op.media_type is not None:
        responses[str(op.status)] = {
            "description": "Done",
            "content": {op.media_type: {"schema": {"type": "string", "format": "binary"}}},
        }
    elif op.answer is None:
        responses[str(op.status if op.status != 200 else 204)] = {"description": "Done"}
    else:
        responses[str(op.status)] = {
            "description": "Done",
            "content": {"application/json": {"schema": keys[(op.answer, "serialization")]}},
        }
    problem = {"application/json": {"schema": keys[(Problem, "serialization")]}}
    statuses = set(op.errors) | {401}
    if op.body is not None or op.query is not None:
        statuses.add(422)
    if op.admin_only:
        statuses.add(403)
    for status in sorted(statuses):
        responses[str(status)] = {"description": REASONS[status], "content": problem}
    # Before any handler: the HTTP server refuses what it cannot read (plain text).
    responses.setdefault("400", {"description": UNREADABLE})
    entry["responses"] = dict(sorted(responses.items()))
    return entry


def document(ops: Sequence[Operation], base: str = "/api/v1") -> dict[str, Any]:
    keys, components = _schemas(ops)
    paths: dict[str, dict[str, Any]] = {}
    for op in ops:
        paths.setdefault(base + op.path, {})[op.method.lower()] = _operation(op, keys, components)
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "Recruiting API",
            "version": "1",
            "description": "Cities, recruiters, vacancies (their links, QR codes and funnels), "
            "slots, candidates, their conversations, notes and tags, bookings, message templates "
            "and auto-messages. Every request needs "
            "`Authorization: Bearer <token>` (tokens are made in the panel's Accounts page or "
            "with `main.py create-api-token`).",
        },
        "servers": [{"url": "/"}],
        "components": {
            "schemas": components,
            "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}},
        },
        "security": [{"bearer": []}],
        "paths": paths,
    }
