"""The API's lists read what they show and no more: the candidate list's total is counted once
and kept until a candidate is written (paging counts nothing, and the total stays exact); the
slot list builds its rows from plain columns, loading no ORM object."""

from __future__ import annotations

from datetime import timedelta

from aiohttp.test_utils import TestClient

from domain.scheduling.slots import recruiter_slots
from storage.models import Slot
from tests.admin.conftest import bearer
from tests.conftest import Storage
from tests.support.factories import NOW, make_candidate, make_slot
from tests.support.query_counter import count_queries

Api = tuple[TestClient, Storage, dict[str, str]]


def _counts(statements: list[str]) -> list[str]:
    return [s for s in statements if "count(" in s.lower()]


async def _add_candidates(storage: Storage, n: int) -> None:
    async with storage.uow() as uow:
        [city] = await uow.cities.list()
        for _ in range(n):
            await make_candidate(uow, city)
        await uow.commit()


async def test_paging_the_candidate_list_counts_the_table_once(api: Api) -> None:
    client, storage, tokens = api
    await _add_candidates(storage, 5)
    first = await client.get("/api/v1/candidates?limit=2", headers=bearer(tokens["boss"]))
    assert (await first.json())["total"] == 5
    with count_queries(storage.engine) as statements:
        for offset in (2, 4):
            page = await client.get(
                f"/api/v1/candidates?limit=2&offset={offset}", headers=bearer(tokens["boss"])
            )
            assert (await page.json())["total"] == 5
    assert _counts(statements) == []
    assert statements  # the pages themselves were read


async def test_the_total_follows_a_new_candidate_at_once(api: Api) -> None:
    client, storage, tokens = api
    await _add_candidates(storage, 2)
    asked = "/api/v1/candidates?limit=1"
    assert (await (await client.get(asked, headers=bearer(tokens["boss"]))).json())["total"] == 2
    await _add_candidates(storage, 1)
    assert (await (await client.get(asked, headers=bearer(tokens["boss"]))).json())["total"] == 3


async def test_a_search_keeps_its_own_count(api: Api) -> None:
    client, storage, tokens = api
    async with storage.uow() as uow:
        [city] = await uow.cities.list()
        await make_candidate(uow, city, full_name="Ivan Petrov")
        await make_candidate(uow, city, full_name="Olga Sidorova")
        await uow.commit()
    everyone = await client.get("/api/v1/candidates", headers=bearer(tokens["boss"]))
    assert (await everyone.json())["total"] == 2
    found = await client.get("/api/v1/candidates?q=petr", headers=bearer(tokens["boss"]))
    body = await found.json()
    assert body["total"] == 1 and [c["full_name"] for c in body["items"]] == ["Ivan Petrov"]


async def test_the_slot_list_loads_no_orm_object(api: Api) -> None:
    client, storage, tokens = api
    async with storage.uow() as uow:
        [city] = await uow.cities.list()
        [anna] = await uow.recruiters.list()
        for hours in (1, 2, 3):
            await make_slot(uow, anna, city, NOW + timedelta(hours=hours))
        await uow.commit()
        recruiter_id = anna.id
    async with storage.uow() as uow:
        rows = await recruiter_slots(uow, recruiter_id, NOW, NOW + timedelta(days=1))
        assert len(rows) == 3
        assert not any(isinstance(row.slot, Slot) for row in rows)
        assert len(uow.session.identity_map) == 0
        assert rows[0].slot.ends_at == rows[0].slot.starts_at + timedelta(minutes=30)
    answer = await client.get(
        f"/api/v1/slots?recruiter_id={recruiter_id}&starts_from={NOW:%Y-%m-%dT%H:%M:%SZ}",
        headers=bearer(tokens["boss"]),
    )
    items = (await answer.json())["items"]
    assert [i["duration_minutes"] for i in items] == [30, 30, 30]
    assert all(i["booking_id"] is None and i["withdrawn"] is False for i in items)
