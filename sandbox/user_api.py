"""The person's side as a small JSON API, used by the web chat and the tests."""

from __future__ import annotations

import asyncio
import contextlib
import json
from typing import Any

from aiohttp import web

from sandbox import user_actions
from sandbox.bot_api import WORLD
from sandbox.transcript import transcript
from sandbox.user_actions import UserActionError
from sandbox.world import SandboxBot, SandboxUser, World

_PERSONAS = ("candidate", "recruiter")


_ERRORS: dict[int, type[web.HTTPError]] = {
    400: web.HTTPBadRequest,
    404: web.HTTPNotFound,
    409: web.HTTPConflict,
    422: web.HTTPUnprocessableEntity,
}


def _json_error(status: int, reason: str) -> web.HTTPError:
    return _ERRORS[status](text=json.dumps({"error": reason}), content_type="application/json")


async def _body(request: web.Request) -> dict[str, Any]:
    if not request.body_exists:
        return {}
    try:
        body = await request.json()
    except ValueError:
        raise _json_error(400, "the body must be JSON") from None
    if not isinstance(body, dict):
        raise _json_error(400, "the body must be a JSON object")
    return body


def _world(request: web.Request) -> World:
    return request.app[WORLD]


def _bot(world: World) -> SandboxBot:
    bot = world.primary_bot()
    if bot is None:
        raise _json_error(409, "no bot has connected to this sandbox yet")
    return bot


def _user(request: web.Request) -> SandboxUser:
    try:
        user_id = int(request.match_info["user_id"])
    except ValueError:
        raise _json_error(404, "no such user") from None
    user = _world(request).users.get(user_id)
    if user is None:
        raise _json_error(404, "no such user")
    return user


async def create_user(request: web.Request) -> web.Response:
    body = await _body(request)
    first_name = str(body.get("first_name", "")).strip()
    if not first_name:
        raise _json_error(422, "first_name: required")
    persona = str(body.get("persona", "candidate"))
    if persona not in _PERSONAS:
        raise _json_error(422, f"persona: one of {', '.join(_PERSONAS)}")
    world = _world(request)
    if body.get("id") is not None:
        try:
            user_id = int(body["id"])
        except (TypeError, ValueError):
            raise _json_error(422, "id: must be an integer") from None
        if user_id in world.users:
            raise _json_error(409, f"user {user_id} exists already")
    user = world.add_user(
        id=body.get("id"),
        first_name=first_name[:64],
        last_name=(str(body["last_name"])[:64] if body.get("last_name") else None),
        username=(str(body["username"])[:32] if body.get("username") else None),
        language_code=str(body.get("language_code") or "ru")[:8],
        persona=persona,
        phone_number=body.get("phone_number"),
    )
    return web.json_response(user.public(), status=201)


async def list_users(request: web.Request) -> web.Response:
    return web.json_response([u.public() for u in _world(request).users.values()])


async def _act(request: web.Request, action: str) -> web.Response:
    world, user, body = _world(request), _user(request), await _body(request)
    bot = _bot(world)
    try:
        if action == "message":
            text = body.get("text")
            if not isinstance(text, str):
                raise _json_error(422, "text: required")
            to = body.get("reply_to_message_id")
            result: Any = user_actions.send_text(
                world, bot, user, text, int(to) if to is not None else None
            ).message_id
        elif action == "start":
            result = user_actions.start(world, bot, user, str(body.get("payload") or "")).message_id
        elif action == "press":
            record = user_actions.press_button(
                world,
                bot,
                user,
                int(body.get("message_id", 0)),
                callback_data=body.get("callback_data"),
                text=body.get("text"),
                forged=bool(body.get("forged")),
            )
            result = record.id
        elif action in user_actions.MEDIA:
            caption = body.get("caption")
            result = user_actions.send_media(
                world, bot, user, action, str(caption) if caption else None
            ).message_id
        elif action == "contact":
            of_user = body.get("of_user_id")
            result = user_actions.share_contact(
                world,
                bot,
                user,
                body.get("phone_number"),
                of_user_id=int(of_user) if of_user is not None else None,
            ).message_id
        else:
            user_actions.set_blocked(world, bot, user, blocked=action == "block")
            result = None
    except UserActionError as exc:
        raise _json_error(422, str(exc)) from None
    except (TypeError, ValueError):
        raise _json_error(422, "malformed request") from None
    return web.json_response({"ok": True, "result": result})


def _action(name: str) -> Any:
    async def handler(request: web.Request) -> web.Response:
        return await _act(request, name)

    return handler


async def get_transcript(request: web.Request) -> web.Response:
    """The chat. With ?since=VERSION&wait=SECONDS it first waits (up to 25 s) until the
    sandbox has changed since that version, so a watcher never misses nor re-reads a change."""
    world, user = _world(request), _user(request)
    bot = _bot(world)
    try:
        wait = min(float(request.query.get("wait", 0) or 0), 25.0)
        since = int(request.query.get("since", -1))
    except ValueError:
        raise _json_error(422, "wait and since must be numbers") from None
    if wait > 0 and since == world.version:
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(world.changed.wait(), wait)
    return web.json_response({**transcript(world, bot, user), "version": world.version})


async def get_document(request: web.Request) -> web.Response:
    document = _world(request).documents.get(request.match_info["file_id"])
    if document is None:
        raise _json_error(404, "no such document")
    return web.Response(
        body=document.content,
        content_type=document.mime_type,
        headers={"Content-Disposition": f'attachment; filename="{document.file_name}"'},
    )


async def get_rules(request: web.Request) -> web.Response:
    return web.json_response(_world(request).rules.as_dict())


async def put_rules(request: web.Request) -> web.Response:
    rules = _world(request).rules
    try:
        rules.update(await _body(request))
    except KeyError as exc:
        raise _json_error(422, f"unknown rule {exc.args[0]!r}") from None
    except (TypeError, ValueError):
        raise _json_error(422, "a rule got a value of the wrong type") from None
    return web.json_response(rules.as_dict())


async def redeliver(request: web.Request) -> web.Response:
    try:
        update_id = user_actions.redeliver_last(_world(request), _bot(_world(request)))
    except UserActionError as exc:
        raise _json_error(409, str(exc)) from None
    return web.json_response({"ok": True, "result": update_id})


async def get_bot(request: web.Request) -> web.Response:
    bot = _bot(_world(request))
    return web.json_response(
        {
            **bot.as_user(),
            "webhook": bot.webhook.url if bot.webhook else None,
            "pending_updates": len(bot.updates),
            "commands": bot.commands,
        }
    )


def add_routes(app: web.Application) -> None:
    app.router.add_get("/api/users", list_users)
    app.router.add_post("/api/users", create_user)
    for name in ("message", "start", "press", "contact", *user_actions.MEDIA, "block", "unblock"):
        app.router.add_post(f"/api/users/{{user_id}}/{name}", _action(name))
    app.router.add_get("/api/users/{user_id}/transcript", get_transcript)
    app.router.add_get("/api/documents/{file_id}", get_document)
    app.router.add_get("/api/rules", get_rules)
    app.router.add_put("/api/rules", put_rules)
    app.router.add_get("/api/bot", get_bot)
    app.router.add_post("/api/bot/redeliver", redeliver)
