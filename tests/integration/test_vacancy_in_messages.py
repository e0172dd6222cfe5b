"""The vacancy named where a person and the recruiters need it: the booking's confirmation,
the recruiter's booking card and the relay of the candidate's message; a candidate without a
vacancy gets the texts as before."""

from __future__ import annotations

from sqlalchemy import select

from core.clock import FrozenClock
from core.enums import CandidateStatus, InboundKind
from core.result import Failure, Success
from domain.bookings.booking import Messaging, book_slot
from domain.bookings.texts import booking_text, view_of
from domain.conversations.inbox import Inbound
from domain.conversations.relay import relay_inbound
from domain.messaging.templates import save_template
from domain.messaging.texts import Catalog, render_message
from domain.scheduling.picker import BookingRules
from storage.models import MessageTemplate, Notification
from tests.conftest import Storage
from tests.support.factories import (
    NOW,
    make_candidate,
    make_city,
    make_recruiter,
    make_slot,
    make_vacancy,
)

CATALOG = Catalog.load("en")
CLOCK = FrozenClock(NOW)
RECRUITER_CHAT = 51


async def _texts_to(storage: Storage, chat_id: int) -> list[str]:
    async with storage.uow() as uow:
        stmt = select(Notification).where(Notification.recipient_chat_id == chat_id)
        return [str(n.payload.get("text", "")) for n in (await uow.session.scalars(stmt)).all()]


async def _book(storage: Storage, *, with_vacancy: bool) -> tuple[int, str]:
    """Ann books a time and writes; the confirmation she is shown is returned with her chat."""
    async with storage.uow() as uow:
        city = await make_city(uow)
        recruiter = await make_recruiter(uow, city, telegram_chat_id=RECRUITER_CHAT, locale="en")
        slot = await make_slot(uow, recruiter, city)
        vacancy = await make_vacancy(uow, city, title="Night baker") if with_vacancy else None
        ann = await make_candidate(
            uow,
            city,
            telegram_id=900,
            full_name="Ann",
            vacancy_id=vacancy.id if vacancy else None,
            status=CandidateStatus.SCREENING_PASSED,
        )
        await uow.commit()
        booked = await book_slot(
            uow, Messaging(CATALOG, CLOCK, BookingRules()), candidate_id=ann.id, slot_id=slot.id
        )
        assert isinstance(booked, Success)
        view = await view_of(uow, booked.value)
        confirmation = await booking_text(uow, CATALOG, "booking_confirmed", "en", view)
        relayed = Inbound(InboundKind.TEXT, text="See you!", telegram_message_id=7)
        await relay_inbound(uow, CATALOG, CLOCK, ann, relayed, from_chat_id=900)
        return ann.telegram_id, confirmation


async def test_the_confirmation_the_card_and_the_relay_name_the_vacancy(storage: Storage) -> None:
    _, confirmation = await _book(storage, with_vacancy=True)
    assert "is confirmed</b>\n💼 Night baker\n" in confirmation
    to_recruiter = await _texts_to(storage, RECRUITER_CHAT)
    card = next(t for t in to_recruiter if "Test:" in t)
    assert "💼 Night baker" in card
    note = next(t for t in to_recruiter if "See you!" in t)
    assert "💼 Night baker" in note


async def test_without_a_vacancy_the_texts_are_as_before(storage: Storage) -> None:
    _, confirmation = await _book(storage, with_vacancy=False)
    texts = [confirmation, *await _texts_to(storage, RECRUITER_CHAT)]
    assert len(texts) == 3 and not any("💼" in t for t in texts)


async def test_an_override_for_the_vacancy_wins_over_the_citys_and_the_global(
    storage: Storage,
) -> None:
    async with storage.uow() as uow:
        city = await make_city(uow)
        other = await make_city(uow)
        vacancy = await make_vacancy(uow, city, other)
        for place, body in (
            ({}, "All"),
            ({"city_id": city.id}, "City"),
            ({"vacancy_id": vacancy.id}, "Vacancy"),
        ):
            uow.templates.add(MessageTemplate(key="no_booking", locale="en", body=body, **place))
        await uow.commit()

        async def shown(city_id: int | None, vacancy_id: int | None) -> str:
            return await render_message(
                uow, CATALOG, "no_booking", "en", city_id, vacancy_id=vacancy_id
            )

        assert await shown(city.id, vacancy.id) == "Vacancy"
        assert await shown(other.id, vacancy.id) == "Vacancy"
        assert await shown(city.id, None) == "City"
        assert await shown(other.id, None) == "All"
        assert await shown(None, None) == "All"


async def test_the_consent_text_has_no_override_per_vacancy(storage: Storage) -> None:
    """Its version is what a person agreed to: one text for everyone."""
    async with storage.uow() as uow:
        city = await make_city(uow)
        vacancy = await make_vacancy(uow, city)
        await uow.commit()
        refused = await save_template(
            uow, CATALOG, "consent", "en", None, "Agree?", actor="test", vacancy_id=vacancy.id
        )
        welcome = await save_template(
            uow, CATALOG, "welcome", "en", None, "Hi!", actor="test", vacancy_id=vacancy.id
        )
    assert isinstance(refused, Failure) and str(refused.error).startswith("vacancy_id:")
    assert isinstance(welcome, Success)


async def test_the_screening_summary_names_the_vacancy(storage: Storage) -> None:
    """Someone screened for two vacancies in one city: two summaries, each saying which."""
    from domain.screening.first_test import _tell_recruiters

    async with storage.uow() as uow:
        city = await make_city(uow)
        await make_recruiter(uow, city, telegram_chat_id=RECRUITER_CHAT, locale="en")
        vacancy = await make_vacancy(uow, city, title="Night baker")
        ann = await make_candidate(uow, city, full_name="Ann", vacancy_id=vacancy.id)
        await _tell_recruiters(uow, ann, [], True, CLOCK, CATALOG)
        await uow.commit()
    (summary,) = await _texts_to(storage, RECRUITER_CHAT)
    assert "New candidate: Ann</b>\nVacancy: Night baker\nCity:" in summary
