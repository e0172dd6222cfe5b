"""The REST API at /api/v1: bearer tokens, JSON in and out, an OpenAPI document."""

from __future__ import annotations

import functools
from typing import Any

from aiohttp import web

from admin.api import (
    auto_messages,
    bookings,
    candidates,
    message_templates,
    notes,
    personal_data,
    places,
    slots,
    tags,
    threads,
    vacancies,
)
from admin.api.kit import Operation, bearer_auth, handler_for, json_errors, numeric_ids

OPERATIONS: list[Operation] = [
    *places.OPERATIONS,
    *vacancies.OPERATIONS,
    *slots.OPERATIONS,
    *candidates.OPERATIONS,
    *personal_data.OPERATIONS,
    *threads.OPERATIONS,
    *notes.OPERATIONS,
    *tags.OPERATIONS,
    *bookings.OPERATIONS,
    *message_templates.OPERATIONS,
    *auto_messages.OPERATIONS,
]


def _document(ops: list[Operation]) -> dict[str, Any]:
    # The document's JSON schemas are built when first asked for, not at start-up.
    from admin.api.openapi import document

    return document(ops)


@functools.cache
def _product_document() -> dict[str, Any]:
    # Built from the declared operations only, so one per process (it takes ~0.1 s).
    return _document(OPERATIONS)


def create_api(operations: list[Operation] | None = None) -> web.Application:
    ops = operations if operations is not None else OPERATIONS
    api = web.Application(middlewares=[json_errors, bearer_auth])
    spec: dict[str, Any] | None = None

    async def openapi(_request: web.Request) -> web.Response:
        nonlocal spec
        if spec is None:
            spec = _product_document() if operations is None else _document(ops)
        return web.json_response(spec)

    api.router.add_get("/openapi.json", openapi)
    for op in ops:
        api.router.add_route(op.method, numeric_ids(op.path), handler_for(op))
    return api
