"""The copy of everything held about a person: every row of every table that is theirs (found
through the database's foreign keys, so a new table is in it without a change here), and a
short readable summary of it."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from domain.records import Candidate
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


async def personal_copy(uow: UnitOfWork, candidate: Candidate) -> PersonalCopy:
    tables = await uow.personal_data.rows_of(candidate.id, candidate.telegram_id)
    return PersonalCopy(candidate_id=candidate.id, tables=tables)
