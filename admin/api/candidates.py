"""/candidates: the filtered list (with tags), one candidate's whole record, changing a status
with a reason (the thread, notes and tags: threads.py, notes.py, tags.py). A recruiter's token
sees its own cities' candidates only."""

from __future__ import annotations

from typing import Any

from pydantic import ConfigDict

from admin.api.kit import ApiError, Call, Operation
from admin.locale import current_locale
from admin.schemas.candidates import (
    CandidatePageOut,
    CandidateProfileOut,
    StatusChangeIn,
    StatusChangeOut,
)
from core.iso import IsoDate
from domain.conversations.tags import tags_of_candidates
from domain.pipeline.actions import change_status
from domain.pipeline.directory import CandidateFilter, candidate_profile, search_candidates
from domain.privacy.consent import consent_label


class CandidateQuery(CandidateFilter):
    """The list's filters as query parameters; a misspelt one is refused, not ignored."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    created_from: IsoDate | None = None
    created_to: IsoDate | None = None


async def list_candidates(call: Call) -> dict[str, Any]:
    flt: CandidateQuery = call.query
    rows, total = await search_candidates(call.uow, flt, call.scope.city_ids)
    tags = await tags_of_candidates(call.uow, [row.id for row in rows])  # one query a page
    # A row's fields as pydantic keeps them (`__dict__`: a C-level copy; `dict(row)` walks
    # them in Python), checked once with the answer.
    items = [{**row.__dict__, "tags": tags.get(row.id, [])} for row in rows]
    return {"items": items, "total": total, "limit": flt.limit, "offset": flt.offset}


async def get_candidate(call: Call) -> Any:
    profile = await candidate_profile(call.uow, call.ids["candidate_id"], call.scope.city_ids)
    if profile is None:
        raise ApiError(404, "reason.no_such.candidate")
    tags = await tags_of_candidates(call.uow, [profile.candidate.id])
    candidate = {
        **dict(profile.candidate),
        "tags": tags.get(profile.candidate.id, []),
        "consent_meaning": consent_label(
            call.deps.messaging.catalog, profile.candidate.consent, current_locale()
        ),
    }
    return {**dict(profile), "candidate": candidate}


async def change_candidate_status(call: Call) -> Any:
    body: StatusChangeIn = call.body
    changed = await change_status(
        call.uow,
        call.ids["candidate_id"],
        body.status,
        body.reason,
        tell=call.deps.messaging,
        **call.who(),
    )
    return changed.unwrap()


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
]
