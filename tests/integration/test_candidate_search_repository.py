"""storage.repositories.candidate_search: the list's criteria, orders, both ways to find a page,
one candidate's line and the export's batches, on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest

from core.enums import CandidateStatus
from storage.repositories.candidate_search import CandidateCriteria, CandidateOrder
from tests.conftest import Storage
from tests.support.factories import NOW, make_candidate, make_city
from tests.support.query_counter import count_queries

DAY = timedelta(days=1)
S = CandidateStatus


async def _people(storage: Storage) -> dict[str, Any]:
    """Five candidates in two cities and one without a city, each created a day apart."""
    async with storage.uow() as uow:
        kazan, samara = await make_city(uow, "Kazan"), await make_city(uow, "Samara")
        spec: dict[str, tuple[Any, dict[str, Any]]] = {
            "anna": (kazan, {"full_name": "Anna 50%", "status": S.HIRED, "source": "hh"}),
            "boris": (kazan, {"full_name": "Boris", "phone": "+7 999 123-45-67"}),
            "vera": (samara, {"full_name": "Vera", "status": S.HIRED, "source": "hh"}),
            "gleb": (samara, {"full_name": None, "username": "gleb"}),
            "dina": (None, {"full_name": "Dina 50 percent"}),
        }
        people = {
            key: await make_candidate(
                uow, city, created_at=NOW - (5 - n) * DAY, updated_at=NOW - n * DAY, **values
            )
            for n, (key, (city, values)) in enumerate(spec.items())
        }
        await uow.commit()
    return {"kazan": kazan.id, "samara": samara.id, **{k: c.id for k, c in people.items()}}


async def _ids(storage: Storage, criteria: CandidateCriteria, **order: Any) -> list[int]:
    async with storage.uow() as uow:
        matching = await uow.candidate_search.count_matching(criteria)
        page = await uow.candidate_search.page(
            criteria,
            order=order.get("order", "created_at"),
            descending=order.get("descending", False),
            limit=order.get("limit", 50),
            offset=order.get("offset", 0),
            matching=matching,
        )
    assert len(page) == min(order.get("limit", 50), max(0, matching - order.get("offset", 0)))
    return [row.id for row in page]


async def test_each_criterion_narrows_the_list_and_the_count(storage: Storage) -> None:
    p = await _people(storage)
    cases: list[tuple[CandidateCriteria, list[str]]] = [
        (CandidateCriteria(), ["anna", "boris", "vera", "gleb", "dina"]),
        (CandidateCriteria(city_ids=frozenset({p["kazan"]})), ["anna", "boris"]),
        (CandidateCriteria(city_ids=frozenset()), []),
        (CandidateCriteria(city_id=p["samara"]), ["vera", "gleb"]),
        (CandidateCriteria(status=S.HIRED), ["anna", "vera"]),
        (CandidateCriteria(source="hh", city_id=p["samara"]), ["vera"]),
        # created from (included) the third day to (excluded) the fifth
        (
            CandidateCriteria(created_since=NOW - 3 * DAY, created_before=NOW - DAY),
            ["vera", "gleb"],
        ),
        # "%" is a character, not a wildcard: only Anna's name holds "50%"
        (CandidateCriteria(text=("50%",)), ["anna"]),
        (CandidateCriteria(text=("@gleb",)), ["gleb"]),
        # any of the needles: Boris by his phone's digits, Dina by her name
        (CandidateCriteria(text=("79991234567", "dina")), ["boris", "dina"]),
    ]
    for criteria, expected in cases:
        found = await _ids(storage, criteria)
        assert found == [p[k] for k in expected], criteria


@pytest.mark.parametrize(
    ("order", "descending", "expected"),
    [
        ("created_at", False, ["anna", "boris", "vera", "gleb", "dina"]),
        ("created_at", True, ["dina", "gleb", "vera", "boris", "anna"]),
        ("updated_at", False, ["dina", "gleb", "vera", "boris", "anna"]),
        # a missing name after every name, and first when the order runs backwards
        ("full_name", False, ["anna", "boris", "dina", "vera", "gleb"]),
        ("full_name", True, ["gleb", "vera", "dina", "boris", "anna"]),
        # by status, then by when it last changed
        ("status", False, ["vera", "anna", "dina", "gleb", "boris"]),
    ],
)
async def test_every_order_and_its_direction(
    storage: Storage, order: CandidateOrder, descending: bool, expected: list[str]
) -> None:
    p = await _people(storage)
    found = await _ids(storage, CandidateCriteria(), order=order, descending=descending)
    assert found == [p[k] for k in expected]


async def test_equal_keys_fall_back_to_the_id_and_pages_do_not_overlap(storage: Storage) -> None:
    async with storage.uow() as uow:
        city = await make_city(uow)
        ids = [(await make_candidate(uow, city, full_name="Same")).id for _ in range(7)]
        await uow.commit()
    criteria = CandidateCriteria(text=("same",))
    pages = [
        await _ids(storage, criteria, order="full_name", limit=3, offset=offset)
        for offset in (0, 3, 6)
    ]
    assert pages == [ids[0:3], ids[3:6], ids[6:7]]


async def test_a_search_finds_the_same_page_whether_matches_are_few_or_many(
    storage: Storage,
) -> None:
    """Few matches are collected first and sorted (a MATERIALIZED CTE); many are found by
    walking the order's index. Both give the page asked for."""
    async with storage.uow() as uow:
        city = await make_city(uow)
        for n in range(12):
            await make_candidate(uow, city, full_name=f"Match {n:02}" if n % 2 else f"Other {n}")
        await uow.commit()
    criteria = CandidateCriteria(text=("match",))
    pages = {}
    async with storage.uow() as uow:
        for matching in (0, 10**6):
            with count_queries(storage.engine) as queries:
                page = await uow.candidate_search.page(
                    criteria,
                    order="full_name",
                    descending=True,
                    limit=2,
                    offset=1,
                    matching=matching,
                )
            assert ("MATERIALIZED" in queries[0]) is (matching == 0)
            pages[matching] = [row.full_name for row in page]
    assert pages[0] == pages[10**6] == ["Match 09", "Match 07"]


async def test_a_listing_carries_the_city_name_and_the_candidates_fields(
    storage: Storage,
) -> None:
    p = await _people(storage)
    async with storage.uow() as uow:
        anna = await uow.candidate_search.listing(p["anna"])
        dina = await uow.candidate_search.listing(p["dina"])
        missing = await uow.candidate_search.listing(10**6)
    assert anna is not None and dina is not None
    assert (anna.city_id, anna.city, anna.full_name, anna.status, anna.source) == (
        p["kazan"],
        "Kazan",
        "Anna 50%",
        S.HIRED,
        "hh",
    )
    assert anna.created_at == NOW - 5 * DAY and anna.updated_at == NOW
    assert (dina.city_id, dina.city) == (None, None)  # no city: still listed
    assert missing is None


async def test_export_batches_continue_after_the_last_id_within_the_criteria(
    storage: Storage,
) -> None:
    p = await _people(storage)
    hired = CandidateCriteria(status=S.HIRED)
    async with storage.uow() as uow:
        first = await uow.candidate_search.batch_after(CandidateCriteria(), 0, 2)
        second = await uow.candidate_search.batch_after(CandidateCriteria(), first[-1].id, 2)
        filtered = await uow.candidate_search.batch_after(hired, p["anna"], 10)
        past_the_end = await uow.candidate_search.batch_after(CandidateCriteria(), p["dina"], 10)
    assert [r.id for r in first + second] == [p["anna"], p["boris"], p["vera"], p["gleb"]]
    assert [(r.id, r.city) for r in filtered] == [(p["vera"], "Samara")]
    assert past_the_end == []
