"""The dashboard's table-wide counts are kept briefly: a second view within the kept time runs
no aggregate, the page says when they were counted, and after the kept time they are counted
again. The cache's clock is the test's (a fake monotonic), never the machine's."""

from __future__ import annotations

from core.enums import CandidateStatus
from domain.reporting.dashboard import FIGURES_KEPT_SECONDS
from storage.cache import MemoryBackend
from tests.admin.conftest import Panel
from tests.support.factories import make_candidate
from tests.support.query_counter import count_queries


def _aggregates(statements: list[str]) -> list[str]:
    """The table-wide counts (each a GROUP BY); the menu's count of open requests, an indexed
    read of a few rows, is not one of them."""
    return [s for s in statements if "group by" in s.lower()]


async def _add_candidates(panel: Panel, n: int) -> None:
    async with panel.storage.uow() as uow:
        kazan = await uow.cities.get(panel.kazan_id)
        assert kazan is not None
        for _ in range(n):
            await make_candidate(uow, kazan, status=CandidateStatus.NEW)
        await uow.commit()


async def test_a_second_view_within_the_kept_time_counts_nothing(panel: Panel) -> None:
    seconds = [0.0]
    panel.storage.cache.backend = MemoryBackend(monotonic=lambda: seconds[0])
    await _add_candidates(panel, 3)
    await panel.login()
    with count_queries(panel.storage.engine) as first:
        page = await (await panel.client.get("/")).text()
    assert "<td>Started</td><td>3</td>" in page
    assert 'id="counted-at"' in page
    assert _aggregates(first)  # counted on the first view

    await _add_candidates(panel, 2)
    seconds[0] += FIGURES_KEPT_SECONDS - 1
    with count_queries(panel.storage.engine) as second:
        page = await (await panel.client.get("/")).text()
    assert _aggregates(second) == []
    assert "<td>Started</td><td>3</td>" in page  # as counted, and the page says when

    seconds[0] += 2  # past the kept time
    page = await (await panel.client.get("/")).text()
    assert "<td>Started</td><td>5</td>" in page


async def test_each_scope_keeps_its_own_counts(panel: Panel) -> None:
    panel.storage.cache.backend = MemoryBackend(monotonic=lambda: 0.0)
    async with panel.storage.uow() as uow:
        kazan = await uow.cities.get(panel.kazan_id)
        samara = await uow.cities.get(panel.samara_id)
        assert kazan is not None and samara is not None
        await make_candidate(uow, kazan)
        await make_candidate(uow, samara)
        await uow.commit()
    await panel.login()
    assert "<td>Started</td><td>2</td>" in await (await panel.client.get("/")).text()
    await panel.client.post("/logout", allow_redirects=False)
    await panel.login("rec")
    assert "<td>Started</td><td>1</td>" in await (await panel.client.get("/")).text()
