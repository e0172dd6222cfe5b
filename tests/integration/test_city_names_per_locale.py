"""Each reader sees the city's name in their language: the recruiter's card and notes in the
recruiter's, the waiting-list offer in the candidate's; with no name there, the main name."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from core.clock import FrozenClock
from core.enums import BookingStatus, CandidateStatus, SlotPurpose
from domain.bookings.card import recruiter_card
from domain.bookings.waitlist import offer_freed_slot
from domain.messaging.texts import Catalog
from domain.pipeline.cities import city_name
from domain.pipeline.contact import request_contact
from storage.dto import CityDTO
from storage.models import Notification, WaitlistEntry
from tests.conftest import Storage
from tests.support.factories import NOW, make_candidate, make_city, make_recruiter, make_slot

CATALOG, CLOCK = Catalog.load("ru"), FrozenClock(NOW)


def _city(**names: str) -> CityDTO:
    return CityDTO(
        id=1,
        name="Москва",
        timezone="Europe/Moscow",
        active=True,
        plan_per_week=None,
        plan_per_month=None,
        requires_approval=True,
        intro_day_address=None,
        names=names,
    )


def test_a_city_is_named_in_the_readers_locale_else_by_its_main_name() -> None:
    assert city_name(_city(en="Moscow"), "en") == "Moscow"
    assert city_name(_city(en="Moscow"), "ru") == "Москва"
    assert city_name(_city(), "en") == "Москва"


async def _texts(storage: Storage, kind: str) -> dict[int, str]:
    async with storage.uow() as uow:
        rows = await uow.session.scalars(select(Notification).where(Notification.kind == kind))
        return {n.recipient_chat_id: str(n.payload["text"]) for n in rows}


async def test_the_recruiters_card_and_notes_name_the_city_in_their_language(
    storage: Storage,
) -> None:
    async with storage.uow() as uow:
        city = await make_city(uow, name="Москва")
        city.set_name_in("en", "Moscow")
        english = await make_recruiter(uow, city, telegram_chat_id=901, locale="en")
        russian = await make_recruiter(uow, city, telegram_chat_id=902, locale="ru")
        slot = await make_slot(uow, english, city)
        person = await make_candidate(uow, city, status=CandidateStatus.INTERVIEW_SCHEDULED)
        booking = await uow.bookings.try_create(
            slot, person.id, BookingStatus.PENDING, actor="test"
        )
        assert booking is not None
        await uow.commit()
        english_dto = await uow.recruiters.get_dto(english.id)
        russian_dto = await uow.recruiters.get_dto(russian.id)
        assert english_dto is not None and russian_dto is not None
        card, _buttons = await recruiter_card(uow, CATALOG, english_dto, booking, person)
        assert "Moscow" in card and "Москва" not in card
        card, _buttons = await recruiter_card(uow, CATALOG, russian_dto, booking, person)
        assert "Москва" in card and "Moscow" not in card
        await request_contact(uow, CATALOG, CLOCK, person)
    notes = await _texts(storage, "contact_request")
    assert "(Moscow)" in notes[901]
    assert "(Москва)" in notes[902]


async def test_the_waiting_list_offer_names_the_city_in_the_candidates_language(
    storage: Storage,
) -> None:
    async with storage.uow() as uow:
        city = await make_city(uow, name="Москва")
        city.set_name_in("en", "Moscow")
        recruiter = await make_recruiter(uow, city)
        slot = await make_slot(uow, recruiter, city, NOW + timedelta(days=1))
        for telegram_id, locale in ((801, "en"), (802, "ru")):
            person = await make_candidate(uow, city, telegram_id=telegram_id, locale=locale)
            uow.waitlist.add(
                WaitlistEntry(
                    candidate_id=person.id, city_id=city.id, purpose=SlotPurpose.INTERVIEW
                )
            )
        await uow.commit()
        assert await offer_freed_slot(uow, CATALOG, CLOCK, slot, timedelta(hours=2)) == 2
        await uow.commit()
    offers = await _texts(storage, "waitlist_offer")
    assert "freed up in Moscow" in offers[801]
    assert "Москва" in offers[802] and "Moscow" not in offers[802]
