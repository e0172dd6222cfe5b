"""/candidates/{id}/messages and /inbox: the thread with a candidate both directions, writing to
them through the bot, marking what they wrote read, and the conversations waiting for an answer.
A recruiter's token reads and answers its own cities' candidates only (404 otherwise)."""

from __future__ import annotations

from typing import Any

from admin.api.kit import ApiError, Call, Operation
from admin.schemas.candidates import MessageIn
from admin.schemas.common import Output, Page
from admin.schemas.conversations import InboxOut, ReadOut, ThreadOut, ThreadQuery
from domain.conversations.inbox import inbox, read_thread
from domain.conversations.replies import send_reply
from domain.conversations.routing import visible_candidate
from domain.conversations.thread import thread_page


class QueuedOut(Output):
    notification_id: int


async def candidate_thread(call: Call) -> dict[str, Any]:
    query: ThreadQuery = call.query
    candidate = await visible_candidate(call.uow, call.ids["candidate_id"], call.scope.city_ids)
    if candidate is None:
        raise ApiError(404, "reason.no_such.candidate")
    page = await thread_page(call.uow, candidate, limit=query.limit, offset=query.offset)
    return {
        "items": page.messages,
        "total": page.total,
        "limit": query.limit,
        "offset": query.offset,
    }


async def message_candidate(call: Call) -> dict[str, Any]:
    body: MessageIn = call.body
    m = call.deps.messaging
    queued = await send_reply(
        call.uow, m.catalog, m.clock, call.ids["candidate_id"], body.text, **call.who()
    )
    return {"notification_id": queued.unwrap()}


async def read_candidate_thread(call: Call) -> dict[str, Any]:
    read = await read_thread(
        call.uow,
        call.deps.clock,
        call.ids["candidate_id"],
        actor=call.scope.actor,
        city_ids=call.scope.city_ids,
    )
    return {"read": read.unwrap()}


async def list_inbox(call: Call) -> dict[str, Any]:
    page: Page = call.query
    found = await inbox(call.uow, call.scope.city_ids, limit=page.limit, offset=page.offset)
    items = [
        {
            "candidate_id": row.candidate_id,
            "full_name": row.candidate_name,
            "username": row.username,
            "city_id": row.city_id,
            "city": row.city_name,
            "unread": row.unread,
            "waiting_since": row.waiting_since,
            "last_at": row.last_at,
        }
        for row in found.rows
    ]
    return {
        "items": items,
        "total": found.threads,
        "unread": found.unread,
        "limit": page.limit,
        "offset": page.offset,
    }


_THREAD = "/candidates/{candidate_id}/messages"
OPERATIONS = [
    Operation(
        "GET",
        _THREAD,
        "The thread with the candidate, both directions, oldest first (read from its end: "
        "`offset` skips the newest); reading it does not mark it read",
        "conversations",
        candidate_thread,
        ThreadQuery,
        None,
        ThreadOut,
    ),
    Operation(
        "POST",
        _THREAD,
        "Write to the candidate through the bot, under this token's account's name (queued: "
        "202); a candidate who blocked the bot is 422 on `text`",
        "conversations",
        message_candidate,
        None,
        MessageIn,
        QueuedOut,
        status=202,
    ),
    Operation(
        "POST",
        _THREAD + "/read",
        "Mark what the candidate wrote read (the inbox forgets them until they write again)",
        "conversations",
        read_candidate_thread,
        answer=ReadOut,
    ),
    Operation(
        "GET",
        "/inbox",
        "Candidates with unread messages and how many, who has waited longest first",
        "conversations",
        list_inbox,
        Page,
        None,
        InboxOut,
    ),
]
