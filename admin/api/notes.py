"""/candidates/{id}/notes: private notes on a candidate, never sent to them. A recruiter's token
reads and writes its own cities' candidates only (404 otherwise)."""

from __future__ import annotations

from typing import Any

from admin.api.kit import ApiError, Call, Operation
from admin.schemas.conversations import NoteIn, NoteListOut, NoteOut
from domain.conversations.notes import NoteView, add_note, candidate_notes, note_views


async def list_notes(call: Call) -> dict[str, Any]:
    notes = await candidate_notes(call.uow, call.ids["candidate_id"], call.scope.city_ids)
    if notes is None:
        raise ApiError(404, "reason.no_such.candidate")
    return {"items": notes}


async def create_note(call: Call) -> NoteView:
    body: NoteIn = call.body
    scope = call.scope
    added = await add_note(
        call.uow,
        call.deps.clock,
        call.ids["candidate_id"],
        body.text,
        actor=scope.actor,
        admin_user_id=scope.user_id,
        city_ids=scope.city_ids,
    )
    [view] = await note_views(call.uow, [added.unwrap()])
    return view


_NOTES = "/candidates/{candidate_id}/notes"
OPERATIONS = [
    Operation(
        "GET",
        _NOTES,
        "The candidate's private notes with their authors, oldest first",
        "notes and tags",
        list_notes,
        answer=NoteListOut,
    ),
    Operation(
        "POST",
        _NOTES,
        "Add a private note (never sent to the candidate; in the audit log)",
        "notes and tags",
        create_note,
        None,
        NoteIn,
        NoteOut,
        status=201,
    ),
]
