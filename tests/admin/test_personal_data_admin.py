"""Personal data in the panel and the API: consent shown on the candidate's page; erasure and
the copy for admins only, erasure with a reason (and, in the panel, confirmed)."""

from __future__ import annotations

from datetime import timedelta

from aiohttp.test_utils import TestClient
from sqlalchemy import select

from core.clock import FrozenClock
from core.enums import BookingStatus, SlotPurpose
from domain.messaging.outbox import queue_message
from storage.models import AuditLogEntry, Booking
from tests.admin.conftest import Panel, bearer
from tests.conftest import Storage
from tests.support.factories import NOW, make_candidate, make_slot

Api = tuple[TestClient, Storage, dict[str, str]]
NAME = "Zoltan Quixote"


async def _person(storage: Storage, *, booked: bool = False) -> int:
    async with storage.uow() as uow:
        city = await uow.cities.get(1)
        assert city is not None
        person = await make_candidate(uow, city, full_name=NAME, phone="+79990001122")
        if booked:
            anna = await uow.recruiters.get(1)
            assert anna is not None
            slot = await make_slot(uow, anna, city, NOW + timedelta(days=2))
            uow.session.add(
                Booking(
                    slot_id=slot.id,
                    candidate_id=person.id,
                    purpose=SlotPurpose.INTERVIEW,
                    status=BookingStatus.APPROVED,
                )
            )
        await uow.commit()
        return person.id


async def test_the_page_shows_consent_and_an_admin_erases_with_a_reason(panel: Panel) -> None:
    person = await _person(panel.storage, booked=True)
    async with panel.storage.uow() as uow:  # a message sent to them, naming them
        found = await uow.candidates.get(person)
        assert found is not None
        await queue_message(
            uow,
            FrozenClock(NOW),
            chat_id=found.telegram_id,
            kind="reply",
            dedupe_key="hello",
            text=f"Hello, {NAME}!",
            candidate_id=person,
        )
        await uow.commit()
    await panel.login()
    page = await (await panel.client.get(f"/candidates/{person}")).text()
    assert 'id="consent"' in page and "agreed" in page
    assert f"Hello, {NAME}!" in page
    assert 'id="erase-form"' in page
    refused = await panel.post(f"/candidates/{person}/erase", {"reason": " ", "confirm": "on"})
    assert refused.status == 422
    unconfirmed = await panel.post(f"/candidates/{person}/erase", {"reason": "asked by email"})
    assert unconfirmed.status == 422
    assert "tick the box to confirm" in await unconfirmed.text()
    async with panel.storage.uow() as uow:
        still = await uow.candidates.get(person)
        assert still is not None and still.full_name == NAME
    done = await panel.post(
        f"/candidates/{person}/erase", {"reason": "asked by email", "confirm": "on"}
    )
    assert done.status == 200
    page = await done.text()
    assert NAME not in page and "erased" in page
    async with panel.storage.uow() as uow:
        erased = await uow.candidates.get(person)
        assert erased is not None and erased.full_name is None and erased.phone is None
        booking = await uow.session.scalar(select(Booking).where(Booking.candidate_id == person))
        assert booking is not None and booking.status is BookingStatus.CANCELED
        entry = await uow.session.scalar(
            select(AuditLogEntry).where(AuditLogEntry.action == "erase")
        )
        assert entry is not None and entry.details == {"reason": "asked by email"}


async def test_a_recruiter_account_cannot_erase(panel: Panel) -> None:
    person = await _person(panel.storage)
    await panel.login("rec")
    page = await (await panel.client.get(f"/candidates/{person}")).text()
    assert 'id="erase-form"' not in page
    refused = await panel.post(
        f"/candidates/{person}/erase", {"reason": "because", "confirm": "on"}
    )
    assert refused.status == 403
    async with panel.storage.uow() as uow:
        kept = await uow.candidates.get(person)
        assert kept is not None and kept.full_name == NAME


async def test_the_api_exports_and_erases_for_admins_only(api: Api) -> None:
    client, storage, tokens = api
    person = await _person(storage, booked=True)
    boss, rec = bearer(tokens["boss"]), bearer(tokens["rec"])
    assert (await client.get(f"/api/v1/candidates/{person}/export", headers=rec)).status == 403
    copy = await (await client.get(f"/api/v1/candidates/{person}/export", headers=boss)).json()
    assert copy["candidate_id"] == person
    assert copy["tables"]["candidates"][0]["full_name"] == NAME
    assert len(copy["tables"]["bookings"]) == 1
    missing = await client.get("/api/v1/candidates/999999/export", headers=boss)
    assert missing.status == 404
    url = f"/api/v1/candidates/{person}/erase"
    assert (await client.post(url, json={"reason": "gdpr"}, headers=rec)).status == 403
    no_reason = await client.post(url, json={}, headers=boss)
    assert no_reason.status == 422
    erased = await client.post(url, json={"reason": "gdpr request"}, headers=boss)
    assert erased.status == 200, await erased.text()
    assert (await erased.json())["candidate_id"] == person
    again = await client.post(url, json={"reason": "gdpr request"}, headers=boss)
    assert again.status == 409
    copy = await (await client.get(f"/api/v1/candidates/{person}/export", headers=boss)).json()
    assert copy["tables"]["candidates"][0]["full_name"] is None
    assert NAME not in str(copy)


async def test_the_dashboard_counts_the_retention_erasures_for_admins(panel: Panel) -> None:
    async with panel.storage.uow() as uow:
        for actor in ("retention", "retention", "admin:1"):
            uow.audit.record(actor=actor, action="erase", entity="candidate", entity_id=1)
        await uow.commit()
    await panel.login()
    page = await (await panel.client.get("/")).text()
    assert 'id="retention-erased">2<' in page
    assert "limit off (RETENTION_DAYS)" in page
    await panel.login("rec")
    assert 'id="retention-erased"' not in await (await panel.client.get("/")).text()


PRIOR_SHOWN = "collected before consent was asked; asked at next contact"


async def _prior(storage: Storage) -> int:
    async with storage.uow() as uow:
        city = await uow.cities.get(1)
        person = await make_candidate(
            uow, city, full_name=NAME, consent="prior", consent_version=None, consent_at=NOW
        )
        await uow.commit()
        return person.id


async def test_the_page_shows_data_from_before_consent_plainly(panel: Panel) -> None:
    person = await _prior(panel.storage)
    await panel.login()
    page = await (await panel.client.get(f"/candidates/{person}")).text()
    assert PRIOR_SHOWN in page


async def test_the_api_record_shows_data_from_before_consent_plainly(api: Api) -> None:
    client, storage, tokens = api
    person = await _prior(storage)
    answer = await client.get(f"/api/v1/candidates/{person}", headers=bearer(tokens["boss"]))
    record = (await answer.json())["candidate"]
    assert (record["consent"], record["consent_meaning"]) == ("prior", PRIOR_SHOWN)
