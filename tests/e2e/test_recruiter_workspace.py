"""The recruiter's workspace in the chat, with a candidate persona and a recruiter persona."""

from __future__ import annotations

import asyncio
import itertools
import os
import sys
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path

import pytest
from sqlalchemy import ColumnElement, select

from bot.recruiter.slot_list import moment_label
from core.enums import BookingStatus, CandidateStatus
from storage.models import AuditLogEntry, Booking, City, Recruiter, Slot
from tests.e2e.chat import Chat
from tests.e2e.conftest import RunningApp
from tests.e2e.journey import (
    SAYS,
    book_first_time,
    button_texts,
    screened,
    wait_for,
    wait_for_message,
    wait_for_text,
)
from tests.e2e.recruiting import invite, invited_recruiter
from tests.support.waiting import eventually

ROOT = Path(__file__).resolve().parents[2]


def free_saturday(app: RunningApp) -> date:
    """A Saturday within the booking horizon: the demo data fills weekdays only."""
    today = app.clock.now().date()
    return today + timedelta(days=(5 - today.weekday()) % 7 or 7)


def starting_on(first: date, last: date) -> list[ColumnElement[bool]]:
    """Slots starting from the first (UTC) day to the last, both included."""
    start = datetime.combine(first, time(), tzinfo=UTC)
    end = datetime.combine(last + timedelta(days=1), time(), tzinfo=UTC)
    return [Slot.starts_at >= start, Slot.starts_at < end]


async def _booking(app: RunningApp) -> Booking:
    async with app.app.uow_factory() as uow:
        return (await uow.session.scalars(select(Booking).order_by(Booking.id.desc()))).first()  # type: ignore[return-value]


async def _requested(app: RunningApp, locale: str = "en") -> tuple[Chat, Chat, dict[str, object]]:
    """A linked recruiter, and a candidate whose request in Moscow waits for them; the card."""
    recruiter = await invited_recruiter(app)
    candidate = await screened(app, locale, city="Москва")
    await book_first_time(candidate, locale, expect=1)
    await app.deliver_outbox()
    return recruiter, candidate, await wait_for_message(recruiter, "⏳")


async def test_an_invite_links_once_and_refuses_used_expired_and_unknown(
    running_app: RunningApp,
) -> None:
    payload = await invite(running_app)
    anna = Chat(await running_app.sandbox.persona("Анна", language="ru", persona="recruiter"))
    (linked,) = await anna.start(payload, expect=1)
    assert linked["text"].startswith("Вы привязаны как Анна Смирнова")
    # The menus: set at start-up for candidates, per language; the linked chat gets its own.
    (bot,) = running_app.world.bots.values()
    assert [c["command"] for c in bot.commands["default|en"]] == [
        "start",
        "mybooking",
        "vacancies",
        "lang",
        "mydata",
        "forgetme",
    ]
    assert [c["command"] for c in bot.commands[f"chat:{anna.id}|"]] == [
        "today",
        "week",
        "slots",
        "calendar",
    ]
    other = Chat(await running_app.sandbox.persona("Чужой", language="ru"))
    (used,) = await other.start(payload, expect=1)
    assert used["text"] == "Эта ссылка-приглашение уже использована."
    late = await invite(running_app)
    running_app.clock.advance(timedelta(hours=73))
    (expired,) = await other.start(late, expect=1)
    assert expired["text"].startswith("Срок ссылки-приглашения истёк")
    (unknown,) = await other.start("rec_not-a-real-token", expect=1)
    assert unknown["text"] == "Эта ссылка-приглашение недействительна."
    # Typing a recruiter's name makes nobody a recruiter.
    await other.say("Анна Смирнова", expect=2)
    async with running_app.app.uow_factory() as uow:
        chats = set((await uow.session.scalars(select(Recruiter.telegram_chat_id))).all())
    assert anna.id in chats
    assert other.id not in chats


async def test_the_cli_prints_a_link_that_links(running_app: RunningApp, tmp_path: Path) -> None:
    env = {
        **os.environ,
        "DATABASE_URL": running_app.settings.database_url,
        "BOT_TOKEN": "",
        "REDIS_URL": "",
    }
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        str(ROOT / "main.py"),
        "invite-recruiter",
        "3",
        env=env,
        cwd=tmp_path,
        stdout=asyncio.subprocess.PIPE,
    )
    out, _ = await process.communicate()
    assert process.returncode == 0
    link = out.decode().splitlines()[0]
    assert link.startswith("https://t.me/sandbox_7000000001_bot?start=rec_")
    julia = Chat(await running_app.sandbox.persona("Julia", language="en", persona="recruiter"))
    (linked,) = await julia.start(link.split("start=")[1], expect=1)
    assert linked["text"].startswith("You are linked as Julia Weber")


@pytest.mark.parametrize("locale", ["en", "ru"])
async def test_the_card_shows_the_candidate_and_approve_confirms_with_ics(
    running_app: RunningApp, locale: str
) -> None:
    recruiter, candidate, card = await _requested(running_app, locale)
    text = str(card["text"])
    assert "Ann Smith" in text
    assert "(ваше время), Москва" in text
    assert ": 25" in text  # the age answer
    assert button_texts(card) == [
        "✅ Подтвердить",
        "🔁 Предложить другое время",
        "❌ Отказать",
        "📝 Заметка",
    ]
    before = len(await candidate.bot_messages())
    await recruiter.press_for_notice("✅ Подтвердить")
    await running_app.deliver_outbox()
    confirmation, ics = (await wait_for(candidate, before + 2))[before:]
    assert SAYS[locale]["confirmed"] in confirmation["text"]
    assert ics["document"]["file_name"].endswith(".ics")
    assert (await _booking(running_app)).status is BookingStatus.APPROVED


async def test_offer_another_time_frees_the_slot_and_sends_the_picker(
    running_app: RunningApp,
) -> None:
    recruiter, candidate, _card = await _requested(running_app, "en")
    before = len(await candidate.bot_messages())
    await recruiter.press_for_notice("🔁 Предложить другое время")
    await running_app.deliver_outbox()
    (declined,) = (await wait_for(candidate, before + 1))[before:]
    assert declined["text"].startswith("Unfortunately the time")
    recruiters = await candidate.navigate("Choose a time")
    assert "Any recruiter (earliest time)" in button_texts(recruiters)
    booking = await _booking(running_app)
    assert (booking.status, booking.reason) == (BookingStatus.DECLINED, "another time")


async def test_reject_with_a_reason_tells_the_candidate(running_app: RunningApp) -> None:
    recruiter, candidate, _card = await _requested(running_app, "ru")
    reasons = await recruiter.navigate("❌ Отказать")
    assert button_texts(reasons) == [
        "Не подходит",
        "Нет документов",
        "Вакансия закрыта",
        "◀ Назад",
    ]
    before = len(await candidate.bot_messages())
    await recruiter.press_for_notice("Вакансия закрыта")
    await running_app.deliver_outbox()
    (rejected,) = (await wait_for(candidate, before + 1))[before:]
    assert rejected["text"].startswith("Спасибо за интерес к вакансии")
    async with running_app.app.uow_factory() as uow:
        person = await uow.candidates.get_by_telegram_id(candidate.id)
        assert person is not None
        assert person.status is CandidateStatus.NOT_HIRED


async def test_an_unanswered_request_expires(running_app: RunningApp) -> None:
    recruiter, candidate, _card = await _requested(running_app, "en")
    before = len(await candidate.bot_messages())
    recruiter_before = len(await recruiter.bot_messages())
    running_app.clock.advance(timedelta(hours=25))
    await running_app.run_periodic_jobs()
    (expired,) = (await wait_for(candidate, before + 1))[before:]
    assert expired["text"].startswith("Your request for")
    assert button_texts(expired) == ["Choose a time"]
    await wait_for_text(recruiter, "истекла без ответа", after=recruiter_before)
    assert (await _booking(running_app)).status is BookingStatus.EXPIRED


async def test_a_request_unanswered_until_its_time_cannot_be_approved_and_expires(
    running_app: RunningApp,
) -> None:
    recruiter, candidate, _card = await _requested(running_app, "en")
    booking = await _booking(running_app)
    async with running_app.app.uow_factory() as uow:
        slot = await uow.slots.get(booking.slot_id)
        assert slot is not None
        starts = slot.starts_at
    running_app.clock.advance(starts - running_app.clock.now() + timedelta(minutes=1))
    notice = await recruiter.press_for_notice("✅ Подтвердить")
    assert notice.startswith("Это время уже наступило")
    assert (await _booking(running_app)).status is BookingStatus.PENDING  # not confirmed late
    before = len(await candidate.bot_messages())
    await running_app.run_periodic_jobs()  # well before the 24 h expiry: its time has come
    expired = await wait_for_text(candidate, "Your request for", after=before)
    assert button_texts(expired) == ["Choose a time"]
    assert (await _booking(running_app)).status is BookingStatus.EXPIRED


async def test_the_agenda_lists_bookings_opens_cards_and_cancels_with_a_reason(
    running_app: RunningApp,
) -> None:
    recruiter, candidate, _card = await _requested(running_app, "en")
    await recruiter.press_for_notice("✅ Подтвердить")
    (today,) = await recruiter.say("/today")
    assert today["text"].startswith("Сегодня")
    (week,) = await recruiter.say("/week")
    assert "✅" in week["text"]
    assert "Ann Smith" in week["text"]
    open_label = next(b for b in button_texts(week) if b.startswith("Открыть"))
    (card,) = await recruiter.press(open_label)
    assert card["text"].startswith("✅ Ann Smith")
    (ask,) = await recruiter.press("Отменить")
    before = len(await candidate.bot_messages())
    await recruiter.press_for_notice("Не смогу провести")
    await running_app.deliver_outbox()
    told, removal, ics = (await wait_for(candidate, before + 3))[before:]
    assert told["text"].startswith("The recruiter had to cancel your interview")
    # Then the event the confirmation added is taken out of the candidate's calendar.
    assert "remove it from your calendar" in removal["text"]
    assert ics["document"]["file_name"].endswith(".ics")
    booking = await _booking(running_app)
    assert booking.status is BookingStatus.CANCELED
    assert ask["buttons"]
    async with running_app.app.uow_factory() as uow:
        slot = await uow.slots.get(booking.slot_id)
        assert slot is not None and slot.withdrawn  # they cannot make it: offered to no one
        free = await uow.slots.list_free(
            slot.city_id, slot.purpose, slot.starts_at, slot.starts_at + timedelta(minutes=1)
        )
        assert free == []
        city = await uow.cities.get(slot.city_id)
        holder = await uow.recruiters.get(slot.recruiter_id)
        assert city is not None and holder is not None
    await recruiter.say("/slots")
    (listing,) = await recruiter.press("📋 Мои слоты")
    label = moment_label(slot.starts_at, holder.timezone, "ru")  # the recruiter's own time
    assert f"🗑 {label} · {city.name} · снят" in button_texts(listing)  # deleting frees it


async def test_slots_one_series_list_and_delete(running_app: RunningApp) -> None:
    julia = await invited_recruiter(running_app, "Julia Weber")  # one city: Berlin
    (menu,) = await julia.say("/slots")
    assert button_texts(menu) == ["➕ Один слот", "➕ Серия", "📋 Мои слоты"]
    (days,) = await julia.press("➕ Один слот")
    hours = await julia.navigate(days["buttons"][3][0]["text"])
    minutes = (
        await julia.navigate("07:…")
        if "07:…" in button_texts(hours)
        else await julia.navigate("19:…")
    )
    created = await julia.navigate(minutes["buttons"][0][2]["text"])
    assert created["text"].startswith("Слот создан:")
    assert created["text"].endswith(", Berlin.")

    (ask,) = await julia.press("➕ Серия")
    assert "Пн-Пт" in ask["text"]
    (bad,) = await julia.say("whenever you like")
    assert bad["text"].startswith("Не понял.")
    start = free_saturday(running_app)
    end = start + timedelta(days=8)  # two weekends, the weekdays between full of demo slots
    (preview,) = await julia.say(
        f"Sat-Sun 10:00-12:00 step 30 break 11:00-11:30 from {start} to {end}"
    )
    assert preview["text"].startswith("12 слотов в городе Berlin")
    (done,) = await julia.press("✅ Создать")
    assert done["text"] == "Создано слотов: 12."
    async with running_app.app.uow_factory() as uow:
        starts = (
            await uow.session.scalars(select(Slot.starts_at).where(*starting_on(start, end)))
        ).all()
    # 10:00, 10:30 and 11:30 in Berlin (09:00-10:30 UTC) on four weekend days.
    assert len([s for s in starts if s.weekday() >= 5 and 9 <= s.hour <= 10]) == 12

    (listing,) = await julia.press("📋 Мои слоты")
    first = button_texts(listing)[0]
    assert first.startswith("🗑")
    ask = await julia.navigate(first)  # asks to confirm first
    assert button_texts(ask) == ["🗑 Да, удалить", "◀ Назад"]
    after = await julia.navigate("🗑 Да, удалить")
    assert first not in button_texts(after)


async def test_a_recruiter_of_two_cities_picks_the_city_of_a_series(
    running_app: RunningApp,
) -> None:
    anna = await invited_recruiter(running_app)  # Москва and Калининград
    await anna.say("/slots")
    (cities,) = await anna.press("➕ Серия")
    assert button_texts(cities) == ["Москва", "Калининград"]
    (ask,) = await anna.press("Калининград")
    assert "Пн-Пт" in ask["text"]
    start = free_saturday(running_app)
    (preview,) = await anna.say(f"Mon-Sun 10:00-11:00 step 30 from {start} to {start}")
    assert "Калининград" in preview["text"]
    (done,) = await anna.press("✅ Создать")
    assert done["text"] == "Создано слотов: 2."
    async with running_app.app.uow_factory() as uow:
        made = (
            await uow.session.execute(
                select(Slot.city_id, City.name)
                .join(City, City.id == Slot.city_id)
                .where(*starting_on(start, start))
            )
        ).all()
    assert [name for _, name in made] == ["Калининград"] * 2


async def _series_for(recruiter: Chat, city: str) -> None:
    await recruiter.say("/slots")
    await recruiter.press("➕ Серия")
    await recruiter.press(city)


async def test_a_series_typed_in_the_chat_skips_times_that_overlap_a_slot_in_any_city(
    running_app: RunningApp,
) -> None:
    """The chat plans a series with the panel's and the API's rule: a time overlapping one of
    the recruiter's slots, in any of their cities, is skipped and said so; the change is
    audited as the recruiter's."""
    anna = await invited_recruiter(running_app)  # Москва (UTC+3) and Калининград (UTC+2)
    day = free_saturday(running_app)
    await _series_for(anna, "Москва")
    await anna.say(f"Mon-Sun 10:00-10:30 step 30 from {day} to {day}")  # 07:00-07:30 UTC
    (done,) = await anna.press("✅ Создать")
    assert done["text"] == "Создано слотов: 1."

    await _series_for(anna, "Калининград")
    # 09:15 there is 07:15 UTC, inside Moscow's 10:00-10:30; 09:45 and 10:15 are clear.
    (preview,) = await anna.say(f"Mon-Sun 09:15-10:45 step 30 from {day} to {day}")
    assert preview["text"].startswith("2 слотов в городе Калининград")
    assert "1 пересекаются с вашими слотами и будут пропущены" in preview["text"]
    (done,) = await anna.press("✅ Создать")
    assert done["text"] == "Создано слотов: 2."

    await _series_for(anna, "Калининград")
    (nothing,) = await anna.say(f"Mon-Sun 09:00-09:30 step 30 from {day} to {day}")
    assert nothing["text"].startswith("Все эти времена пересекаются с вашими слотами")

    async with running_app.app.uow_factory() as uow:
        recruiter = (
            await uow.session.scalars(select(Recruiter).where(Recruiter.name == "Анна Смирнова"))
        ).one()
        slots = (
            await uow.session.scalars(
                select(Slot)
                .where(Slot.recruiter_id == recruiter.id, *starting_on(day, day))
                .order_by(Slot.starts_at)
            )
        ).all()
        entries = (
            await uow.session.scalars(
                select(AuditLogEntry).where(AuditLogEntry.action == "create_series")
            )
        ).all()
    assert [s.starts_at.strftime("%H:%M") for s in slots] == ["07:00", "07:45", "08:15"]
    for first, second in itertools.pairwise(slots):
        assert first.ends_at <= second.starts_at  # no two of them overlap
    assert [e.actor for e in entries] == [f"recruiter:{recruiter.id}"] * 2


async def test_a_booked_slot_is_not_deleted_silently(running_app: RunningApp) -> None:
    recruiter, candidate, _card = await _requested(running_app, "en")
    await recruiter.say("/slots")
    (listing,) = await recruiter.press("📋 Мои слоты")
    booked = next(b for b in button_texts(listing) if b.startswith("✖"))
    assert "Ann Smith" in booked
    await recruiter.press(booked)
    before = len(await candidate.bot_messages())
    await recruiter.press_for_notice("Кандидат попросил")
    await running_app.deliver_outbox()
    (told,) = (await wait_for(candidate, before + 1))[before:]
    assert told["text"].startswith("The recruiter had to cancel your interview")
    async with running_app.app.uow_factory() as uow:
        slot = await uow.slots.get((await _booking(running_app)).slot_id)
        assert slot is not None and not slot.withdrawn  # the recruiter is there: free again


async def _to_after_the_slot(app: RunningApp) -> Booking:
    booking = await _booking(app)
    async with app.app.uow_factory() as uow:
        slot = await uow.slots.get(booking.slot_id)
        assert slot is not None
        ends = slot.ends_at
    app.clock.advance(ends - app.clock.now() + timedelta(minutes=16))
    return booking


async def test_outcomes_came_and_passed_invite_to_test2(running_app: RunningApp) -> None:
    recruiter, candidate, _card = await _requested(running_app, "en")
    await recruiter.press_for_notice("✅ Подтвердить")
    await _to_after_the_slot(running_app)
    before = len(await recruiter.bot_messages())
    await running_app.run_periodic_jobs()
    prompt = await wait_for_text(recruiter, "пришёл(ла)?", after=before)
    assert button_texts(prompt) == ["🏁 Пришёл", "🚫 Не пришёл"]
    # The answer to the press; the background sender may deliver another message with it.
    answered = await recruiter.press("🏁 Пришёл")
    assert [button_texts(m) for m in answered if "👍 Прошёл" in button_texts(m)] == [
        ["👍 Прошёл", "👎 Не прошёл"]
    ]
    cand_before = len(await candidate.bot_messages())
    await recruiter.press_for_notice("👍 Прошёл")
    await running_app.deliver_outbox()
    (invite_msg,) = (await wait_for(candidate, cand_before + 1))[cand_before:]
    assert button_texts(invite_msg) == ["Start the test"]
    async with running_app.app.uow_factory() as uow:
        person = await uow.candidates.get_by_telegram_id(candidate.id)
        assert person is not None
        assert person.status is CandidateStatus.INTERVIEWED_PASSED


@pytest.mark.parametrize(
    ("button", "status", "says"),
    [
        ("🚫 Не пришёл", CandidateStatus.NO_SHOW, "We missed you"),
    ],
)
async def test_a_no_show_sends_its_template(
    running_app: RunningApp, button: str, status: CandidateStatus, says: str
) -> None:
    recruiter, candidate, _card = await _requested(running_app, "en")
    await recruiter.press_for_notice("✅ Подтвердить")
    await _to_after_the_slot(running_app)
    await running_app.run_periodic_jobs()
    await wait_for_message(recruiter, "Ann Smith, ")  # the "did they come?" prompt
    before = len(await candidate.bot_messages())
    await recruiter.press_for_notice(button)
    await running_app.deliver_outbox()
    (told,) = (await wait_for(candidate, before + 1))[before:]
    assert told["text"].startswith(says)
    async with running_app.app.uow_factory() as uow:
        person = await uow.candidates.get_by_telegram_id(candidate.id)
        assert person is not None
        assert person.status is status
    # "write to us here": writing reaches the city's recruiters.
    recruiter_before = len(await recruiter.bot_messages())
    (thanks,) = await candidate.say("Sorry, I was ill. Can I come another day?")
    assert thanks["text"].startswith("Thank you! We have passed your message on")
    await running_app.deliver_outbox()
    note = await wait_for_text(recruiter, "не пришёл(ла) на собеседование", after=recruiter_before)
    assert note["text"].startswith("Ann Smith (Москва)")
    assert "Sorry, I was ill. Can I come another day?" in note["text"]


async def test_not_passed_later_from_the_agenda(running_app: RunningApp) -> None:
    recruiter, candidate, _card = await _requested(running_app, "ru")
    await recruiter.press_for_notice("✅ Подтвердить")
    await _to_after_the_slot(running_app)
    running_app.clock.advance(timedelta(hours=1))  # no prompt answered: set it from the agenda
    await recruiter.say("/today")
    await recruiter.press("Итог")
    await recruiter.press("🏁 Пришёл")
    await recruiter.press_for_notice("👎 Не прошёл")
    await running_app.deliver_outbox()
    await wait_for_message(candidate, "Спасибо, что пришли на собеседование")
    async with running_app.app.uow_factory() as uow:
        person = await uow.candidates.get_by_telegram_id(candidate.id)
        assert person is not None
        assert person.status is CandidateStatus.INTERVIEWED_FAILED
    # The reminders that fell due meanwhile were dropped, not sent late.
    texts = [m["text"] or "" for m in await candidate.bot_messages()]
    assert not any(t.startswith("Напоминаем") or t.startswith("Скоро ваше") for t in texts)


async def test_the_daily_digest_at_eight_in_the_recruiters_zone(running_app: RunningApp) -> None:
    idle = await invited_recruiter(running_app, "Julia Weber")  # no interviews at all
    recruiter, _candidate, _card = await _requested(running_app, "en")
    await recruiter.press_for_notice("✅ Подтвердить")
    booking = await _booking(running_app)
    async with running_app.app.uow_factory() as uow:
        slot = await uow.slots.get(booking.slot_id)
        assert slot is not None
    from datetime import datetime
    from datetime import time as dtime
    from zoneinfo import ZoneInfo

    zone = ZoneInfo("Europe/Moscow")
    eight = datetime.combine(slot.starts_at.astimezone(zone).date(), dtime(8, 5), tzinfo=zone)
    running_app.clock.advance(eight - running_app.clock.now())
    before = len(await recruiter.bot_messages())
    await running_app.run_periodic_jobs()
    await running_app.run_periodic_jobs()  # a second run sends nothing twice
    await wait_for_text(recruiter, "Собеседования сегодня", after=before)
    new = (await recruiter.bot_messages())[before:]
    digests = [m for m in new if m["text"].startswith("Собеседования сегодня")]
    assert len(digests) == 1
    assert "Ann Smith" in digests[0]["text"]
    assert len(await idle.bot_messages()) == 1  # only "you are linked": no empty digest


async def test_who_may_do_what(running_app: RunningApp) -> None:
    recruiter, candidate, card = await _requested(running_app, "en")
    approve = card["buttons"][0][0]["callback_data"]
    # A candidate sending a recruiter's button data (forged on a message of their own chat).
    own = await wait_for_message(candidate, "Your request")
    await candidate.press_data(own["message_id"], approve, forged=True)
    await eventually(candidate.notices, "the candidate is told off")
    assert (await candidate.notices())[-1] == "This button is for recruiters only."
    # Another recruiter naming Anna's booking.
    igor = await invited_recruiter(running_app, "Игорь Петров")
    from sandbox import user_actions

    bot = running_app.world.primary_bot()
    assert bot is not None
    user_actions.send_text(running_app.world, bot, running_app.world.users[igor.id], "/today")
    await wait_for(igor, 2)
    message_id = (await igor.last())["message_id"]
    await igor.press_data(message_id, approve, forged=True)
    await eventually(igor.notices, "Igor is told off")
    assert (await igor.notices())[-1] == "Эта запись не на ваш слот."
    assert (await _booking(running_app)).status is BookingStatus.PENDING
    # Deactivated in the panel: their commands stop at once.
    async with running_app.app.uow_factory() as uow:
        anna = (
            await uow.session.scalars(select(Recruiter).where(Recruiter.name == "Анна Смирнова"))
        ).one()
        anna.active = False
        await uow.commit()
    (off,) = await recruiter.say("/today")
    assert off["text"].startswith("Ваш доступ рекрутера отключён")
