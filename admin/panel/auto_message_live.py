"""What the auto-messages page's script asks while the page is open: the number of people the
form's audience reaches as its fields change, and every message's progress while any is
being sent. Words come ready in the page's language."""

from __future__ import annotations

from aiohttp import web

from admin.panel.auto_messages import (
    AudienceForm,
    AutoMessageForm,
    audience_count_text,
    count_for,
    progress_text,
)
from admin.panel.kit import admins_only, deps, posted, text, uow
from admin.panel.reasons import said
from admin.scope import Scope
from domain.messaging.auto_messages import newest_with_progress, still_sending


@admins_only
async def audience_count(request: web.Request, scope: Scope) -> web.Response:
    """{"count", "text"}; a field the count cannot read: 422 {"field", "error"}."""
    parsed, errors, _ = await posted(request, AudienceForm)
    if parsed is not None:
        form = AutoMessageForm.model_validate(parsed.model_dump())
        n, errors = await count_for(request, form)
        if n is not None:
            return web.json_response({"count": n, "text": audience_count_text(request, n)})
    field, reason = next(iter(said(request, errors).items()))
    return web.json_response({"field": field, "error": reason}, status=422)


@admins_only
async def progress(request: web.Request, scope: Scope) -> web.Response:
    """{"sending": whether to ask again, "messages": [each one's state and numbers]}."""
    now = deps(request).clock.now()
    listed = await newest_with_progress(uow(request))
    messages = [
        {
            "id": message.id,
            "state": text(request, f"panel.auto_messages.state.{message.state.value}"),
            "state_code": message.state.value,
            "queued": done.queued,
            "sent": done.sent,
            "failed": done.failed,
            "unreachable": done.unreachable,
            "pending": done.pending,
            "settled": done.settled,
            "text": progress_text(request, done),
            "sending": still_sending(message, done, now),
        }
        for message, done in listed
    ]
    sending = any(m["sending"] for m in messages)
    return web.json_response({"sending": sending, "messages": messages})


def install(app: web.Application) -> None:
    app.router.add_post("/auto-messages/audience", audience_count)
    app.router.add_get("/auto-messages/progress", progress)
