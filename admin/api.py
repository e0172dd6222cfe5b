"""The REST API at /api/v1 (bearer tokens). Its first resource: recruiter invites."""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

from aiohttp import web
from aiohttp.typedefs import Handler

from admin.deps import DEPS
from core.result import Failure
from services.api_tokens import authenticate
from services.recruiter_invites import create_invite, invite_link
from storage.models import AdminUser
from storage.models.enums import AdminRole

USER = web.RequestKey("api_user", AdminUser)


def _error(status: type[web.HTTPError], reason: str, field: str | None = None) -> web.HTTPError:
    body: dict[str, Any] = {"error": reason}
    if field is not None:
        body["field"] = field
    return status(text=json.dumps(body), content_type="application/json")


@web.middleware
async def bearer_auth(request: web.Request, handler: Handler) -> web.StreamResponse:
    header = request.headers.get("Authorization", "")
    if not header.startswith("Bearer "):
        raise _error(web.HTTPUnauthorized, "a bearer token is required")
    deps = request.config_dict[DEPS]
    async with deps.uow_factory() as uow:
        user = await authenticate(uow, header.removeprefix("Bearer ").strip(), deps.clock)
    if user is None:
        raise _error(web.HTTPUnauthorized, "the token is unknown or revoked")
    request[USER] = user
    return await handler(request)


async def create_recruiter_invite(request: web.Request) -> web.Response:
    user = request[USER]
    if user.role is not AdminRole.ADMIN:
        raise _error(web.HTTPForbidden, "only admins create invites")
    try:
        recruiter_id = int(request.match_info["recruiter_id"])
    except ValueError:
        raise _error(web.HTTPNotFound, "no such recruiter") from None
    hours = 72.0
    if request.body_exists:
        try:
            body = await request.json()
        except ValueError:
            raise _error(web.HTTPUnprocessableEntity, "the body must be JSON") from None
        if not isinstance(body, dict):
            raise _error(web.HTTPUnprocessableEntity, "the body must be a JSON object")
        raw_hours = body.get("hours", hours)
        if (
            not isinstance(raw_hours, int | float)
            or isinstance(raw_hours, bool)
            or not 0 < raw_hours <= 24 * 30
        ):
            raise _error(web.HTTPUnprocessableEntity, "a number of hours from 0 to 720", "hours")
        hours = float(raw_hours)
    deps = request.config_dict[DEPS]
    async with deps.uow_factory() as uow:
        result = await create_invite(uow, recruiter_id, deps.clock, timedelta(hours=hours))
    if isinstance(result, Failure):
        raise _error(web.HTTPNotFound, "no such recruiter")
    payload = result.value
    return web.json_response(
        {
            "payload": payload,
            "link": invite_link(deps.bot_username, payload),
            "expires_in_hours": hours,
        },
        status=201,
    )


def create_api() -> web.Application:
    api = web.Application(middlewares=[bearer_auth])
    api.router.add_post("/recruiters/{recruiter_id}/invites", create_recruiter_invite)
    return api
