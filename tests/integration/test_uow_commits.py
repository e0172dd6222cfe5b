"""A commit with nothing to write sends nothing; one with something still commits it."""

from __future__ import annotations

from typing import Any

from sqlalchemy import event, update

from storage.models import Candidate
from tests.conftest import Storage
from tests.support.factories import make_candidate


def _count_commits(storage: Storage) -> list[int]:
    commits: list[int] = []

    def commit(_conn: Any) -> None:
        commits.append(1)

    event.listen(storage.engine.sync_engine, "commit", commit)
    return commits


async def test_a_commit_after_reads_alone_sends_nothing(sqlite_storage: Storage) -> None:
    async with sqlite_storage.uow() as uow:
        candidate = await make_candidate(uow, telegram_id=5)
        await uow.commit()
    commits = _count_commits(sqlite_storage)
    async with sqlite_storage.uow() as uow:
        found = await uow.candidates.get_by_telegram_id(5)
        assert found is not None
        found.full_name = found.full_name  # set to what it was: nothing to write
        await uow.commit()
    assert commits == []
    assert candidate.id == found.id


async def test_writes_are_committed_whether_through_entities_or_statements(
    sqlite_storage: Storage,
) -> None:
    async with sqlite_storage.uow() as uow:
        await make_candidate(uow, telegram_id=6, full_name="Before")
        await uow.commit()
    async with sqlite_storage.uow() as uow:
        await uow.session.execute(
            update(Candidate).where(Candidate.telegram_id == 6).values(full_name="After")
        )
        await uow.commit()
    async with sqlite_storage.uow() as uow:
        found = await uow.candidates.get_by_telegram_id(6)
        assert found is not None
        assert found.full_name == "After"
