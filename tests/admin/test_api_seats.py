"""/api/v1/slots and seats: capacity when adding and changing a slot (never below the seats
taken), the seats in every read, the attendees of a slot, and one message to all of them."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from core.clock import FrozenClock
from core.result import Success
from domain.bookings.booking import Messaging, book_slot
from domain.messaging.texts import Catalog
from domain.scheduling.picker import BookingRules
from storage.models import Notification
from tests.admin.conftest import bearer
from tests.admin.test_api_slots import TOMORROW_NOON_MSK, Api
from tests.support.factories import NOW, make_candidate, make_city, make_recruiter, make_slot

messaging = Messaging(Catalog.load("en"), FrozenClock(NOW), BookingRules())


async def _book(api: Api, slot_id: int, people: int) -> list[int]:
    _client, storage, _tokens = api
    ids = []
    for _ in range(people):
        async with storage.uow() as uow:
            city = await uow.cities.get(1)
            candidate = await make_candidate(uow, city)
            await uow.commit()
            booked = await book_slot(uow, messaging, candidate_id=candidate.id, slot_id=slot_id)
            assert isinstance(booked, Success)
            ids.append(candidate.id)
    return ids


async def test_an_event_shows_its_seats_and_attendees_and_messages_them_all(api: Api) -> None:
    client, storage, tokens = api
    boss = bearer(tokens["boss"])
    body = {"recruiter_id": 1, "city_id": 1, "starts_at": TOMORROW_NOON_MSK, "capacity": 3}
    created = await client.post("/api/v1/slots", json=body, headers=boss)
    assert created.status == 201
    slot = await created.json()
    assert (slot["capacity"], slot["seats_taken"], slot["seats_left"]) == (3, 0, 3)
    people = await _book(api, slot["id"], 2)

    read = await (await client.get(f"/api/v1/slots/{slot['id']}", headers=boss)).json()
    assert (read["capacity"], read["seats_taken"], read["seats_left"]) == (3, 2, 1)
    listed = await (await client.get("/api/v1/slots?recruiter_id=1", headers=boss)).json()
    (row,) = listed["items"]
    assert (row["seats_taken"], row["seats_left"], row["booking_id"]) == (2, 1, None)

    attendees = await client.get(f"/api/v1/slots/{slot['id']}/attendees", headers=boss)
    found = await attendees.json()
    seats = [(a["seat"], a["candidate_id"]) for a in found["items"]]
    assert seats == [(1, people[0]), (2, people[1])]

    smaller = await client.patch(f"/api/v1/slots/{slot['id']}", json={"capacity": 1}, headers=boss)
    assert smaller.status == 422
    problem = await smaller.json()
    assert problem["field"] == "capacity" and "2 seats are taken" in problem["error"]
    larger = await client.patch(f"/api/v1/slots/{slot['id']}", json={"capacity": 5}, headers=boss)
    assert larger.status == 200 and (await larger.json())["seats_left"] == 3

    url = f"/api/v1/slots/{slot['id']}/message"
    empty = await client.post(url, json={"text": "   "}, headers=boss)
    assert empty.status == 422
    sent = await client.post(url, json={"text": "Bring your passport"}, headers=boss)
    assert sent.status == 200 and await sent.json() == {"sent": 2, "unreachable": 0}
    async with storage.uow() as uow:
        chats = await uow.session.scalars(
            select(Notification.candidate_id).where(Notification.kind == "panel_message")
        )
        assert sorted(chats.all()) == people
        actions = [e.action for e in await uow.audit.list(limit=50) if e.entity == "slot"]
    assert "message_attendees" in actions and "change_capacity" in actions


async def test_a_recruiter_token_sees_only_its_own_events(api: Api) -> None:
    client, storage, tokens = api
    rec = bearer(tokens["rec"])
    async with storage.uow() as uow:
        city = await make_city(uow)
        other = await make_recruiter(uow, city, name="Other")
        theirs = await make_slot(uow, other, city, NOW + timedelta(days=2), capacity=4)
        await uow.commit()
    for path in (f"/api/v1/slots/{theirs.id}", f"/api/v1/slots/{theirs.id}/attendees"):
        assert (await client.get(path, headers=rec)).status == 404
    message = await client.post(
        f"/api/v1/slots/{theirs.id}/message", json={"text": "hi"}, headers=rec
    )
    assert message.status == 404
    patch = await client.patch(f"/api/v1/slots/{theirs.id}", json={"capacity": 9}, headers=rec)
    assert patch.status == 404
