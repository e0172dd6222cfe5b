"""/candidates: the filtered list, one candidate's whole record, changing a status with a reason
and writing to a candidate. A recruiter's token sees its own cities' candidates only."""

from __future__ import annotations

from typing import Any

from pydantic import ConfigDict

from admin.api.kit import ApiError, Call, Operation
from admin.schemas.candidates import (
    CandidatePageOut,
    CandidateProfileOut,
    MessageIn,
    StatusChangeIn,
    StatusChangeOut,
)
from admin.schemas.common import Output
from core.iso import IsoDate
from domain.conversations.replies import send_reply
from domain.pipeline.actions import change_status
from domain.pipeline.directory import CandidateFilter, candidate_profile, search_candidates


class CandidateQuery(CandidateFilter):
    """The list's filters as query parameters; a misspelt one is refused, not ignored."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    created_from: IsoDate | None = None
    created_to: IsoDate | None = None


class QueuedOut(Output):
    notification_id: int


async def list_candidates(call: Call) -> dict[str, Any]:
    flt: CandidateQuery = call.query
    rows, total = await search_candidates(call.uow, flt, call.scope.city_ids)
    return {"items": rows, "total": total, "limit": flt.limit, "offset": flt.offset}


async def get_candidate(call: Call) -> Any:
    profile = await candidate_profile(call.uow, call.ids["candidate_id"], call.scope.city_ids)
    if profile is None:
        raise ApiError(404, "no such candidate")
    return profile


def _who(call: Call) -> dict[str, Any]:
    scope = call.scope
    return {"actor": scope.actor, "admin_user_id": scope.user_id, "city_ids": scope.city_ids}


async def change_candidate_status(call: Call) -> Any:
    body: StatusChangeIn = call.body
    changed = await change_status(
        call.uow,
        call.ids["candidate_id"],
        body.status,
        body.reason,
        tell=call.deps.messaging,
        **_who(call),
    )
    return changed.unwrap()


async def message_candidate(call: Call) -> dict[str, Any]:
    body: MessageIn = call.body
    m = call.deps.messaging
    queued = await send_reply(
        call.uow, m.catalog, m.clock, call.ids["candidate_id"], body.text, **_who(call)
    )
    return {"notification_id": queued.unwrap()}


_ONE = "/candidates/{candidate_id}"
OPERATIONS = [
    Operation(
        "GET",
        "/candidates",
        "Search and filter candidates, paged",
        "candidates",
        list_candidates,
        CandidateQuery,
        None,
        CandidatePageOut,
    ),
    Operation(
        "GET",
        _ONE,
        "A candidate with answers, scores, bookings, status history and messages",
        "candidates",
        get_candidate,
        answer=CandidateProfileOut,
    ),
    Operation(
        "POST",
        _ONE + "/status",
        "Change the status, with a reason",
        "candidates",
        change_candidate_status,
        None,
        StatusChangeIn,
        StatusChangeOut,
    ),
    Operation(
        "POST",
        _ONE + "/messages",
        "Write to the candidate through the bot",
        "candidates",
        message_candidate,
        None,
        MessageIn,
        QueuedOut,
        status=202,
    ),
]
