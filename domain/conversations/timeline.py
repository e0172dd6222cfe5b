"""A candidate's whole story as one timeline, newest last: the thread both ways, status changes,
bookings made, moved and ended, and private notes. The panel's candidate page shows it; the API
can hand out the same entries."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Literal

from core.enums import BookingStatus
from domain.conversations.notes import notes_of
from domain.conversations.thread import ThreadMessage, thread_messages
from domain.pipeline.directory import BookingRow, Profile, StatusChangeRow, actor_name
from storage.uow import UnitOfWork

EntryKind = Literal["message", "status", "booking", "note"]
# What happened to a booking: made (a new one), moved (made in place of another), or the status
# it went to later (canceled, declined, confirmed, ...).
BookingEvent = Literal["made", "moved", "changed"]


@dataclass(frozen=True)
class BookingChange:
    booking: BookingRow
    event: BookingEvent
    to_status: BookingStatus
    reason: str | None
    actor: str
    actor_kind: str
    actor_name: str | None


@dataclass(frozen=True)
class NoteEntry:
    id: int
    text: str
    actor: str
    actor_kind: str
    actor_name: str | None


@dataclass(frozen=True)
class TimelineEntry:
    """One thing that happened, at `at`; exactly the field `kind` names is set."""

    kind: EntryKind
    at: datetime
    message: ThreadMessage | None = None
    status: StatusChangeRow | None = None
    booking: BookingChange | None = None
    note: NoteEntry | None = None


class _Names:
    """Actor strings resolved once per timeline."""

    def __init__(self, uow: UnitOfWork) -> None:
        self._uow = uow
        self._known: dict[str, tuple[str, str | None]] = {}

    async def of(self, actor: str) -> tuple[str, str | None]:
        if actor not in self._known:
            self._known[actor] = await actor_name(self._uow, actor)
        return self._known[actor]


async def _booking_changes(
    uow: UnitOfWork, bookings: tuple[BookingRow, ...], names: _Names
) -> list[TimelineEntry]:
    entries: list[TimelineEntry] = []
    for row in bookings:
        booking = await uow.bookings.get(row.id)
        history = await uow.bookings.history(row.id)
        for n, change in enumerate(history):
            event: BookingEvent = "changed"
            if n == 0 and change.from_status is None:
                moved = booking is not None and booking.replaces_booking_id is not None
                event = "moved" if moved else "made"
            kind, name = await names.of(change.actor)
            entries.append(
                TimelineEntry(
                    kind="booking",
                    at=change.created_at,
                    booking=BookingChange(
                        row, event, change.to_status, change.reason, change.actor, kind, name
                    ),
                )
            )
    return entries


async def candidate_timeline(uow: UnitOfWork, profile: Profile) -> list[TimelineEntry]:
    """Everything that happened to the candidate of `profile` (read in scope by
    `directory.candidate_profile`), oldest first; at the same instant, in the order things are
    written (a status change before the message it queued)."""
    candidate = await uow.candidates.get(profile.candidate.id)
    if candidate is None:
        return []
    names = _Names(uow)
    entries = [
        TimelineEntry(kind="message", at=m.at, message=m)
        for m in await thread_messages(uow, candidate)
    ]
    entries += [TimelineEntry(kind="status", at=s.created_at, status=s) for s in profile.timeline]
    entries += await _booking_changes(uow, profile.bookings, names)
    for note in await notes_of(uow, candidate.id):
        kind, name = await names.of(note.actor)
        entries.append(
            TimelineEntry(
                kind="note",
                at=note.created_at,
                note=NoteEntry(note.id, note.text, note.actor, kind, name),
            )
        )
    order = {"status": 0, "booking": 1, "note": 2, "message": 3}
    return sorted(entries, key=lambda e: (e.at, order[e.kind]))
