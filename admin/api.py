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
from services.auto_messages import create_auto_message, progress, set_paused
from services.recruiter_invites import create_invite, invite_link
from storage.models import AdminUser, AutoMessage
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


def _admin_only(request: web.Request) -> None:
    if request[USER].role is not AdminRole.ADMIN:
        raise _error(web.HTTPForbidden, "only admins manage auto-messages")


async def _auto_message_json(uow: Any, message: AutoMessage) -> dict[str, Any]:
    done = await progress(uow, message.id)
    return {
        "id": message.id,
        "name": message.name,
        "kind": message.kind.value,
        "state": message.state.value,
        "trigger": message.trigger.value if message.trigger else None,
        "after_hours": message.trigger_after_hours,
        "send_at": message.send_at.isoformat() if message.send_at else None,
        "audience": message.audience,
        "progress": done.__dict__,
    }


async def create_auto_message_route(request: web.Request) -> web.Response:
    _admin_only(request)
    try:
        body = await request.json()
    except ValueError:
        raise _error(web.HTTPUnprocessableEntity, "the body must be JSON") from None
    if not isinstance(body, dict):
        raise _error(web.HTTPUnprocessableEntity, "the body must be a JSON object")
    deps = request.config_dict[DEPS]
    async with deps.uow_factory() as uow:
        result = await create_auto_message(uow, deps.catalog, body, deps.clock)
        if isinstance(result, Failure):
            raise _error(web.HTTPUnprocessableEntity, result.error.reason, result.error.field)
        return web.json_response(await _auto_message_json(uow, result.value), status=201)


async def list_auto_messages(request: web.Request) -> web.Response:
    _admin_only(request)
    async with request.config_dict[DEPS].uow_factory() as uow:
        messages = await uow.auto_messages.list(limit=200)
        return web.json_response({"items": [await _auto_message_json(uow, m) for m in messages]})


async def pause_or_resume(request: web.Request) -> web.Response:
    _admin_only(request)
    try:
        message_id = int(request.match_info["message_id"])
    except ValueError:
        raise _error(web.HTTPNotFound, "no such auto-message") from None
    paused = request.match_info["action"] == "pause"
    async with request.config_dict[DEPS].uow_factory() as uow:
        result = await set_paused(uow, message_id, paused)
        if isinstance(result, Failure):
            raise _error(web.HTTPNotFound, "no such auto-message")
        return web.json_response(await _auto_message_json(uow, result.value))


def create_api() -> web.Application:
    api = web.Application(middlewares=[bearer_auth])
    api.router.add_post("/recruiters/{recruiter_id}/invites", create_recruiter_invite)
    api.router.add_post("/auto-messages", create_auto_message_route)
    api.router.add_get("/auto-messages", list_auto_messages)
    api.router.add_post("/auto-messages/{message_id}/{action:pause|resume}", pause_or_resume)
    return api
