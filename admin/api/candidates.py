"""/candidates: the filtered list, one candidate's whole record, changing a status with a reason
and writing to a candidate. A recruiter's token sees its own cities' candidates only."""

from __future__ import annotations

from typing import Any

from pydantic import ConfigDict

from admin.api.kit import ApiError, Call, Operation, refusal
from admin.schemas.candidates import (
    CandidatePageOut,
    CandidateProfileOut,
    MessageIn,
    StatusChangeIn,
    StatusChangeOut,
)
from admin.schemas.common import Output
from core.iso import IsoDate
from core.result import Failure
from domain.pipeline.actions import change_status, send_message
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
    async with call.deps.uow_factory() as uow:
        rows, total = await search_candidates(uow, flt, call.scope.city_ids)
    return {"items": rows, "total": total, "limit": flt.limit, "offset": flt.offset}


async def get_candidate(call: Call) -> Any:
    async with call.deps.uow_factory() as uow:
        profile = await candidate_profile(uow, call.ids["candidate_id"], call.scope.city_ids)
    if profile is None:
        raise ApiError(404, "no such candidate")
    return profile


def _who(call: Call) -> dict[str, Any]:
    scope = call.scope
    return {"actor": scope.actor, "admin_user_id": scope.user_id, "city_ids": scope.city_ids}


async def change_candidate_status(call: Call) -> Any:
    body: StatusChangeIn = call.body
    async with call.deps.uow_factory() as uow:
        result = await change_status(
            uow, call.ids["candidate_id"], body.status, body.reason, **_who(call)
        )
    if isinstance(result, Failure):
        raise refusal(result.error)
    return result.value


async def message_candidate(call: Call) -> dict[str, Any]:
    body: MessageIn = call.body
    async with call.deps.uow_factory() as uow:
        result = await send_message(
            uow, call.deps.clock, call.ids["candidate_id"], body.text, **_who(call)
        )
    if isinstance(result, Failure):
        raise refusal(result.error)
    return {"notification_id": result.value}


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
