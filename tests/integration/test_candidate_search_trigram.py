"""Search by name on PostgreSQL goes through the trigram index (migration 0013): the very
statements the list sends can be served by it, and they find what the scan found."""

from __future__ import annotations

import re

from sqlalchemy import text

from storage.repositories.candidate_search import CandidateCriteria
from tests.conftest import Storage
from tests.support.factories import make_candidate, make_city
from tests.support.query_counter import count_queries


async def test_the_search_statements_can_use_the_trigram_index(postgres_storage: Storage) -> None:
    storage = postgres_storage
    async with storage.uow() as uow:
        city = await make_city(uow)
        for name in ("Щербаков Иван", "Щербакова Анна", "Иванов Пётр", "50% Off_Name"):
            await make_candidate(uow, city, full_name=name)
        await uow.commit()
    criteria = CandidateCriteria(text=("щербаков",))
    async with storage.uow() as uow:
        with count_queries(storage.engine) as statements:
            matching = await uow.candidate_search.count_matching(criteria)
            page = await uow.candidate_search.page(
                criteria, order="created_at", descending=False, limit=50, offset=0, matching=2
            )
        assert matching == 2
        assert sorted(row.full_name or "" for row in page) == ["Щербаков Иван", "Щербакова Анна"]
        # With scans ruled out, each statement that filters by text is planned on the index.
        await uow.session.execute(text("SET LOCAL enable_seqscan = off"))
        like = [s for s in statements if "LIKE" in s]
        assert like
        for statement in like:
            literal = re.sub(r"\$\d+::INTEGER", "1", statement).replace("$1", "'щербаков'")
            plan = await uow.session.execute(text("EXPLAIN " + literal))
            assert "ix_candidates_search_trgm" in "\n".join(r[0] for r in plan)
