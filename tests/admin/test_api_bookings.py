"""/api/v1/bookings: filters, paging, and a recruiter's token limited to its own slots."""

from __future__ import annotations

from datetime import timedelta

from aiohttp.test_utils import TestClient

from core.enums import BookingStatus, SlotPurpose
from storage.models import Booking
from tests.admin.conftest import bearer
from tests.conftest import Storage
from tests.support.factories import NOW, make_candidate, make_recruiter, make_slot

Api = tuple[TestClient, Storage, dict[str, str]]


async def _bookings(storage: Storage) -> None:
    async with storage.uow() as uow:
        city = await uow.cities.get(1)
        anna = await uow.recruiters.get(1)
        assert city is not None and anna is not None
        boris = await make_recruiter(uow, city, name="Boris")
        plan = [
            (anna, 1, BookingStatus.PENDING, "Ann's pending"),
            (anna, 2, BookingStatus.CANCELED, "Ann's canceled"),
            (boris, 3, BookingStatus.CONFIRMED, "Boris's confirmed"),
        ]
        for recruiter, days, status, name in plan:
            slot = await make_slot(uow, recruiter, city, NOW + timedelta(days=days))
            who = await make_candidate(uow, city, full_name=name)
            uow.session.add(
                Booking(
                    slot_id=slot.id,
                    candidate_id=who.id,
                    purpose=SlotPurpose.INTERVIEW,
                    status=status,
                )
            )
        await uow.commit()


async def test_bookings_are_listed_newest_first_and_filtered(api: Api) -> None:
    client, storage, tokens = api
    await _bookings(storage)
    boss = bearer(tokens["boss"])
    everything = await (await client.get("/api/v1/bookings", headers=boss)).json()
    assert everything["total"] == 3
    assert [b["candidate_name"] for b in everything["items"]] == [
        "Boris's confirmed",
        "Ann's canceled",
        "Ann's pending",
    ]
    assert everything["items"][0]["recruiter_name"] == "Boris"
    pending = await (await client.get("/api/v1/bookings?status=pending", headers=boss)).json()
    assert [b["candidate_name"] for b in pending["items"]] == ["Ann's pending"]
    since = (NOW + timedelta(days=2)).isoformat().replace("+", "%2B")
    later = await (await client.get(f"/api/v1/bookings?starts_from={since}", headers=boss)).json()
    assert later["total"] == 2
    paged = await (await client.get("/api/v1/bookings?limit=1&offset=1", headers=boss)).json()
    assert [b["candidate_name"] for b in paged["items"]] == ["Ann's canceled"]


async def test_bad_filters_are_refused_with_the_field(api: Api) -> None:
    client, _, tokens = api
    for query, field in (("status=lost", "status"), ("starts_from=tomorrow", "starts_from")):
        response = await client.get(f"/api/v1/bookings?{query}", headers=bearer(tokens["boss"]))
        assert response.status == 422
        assert (await response.json())["field"] == field


async def test_a_recruiter_token_sees_only_its_own_slots_bookings(api: Api) -> None:
    client, storage, tokens = api
    await _bookings(storage)
    mine = await (await client.get("/api/v1/bookings", headers=bearer(tokens["rec"]))).json()
    assert {b["candidate_name"] for b in mine["items"]} == {"Ann's pending", "Ann's canceled"}
    boris = await client.get("/api/v1/bookings?recruiter_id=2", headers=bearer(tokens["rec"]))
    assert (await boris.json())["total"] == 0
