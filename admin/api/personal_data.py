"""/candidates/{id}/export and /candidates/{id}/erase: a copy of everything held about a
candidate, and the erasure of their personal data (admins only, with a reason)."""

from __future__ import annotations

from typing import Any

from admin.api.kit import ApiError, Call, Operation
from admin.schemas.candidates import EraseIn
from admin.schemas.personal_data import ErasedOut, PersonalCopyOut
from domain.pipeline.arrival import candidate_by_id
from domain.privacy.erasure import erase_candidate
from domain.privacy.export import personal_copy


async def export_candidate(call: Call) -> Any:
    candidate = await candidate_by_id(call.uow, call.ids["candidate_id"])
    if candidate is None:
        raise ApiError(404, "reason.no_such.candidate")
    copy = await personal_copy(call.uow, candidate)
    return {"candidate_id": copy.candidate_id, "tables": copy.tables}


async def erase(call: Call) -> Any:
    body: EraseIn = call.body
    who = call.who()
    erased = await erase_candidate(
        call.uow,
        call.deps.messaging,
        call.ids["candidate_id"],
        actor=who["actor"],
        reason=body.reason,
        admin_user_id=who["admin_user_id"],
    )
    return {"candidate_id": erased.unwrap()}


_ONE = "/candidates/{candidate_id}"
OPERATIONS = [
    Operation(
        "GET",
        _ONE + "/export",
        "Everything held about the candidate, every table's rows (admins)",
        "candidates",
        export_candidate,
        answer=PersonalCopyOut,
        admin_only=True,
    ),
    Operation(
        "POST",
        _ONE + "/erase",
        "Erase the candidate's personal data, with a reason (admins)",
        "candidates",
        erase,
        None,
        EraseIn,
        ErasedOut,
        errors=(401, 404, 409),
        admin_only=True,
    ),
]
