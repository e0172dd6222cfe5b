"""/auto-messages: broadcasts and triggered messages, their pause, resume and progress."""

from __future__ import annotations

from typing import Any

from pydantic import Field

from admin.api.kit import ApiError, Call, Operation
from admin.locale import current_locale
from admin.schemas.common import Id, Input, Name, Output, Page, listing
from core.enums import AutoMessageKind, AutoMessageTrigger, CandidateStatus
from core.iso import Instant
from domain.messaging.audience import count_audience
from domain.messaging.auto_messages import (
    Progress,
    auto_messages_page,
    create_auto_message,
    find_auto_message,
    progress,
    set_paused,
)
from domain.records import AutoMessage
from storage.uow import UnitOfWork


class AudienceIn(Input):
    city_ids: list[Id] = Field(default_factory=list, max_length=500)
    statuses: list[CandidateStatus] = Field(default_factory=list)
    source: str | None = Field(None, max_length=64)
    registered_from: Instant | None = None
    registered_to: Instant | None = None


class AutoMessageIn(Input):
    name: Name
    kind: AutoMessageKind
    text: str | None = Field(None, max_length=4000, description="A template body; or give one")
    template_key: str | None = Field(None, max_length=100, description="a shipped template key")
    audience: AudienceIn = Field(default_factory=AudienceIn)
    send_at: Instant | None = Field(None, description="Broadcasts: when (empty: now)")
    trigger: AutoMessageTrigger | None = None
    after_hours: int | None = Field(None, ge=1, le=24 * 90)


class ProgressOut(Output):
    queued: int
    sent: int
    failed: int
    unreachable: int
    pending: int


class AudienceCountOut(Output):
    count: int = Field(description="People a broadcast to this audience would write to now")


class AutoMessageOut(Output):
    id: int
    name: str
    kind: str
    state: str
    trigger: str | None
    after_hours: int | None
    send_at: str | None
    audience: dict[str, Any]
    progress: ProgressOut


def _out(message: AutoMessage, done: Progress) -> dict[str, Any]:
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


async def _one(uow: UnitOfWork, message: AutoMessage) -> dict[str, Any]:
    return _out(message, await progress(uow, message.id))


async def create_auto_message_route(call: Call) -> dict[str, Any]:
    spec = call.body.model_dump(mode="json", exclude_none=True)
    created = await create_auto_message(
        call.uow,
        call.deps.catalog,
        spec,
        call.deps.clock,
        actor=call.scope.actor,
        reason_locale=current_locale(),
    )
    return await _one(call.uow, created.unwrap())


async def count_auto_message_audience(call: Call) -> dict[str, Any]:
    audience = call.body.model_dump(mode="json", exclude_none=True)
    return {"count": (await count_audience(call.uow, audience)).unwrap()}


async def list_auto_messages(call: Call) -> dict[str, Any]:
    page: Page = call.query
    listed, total = await auto_messages_page(call.uow, limit=page.limit, offset=page.offset)
    items = [_out(m, done) for m, done in listed]
    return {"items": items, "total": total, "limit": page.limit, "offset": page.offset}


async def get_auto_message(call: Call) -> dict[str, Any]:
    message = await find_auto_message(call.uow, call.ids["message_id"])
    if message is None:
        raise ApiError(404, "reason.no_such.auto_message")
    return await _one(call.uow, message)


async def _pause_or_resume(call: Call, paused: bool) -> dict[str, Any]:
    changed = await set_paused(call.uow, call.ids["message_id"], paused, actor=call.scope.actor)
    return await _one(call.uow, changed.unwrap())


async def pause_auto_message(call: Call) -> dict[str, Any]:
    return await _pause_or_resume(call, True)


async def resume_auto_message(call: Call) -> dict[str, Any]:
    return await _pause_or_resume(call, False)


_ONE = "/auto-messages/{message_id}"
OPERATIONS = [
    Operation(
        "GET",
        "/auto-messages",
        "List auto-messages with their progress",
        "auto-messages",
        list_auto_messages,
        Page,
        None,
        listing(AutoMessageOut),
        admin_only=True,
    ),
    Operation(
        "POST",
        "/auto-messages",
        "Schedule a broadcast or a trigger",
        "auto-messages",
        create_auto_message_route,
        None,
        AutoMessageIn,
        AutoMessageOut,
        status=201,
        errors=(),
        admin_only=True,
    ),
    Operation(
        "POST",
        "/auto-messages/audience-count",
        "Count the people a broadcast to this audience would reach (each person once)",
        "auto-messages",
        count_auto_message_audience,
        None,
        AudienceIn,
        AudienceCountOut,
        errors=(),
        admin_only=True,
    ),
    Operation(
        "GET",
        _ONE,
        "One auto-message",
        "auto-messages",
        get_auto_message,
        answer=AutoMessageOut,
        admin_only=True,
    ),
    Operation(
        "POST",
        _ONE + "/pause",
        "Hold its unsent messages",
        "auto-messages",
        pause_auto_message,
        answer=AutoMessageOut,
        admin_only=True,
    ),
    Operation(
        "POST",
        _ONE + "/resume",
        "Send its held messages again",
        "auto-messages",
        resume_auto_message,
        answer=AutoMessageOut,
        admin_only=True,
    ),
]
