"""/api/v1/candidates and cancelling a booking: filters, the record, actions, role limits."""

from __future__ import annotations

from datetime import timedelta

from aiohttp.test_utils import TestClient
from sqlalchemy import select

from core.enums import BookingStatus, CandidateStatus, SlotPurpose
from storage.models import ApiToken, AuditLogEntry, Booking, Notification
from tests.admin.conftest import bearer
from tests.conftest import Storage
from tests.support.factories import NOW, make_candidate, make_city, make_slot

Api = tuple[TestClient, Storage, dict[str, str]]


ANNA_CHAT = 777_000_001


async def _told_anna(storage: Storage) -> list[str]:
    async with storage.uow() as uow:
        stmt = select(Notification.kind).where(Notification.recipient_chat_id == ANNA_CHAT)
        return [kind for kind in (await uow.session.scalars(stmt)).all() if "canceled" in kind]


async def _people(storage: Storage) -> dict[str, int]:
    async with storage.uow() as uow:
        home = await uow.cities.get(1)
        anna = await uow.recruiters.get(1)
        assert home is not None and anna is not None
        anna.telegram_chat_id = ANNA_CHAT
        away = await make_city(uow, "Faraway")
        ivan = await make_candidate(uow, home, full_name="Ivan Petrov", phone="+79001234567")
        olga = await make_candidate(
            uow, home, full_name="Olga Ivanova", status=CandidateStatus.NEW, source="vk"
        )
        far = await make_candidate(uow, away, full_name="Ivan Faraway")
        slot = await make_slot(uow, anna, home, NOW + timedelta(days=2))
        booking = Booking(
            slot_id=slot.id,
            candidate_id=ivan.id,
            purpose=SlotPurpose.INTERVIEW,
            status=BookingStatus.APPROVED,
        )
        uow.session.add(booking)
        await uow.commit()
        return {"ivan": ivan.id, "olga": olga.id, "far": far.id, "booking": booking.id}


async def test_candidates_are_searched_filtered_and_paged(api: Api) -> None:
    client, storage, tokens = api
    ids = await _people(storage)
    boss = bearer(tokens["boss"])
    found = await (await client.get("/api/v1/candidates?q=ivan", headers=boss)).json()
    assert found["total"] == 3  # Ivan Petrov, Olga Ivanova, Ivan Faraway
    by_phone = await (await client.get("/api/v1/candidates?q=1234567", headers=boss)).json()
    assert [c["id"] for c in by_phone["items"]] == [ids["ivan"]]
    new = await (await client.get("/api/v1/candidates?status=new&source=vk", headers=boss)).json()
    assert [c["full_name"] for c in new["items"]] == ["Olga Ivanova"]
    page = await (
        await client.get("/api/v1/candidates?q=ivan&sort=full_name&limit=1&offset=1", headers=boss)
    ).json()
    assert [c["full_name"] for c in page["items"]] == ["Ivan Petrov"]
    for query, field in (
        ("status=lost", "status"),
        ("created_from=0", "created_from"),
        ("sort=salary", "sort"),
        ("stauts=new", "stauts"),
    ):
        bad = await client.get(f"/api/v1/candidates?{query}", headers=boss)
        assert bad.status == 422, query
        assert (await bad.json())["field"] == field, query


async def test_a_candidates_record_and_the_actions_on_it(api: Api) -> None:
    client, storage, tokens = api
    ids = await _people(storage)
    boss = bearer(tokens["boss"])
    one = f"/api/v1/candidates/{ids['ivan']}"
    record = await (await client.get(one, headers=boss)).json()
    assert record["candidate"]["full_name"] == "Ivan Petrov"
    assert [b["status"] for b in record["bookings"]] == ["approved"]
    changed = await client.post(
        one + "/status", json={"status": "withdrawn", "reason": "Moved away"}, headers=boss
    )
    assert changed.status == 200 and (await changed.json())["reason"] == "Moved away"
    # who made it, named as the record's history names it
    history = (await (await client.get(one, headers=boss)).json())["timeline"][-1]
    answered = await changed.json()
    assert answered["actor_kind"] == history["actor_kind"] == "api_token"
    assert answered["actor_name"] == history["actor_name"] is not None
    no_reason = await client.post(one + "/status", json={"status": "hired"}, headers=boss)
    assert no_reason.status == 422 and (await no_reason.json())["field"] == "reason"
    written = await client.post(one + "/messages", json={"text": "See you <soon>"}, headers=boss)
    assert written.status == 202
    async with storage.uow() as uow:
        queued = await uow.session.get(Notification, (await written.json())["notification_id"])
        assert queued is not None and "&lt;soon&gt;" in queued.payload["text"]


async def test_a_booking_is_cancelled_and_its_slot_freed(api: Api) -> None:
    client, storage, tokens = api
    ids = await _people(storage)
    boss = bearer(tokens["boss"])
    path = f"/api/v1/bookings/{ids['booking']}/cancel"
    assert (await client.post(path, json={}, headers=boss)).status == 422
    cancelled = await client.post(path, json={"reason": "Recruiter ill"}, headers=boss)
    assert cancelled.status == 200
    assert (await cancelled.json())["status"] == "canceled"
    async with storage.uow() as uow:
        booking = await uow.session.get(Booking, ids["booking"])
        assert booking is not None
        assert await uow.slots.is_free(booking.slot_id)
    again = await client.post(path, json={"reason": "again"}, headers=boss)
    assert again.status == 422
    assert "canceled already" in (await again.json())["error"]
    assert await _told_anna(storage) == ["recruiter_booking_canceled_in_panel"]  # the slot's own


async def test_a_recruiter_cancelling_through_the_api_is_not_told_of_it(api: Api) -> None:
    client, storage, tokens = api
    ids = await _people(storage)
    path = f"/api/v1/bookings/{ids['booking']}/cancel"
    cancelled = await client.post(path, json={"reason": "Ill"}, headers=bearer(tokens["rec"]))
    assert cancelled.status == 200
    assert await _told_anna(storage) == []


async def test_a_recruiter_token_sees_only_its_cities_candidates(api: Api) -> None:
    client, storage, tokens = api
    ids = await _people(storage)
    rec = bearer(tokens["rec"])
    listed = await (await client.get("/api/v1/candidates", headers=rec)).json()
    assert ids["far"] not in [c["id"] for c in listed["items"]] and listed["total"] == 2
    far = f"/api/v1/candidates/{ids['far']}"
    assert (await client.get(far, headers=rec)).status == 404
    moved = await client.post(far + "/status", json={"status": "hired", "reason": "x"}, headers=rec)
    assert moved.status == 404
    assert (await client.post(far + "/messages", json={"text": "hi"}, headers=rec)).status == 404


async def test_a_change_through_the_api_names_its_token(api: Api) -> None:
    """The history and the audit log say which token made a change, and link its account."""
    client, storage, tokens = api
    ids = await _people(storage)
    moved = await client.post(
        f"/api/v1/candidates/{ids['olga']}/status",
        json={"status": "withdrawn", "reason": "Asked by phone"},
        headers=bearer(tokens["boss"]),
    )
    assert moved.status == 200
    async with storage.uow() as uow:
        account = await uow.admin_users.get_by_login("boss")
        token = (await uow.session.scalars(select(ApiToken).where(ApiToken.name == "tests"))).all()
        history = await uow.candidates.status_history(ids["olga"])
        audited = (
            await uow.session.scalars(
                select(AuditLogEntry).where(
                    AuditLogEntry.entity == "candidate",
                    AuditLogEntry.entity_id == str(ids["olga"]),
                )
            )
        ).all()
    assert account is not None
    [boss_token] = [t for t in token if t.admin_user_id == account.id]
    actor = f"admin:{account.id}:token:{boss_token.id}"
    assert [(h.to_status, h.actor) for h in history] == [(CandidateStatus.WITHDRAWN, actor)]
    assert [(a.actor, a.admin_user_id) for a in audited] == [(actor, account.id)]
