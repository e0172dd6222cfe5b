"""Issue 19's group events, in one sandbox run: an admin adds an intro day with 5 seats in the
panel; 5 candidates book a seat each from the chat (seeing the seats left), the 6th finds none
and joins the waiting list; at the event the recruiter opens its attendees from /today and marks
4 came and 1 no-show, one tap per person; the panel's funnel per vacancy and per source shows
it (they came through the vacancy's links, tagged "flyer" and "poster").

The candidates are brought to the intro day's stage directly (the interview and test 2 that lead
there have tests of their own), and the demo's Friday intro days are cleared so the event is the
city's only one."""

from __future__ import annotations

import re
from datetime import timedelta

from sqlalchemy import delete, select

from core.enums import BookingStatus, CandidateStatus, SlotPurpose
from domain.messaging.outbox import pick_time_button, queue_message
from domain.organisation.accounts import create_admin
from storage.models import Booking, City, Slot, WaitlistEntry
from tests.e2e.chat import Chat
from tests.e2e.conftest import RunningApp
from tests.e2e.journey import (
    TEXTS,
    answer_screening,
    button_texts,
    linked_recruiter,
    wait_for_text,
)
from tests.e2e.recruiting import recruiter_id

PASSWORD = "a long password 19"
CITY = "Калининград"
EVENT_DAY = "2026-12-05"  # a Saturday: no demo slot of the recruiter's overlaps it
_CSRF = re.compile(r'name="csrf" value="([^"]+)"')


async def _csrf(app: RunningApp, path: str) -> str:
    page = await (await app.http.get(app.url + path)).text()
    found = _CSRF.search(page)
    assert found is not None
    return found.group(1)


async def _log_in(app: RunningApp) -> None:
    await app.http.post(
        app.url + "/login",
        data={"login": "boss", "password": PASSWORD, "csrf": await _csrf(app, "/login")},
    )


async def _intro_day(app: RunningApp) -> int:
    """The admin adds the intro day with 5 seats in the panel: its id."""
    async with app.app.uow_factory() as uow:
        await create_admin(uow, "boss", PASSWORD)
        await uow.session.execute(delete(Slot).where(Slot.purpose == SlotPurpose.INTRO_DAY))
        city = (await uow.session.scalars(select(City).where(City.name == CITY))).one()
        await uow.commit()
    await _log_in(app)
    anna = await recruiter_id(app, "Анна Смирнова")
    added = await app.http.post(
        app.url + "/slots",
        data={
            "recruiter_id": str(anna),
            "city_id": str(city.id),
            "day": EVENT_DAY,
            "start_time": "10:00",
            "duration_minutes": "120",
            "purpose": "intro_day",
            "capacity": "5",
            "csrf": await _csrf(app, "/login"),
        },
    )
    assert added.status == 200 and "Added a slot" in await added.text()
    async with app.app.uow_factory() as uow:
        (slot,) = (
            await uow.session.scalars(select(Slot).where(Slot.purpose == SlotPurpose.INTRO_DAY))
        ).all()
        assert slot.capacity == 5
        return slot.id


async def _vacancy(app: RunningApp) -> int:
    """The admin adds the vacancy the intro day is for, in the panel: its id."""
    city = await _city_id(app)
    added = await app.http.post(
        app.url + "/vacancies",
        data={
            "title_ru": "Команда дня знакомства",
            "title_en": "Intro team",
            "city_ids": str(city),
            "active": "on",
            "csrf": await _csrf(app, "/vacancies"),
        },
    )
    assert added.status == 200, await added.text()
    async with app.app.uow_factory() as uow:
        (vacancy,) = await uow.vacancies.list_all()
        return vacancy.id


async def _city_id(app: RunningApp) -> int:
    async with app.app.uow_factory() as uow:
        return (await uow.session.scalars(select(City.id).where(City.name == CITY))).one()


async def _applied_by_link(app: RunningApp, payload: str) -> Chat:
    """A candidate who came through the vacancy's link (its one city theirs) and passed its
    screening."""
    chat = Chat(await app.sandbox.persona(TEXTS["en"]["name"], language="en"))
    await chat.start(payload)
    await wait_for_text(chat, "💼 Intro team")  # its first question, under its title
    await answer_screening(chat, "en")
    return chat


def _funnel_row(page: str, table: str, key: object) -> list[str]:
    found = re.search(rf'id="funnel-by-{table}">(.*?)</table>', page, re.S)
    assert found, page
    row = re.search(rf'<tr data-key="{key}">(.*?)</tr>', found.group(1), re.S)
    assert row, found.group(1)
    return re.findall(r'<span class="count">(\d+)</span>', row.group(1))


async def _at_intro_stage(app: RunningApp, chat: Chat) -> None:
    """The candidate passed test 2 and is asked to choose the intro day's time."""
    async with app.app.uow_factory() as uow:
        candidate = await uow.candidates.get_by_telegram_id(chat.id)
        assert candidate is not None
        candidate.status = CandidateStatus.TEST2_PASSED
        catalog = app.app.messaging.catalog
        await queue_message(
            uow,
            app.clock,
            chat_id=chat.id,
            kind="intro_day_invite",
            dedupe_key=f"intro_day_invite:{candidate.id}",
            text="Choose your intro day",
            buttons=pick_time_button(catalog, "en", SlotPurpose.INTRO_DAY.value),
            candidate_id=candidate.id,
        )
        await uow.commit()
    before = len(await chat.bot_messages())
    await app.deliver_outbox()
    await wait_for_text(chat, "Choose your intro day", after=before)


async def test_an_intro_day_of_five_seats_fills_refuses_the_sixth_and_marks_attendance(
    running_app: RunningApp,
) -> None:
    app = running_app
    slot_id = await _intro_day(app)
    vacancy = await _vacancy(app)
    sources = ["flyer", "flyer", "flyer", "poster", "poster", "poster"]
    people = [await _applied_by_link(app, f"v{vacancy}_{source}") for source in sources]
    for chat in people:
        await _at_intro_stage(app, chat)

    for seats_left, chat in zip(range(5, 0, -1), people[:5], strict=True):
        await chat.navigate("Choose a time")
        days = await chat.navigate("Any recruiter (earliest time)")
        times = await chat.navigate(days["buttons"][0][0]["text"])
        label = times["buttons"][0][0]["text"]
        assert label.endswith(f"seats left: {seats_left}"), label
        booked, _ics = await chat.press(label, expect=2)
        assert booked["text"].startswith("Your introduction day")

    sixth = people[5]
    full = await sixth.navigate("Choose a time")
    assert "Join the waiting list" in button_texts(full)
    await sixth.press("Join the waiting list")
    async with app.app.uow_factory() as uow:
        seats = (
            await uow.session.scalars(
                select(Booking.seat).where(Booking.slot_id == slot_id).order_by(Booking.seat)
            )
        ).all()
        waiting = (await uow.session.scalars(select(WaitlistEntry.candidate_id))).all()
        sixth_row = await uow.candidates.get_by_telegram_id(sixth.id)
    assert list(seats) == [1, 2, 3, 4, 5]
    assert sixth_row is not None and list(waiting) == [sixth_row.id]

    recruiter = await linked_recruiter(app)
    app.clock.advance(timedelta(days=5, hours=3))  # Sat 5 Dec 09:00 UTC: the event has begun
    (agenda,) = await recruiter.say("/today")
    (open_list,) = [t for t in button_texts(agenda) if t.startswith("👥")]
    assert "5 из 5" in agenda["text"]
    (listed,) = await recruiter.press(open_list)
    assert "Занято мест: 5 из 5" in listed["text"]
    for seat in (1, 2, 3, 4):
        await recruiter.navigate(f"{seat}. 🏁 Пришёл")
    await recruiter.navigate("5. 🚫 Не пришёл")
    async with app.app.uow_factory() as uow:
        statuses = (
            await uow.session.scalars(
                select(Booking.status).where(Booking.slot_id == slot_id).order_by(Booking.seat)
            )
        ).all()
    assert list(statuses) == [BookingStatus.ATTENDED] * 4 + [BookingStatus.NO_SHOW]

    # The funnel: started, passed screening, booked an interview, came to it, intro day, came
    # to the intro day, hired. (They were brought past the interview directly, see above.)
    await _log_in(app)  # again: days have passed since
    page = await (await app.http.get(app.url + "/vacancies/funnel")).text()
    assert _funnel_row(page, "vacancy", vacancy) == ["6", "6", "0", "0", "5", "4", "0"]
    assert _funnel_row(page, "source", "flyer") == ["3", "3", "0", "0", "3", "3", "0"]
    assert _funnel_row(page, "source", "poster") == ["3", "3", "0", "0", "2", "1", "0"]
