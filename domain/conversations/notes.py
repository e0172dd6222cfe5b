"""Private notes on a candidate: written by recruiters and accounts, never sent, kept in the
thread and the audit log."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from core.clock import Clock
from core.errors import InvalidField, NotFound
from core.result import Failure, Result, Success
from domain.conversations.routing import visible_candidate
from domain.pipeline.directory import actor_name
from domain.refusals import REQUIRED, TOO_LONG, refusal
from storage.models import CandidateNote
from storage.uow import UnitOfWork

NoteError = InvalidField | NotFound
MAX_NOTE = 4000
NOTES_SHOWN = 200


async def add_note(
    uow: UnitOfWork,
    clock: Clock,
    candidate_id: int,
    text: str,
    *,
    actor: str,
    admin_user_id: int | None = None,
    city_ids: frozenset[int] | None = None,
) -> Result[CandidateNote, NoteError]:
    """Keep a note on the candidate (in scope), audited with its length. Commits."""
    candidate = await visible_candidate(uow, candidate_id, city_ids)
    if candidate is None:
        return Failure(NotFound(f"candidate {candidate_id}"))
    words = text.strip()
    if not words:
        return Failure(InvalidField("text", REQUIRED))
    if len(words) > MAX_NOTE:
        return Failure(refusal("text", TOO_LONG, limit=MAX_NOTE))
    note = await uow.notes.create(
        CandidateNote(candidate_id=candidate.id, actor=actor, text=words, created_at=clock.now())
    )
    uow.audit.record(
        actor=actor,
        admin_user_id=admin_user_id,
        action="add_note",
        entity="candidate",
        entity_id=candidate.id,
        details={"note_id": note.id, "length": len(words)},
    )
    await uow.commit()
    return Success(note)


async def notes_of(uow: UnitOfWork, candidate_id: int) -> list[CandidateNote]:
    """The candidate's notes, oldest first (the latest `NOTES_SHOWN`)."""
    return list(reversed(await uow.notes.of_candidate(candidate_id, NOTES_SHOWN)))


@dataclass(frozen=True)
class NoteView:
    """A note with who wrote it: `author_kind` as the history names actors (recruiter, admin,
    api_token, ...), `author_name` the recruiter's name or the account's login."""

    id: int
    text: str
    created_at: datetime
    author_kind: str
    author_name: str | None


async def note_views(uow: UnitOfWork, notes: list[CandidateNote]) -> list[NoteView]:
    """The notes with their authors named (one look-up per author)."""
    authors: dict[str, tuple[str, str | None]] = {}
    for note in notes:
        if note.actor not in authors:
            authors[note.actor] = await actor_name(uow, note.actor)
    return [NoteView(note.id, note.text, note.created_at, *authors[note.actor]) for note in notes]


async def candidate_notes(
    uow: UnitOfWork, candidate_id: int, city_ids: frozenset[int] | None
) -> list[NoteView] | None:
    """`notes_of` with authors, for someone limited to `city_ids`; None when out of scope."""
    candidate = await visible_candidate(uow, candidate_id, city_ids)
    if candidate is None:
        return None
    return await note_views(uow, await notes_of(uow, candidate.id))
