"""The copy of everything held about a person: every row of every table that is theirs (found
through the database's foreign keys, so a new table is in it without a change here), and a
short readable summary of it. It is the person's data, not the staff's: messages that went to
someone else's chat (a recruiter's card, a digest) are left out, and so is who on the staff
did what (authors, readers, handlers); what was written about the person (a private note's
text and date) is in it."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from domain.records import Candidate
from domain.vacancies.applications import applications_of
from storage.uow import UnitOfWork


@dataclass(frozen=True)
class PersonalCopy:
    candidate_id: int
    tables: dict[str, list[dict[str, Any]]]

    def as_json(self) -> bytes:
        return json.dumps(
            {"candidate_id": self.candidate_id, "tables": self.tables},
            ensure_ascii=False,
            indent=2,
            default=str,
        ).encode()

    def counts(self) -> dict[str, int]:
        return {table: len(rows) for table, rows in self.tables.items() if rows}

    @property
    def profile(self) -> dict[str, Any]:
        return self.tables["candidates"][0]


# Columns naming someone on the staff (or the process that sent a message), in any table.
STAFF_COLUMNS = frozenset(
    {"actor", "admin_user_id", "handled_by", "read_by", "locked_by", "locked_until"}
)
NOTIFICATIONS = "notifications"
SUBJECTS = "notification_subjects"


def _own(table: str, row: dict[str, Any], candidate_ids: set[int], chat_id: int) -> bool:
    """Whether a row found through the person's rows is theirs to see."""
    if table == NOTIFICATIONS:  # to their own chat only, not what recruiters were sent
        return bool(row.get("recipient_chat_id") == chat_id)
    if table == SUBJECTS:  # that a staff message named them, not whom else one named
        return row.get("candidate_id") in candidate_ids
    return True


def _without_staff(table: str, row: dict[str, Any]) -> dict[str, Any]:
    kept = {column: value for column, value in row.items() if column not in STAFF_COLUMNS}
    payload = kept.get("payload")
    if table == NOTIFICATIONS and isinstance(payload, dict) and "author" in payload:
        kept["payload"] = {k: v for k, v in payload.items() if k != "author"}
    return kept


async def personal_copy(uow: UnitOfWork, candidate: Candidate) -> PersonalCopy:
    """Everything held about the person `candidate` is an application of: all their
    applications (one account), the one they are in now first."""
    chat_id = candidate.telegram_id
    ids = {a.id for a in await applications_of(uow, candidate)} | {candidate.id}
    found = await uow.personal_data.rows_of(ids, chat_id)
    found["candidates"] = sorted(found.get("candidates", []), key=lambda r: r["id"] != candidate.id)
    tables = {
        table: [_without_staff(table, row) for row in rows if _own(table, row, ids, chat_id)]
        for table, rows in found.items()
    }
    return PersonalCopy(candidate_id=candidate.id, tables=tables)
