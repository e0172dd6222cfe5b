"""The REST API at /api/v1: bearer tokens, JSON in and out, an OpenAPI document."""

from __future__ import annotations

import functools
from typing import Any

from aiohttp import web

from admin.api import auto_messages, bookings, candidates, message_templates, places, slots
from admin.api.kit import Operation, bearer_auth, handler_for, json_errors, numeric_ids
from admin.api.openapi import document

OPERATIONS: list[Operation] = [
    *places.OPERATIONS,
    *slots.OPERATIONS,
    *candidates.OPERATIONS,
    *bookings.OPERATIONS,
    *message_templates.OPERATIONS,
    *auto_messages.OPERATIONS,
]


@functools.cache
def _product_document() -> dict[str, Any]:
    # Built from the declared operations only, so one per process (it takes ~0.1 s).
    return document(OPERATIONS)


def create_api(operations: list[Operation] | None = None) -> web.Application:
    ops = operations if operations is not None else OPERATIONS
    api = web.Application(middlewares=[json_errors, bearer_auth])
    spec: dict[str, Any] = _product_document() if operations is None else document(ops)

    async def openapi(_request: web.Request) -> web.Response:
        return web.json_response(spec)

    api.router.add_get("/openapi.json", openapi)
    for op in ops:
        api.router.add_route(op.method, numeric_ids(op.path), handler_for(op))
    return api
