"""Steps of the journey that many tests share."""

from __future__ import annotations

from typing import Any

from domain.demo import DEMO_CITIES
from tests.e2e.chat import Chat, Message
from tests.e2e.conftest import RunningApp

TEXTS = {
    "en": {
        "name": "Ann",
        "question": "Question",
        "of": "of",
        "working": "Working",
        "yes": "Yes",
        "no": "No",
        "any": "Any recruiter (earliest time)",
        "confirmed": "is confirmed",
        "number": "Please answer with a number.",
        "range": "Please enter a number from 18 to 60.",
        "rejected": "Unfortunately we cannot invite you",
    },
    "ru": {
        "name": "Аня",
        "question": "Вопрос",
        "of": "из",
        "working": "Работаю",
        "yes": "Да",
        "no": "Нет",
        "any": "Любой рекрутер (ближайшее время)",
        "confirmed": "подтверждено",
        "number": "Пожалуйста, ответьте числом.",
        "range": "Введите, пожалуйста, число от 18 до 60.",
        "rejected": "К сожалению, сейчас мы не можем",
    },
}


def shown(city: str, locale: str) -> str:
    """A demo city's name as a reader in `locale` sees it (its own name there, else its main)."""
    english = {name: en for name, en, _zone, _approval in DEMO_CITIES}
    return (english.get(city) or city) if locale == "en" else city


async def begin(app: RunningApp, locale: str, city: str = "Калининград", payload: str = "") -> Chat:
    persona = await app.sandbox.persona(TEXTS[locale]["name"], language=locale)
    chat = Chat(persona)
    await chat.start(payload)
    await chat.press(shown(city, locale), expect=2)  # "noted" + the first question
    return chat


async def answer_screening(chat: Chat, locale: str, *, ready: bool = True) -> list[Message]:
    t = TEXTS[locale]
    await chat.say("Ann Smith")
    await chat.say("25")
    await chat.press(t["working"])
    await chat.say("50 000")
    if not ready:
        return await chat.press(t["no"])
    await chat.press(t["yes"])
    await chat.say("Two years in sales")
    return await chat.say("I like people", expect=2)


async def to_times(chat: Chat, locale: str) -> Message:
    """From the recruiter list to the first day's times."""
    days = await chat.navigate(TEXTS[locale]["any"])
    return await chat.navigate(days["buttons"][0][0]["text"])


async def book_first_time(chat: Chat, locale: str, expect: int = 2) -> list[Message]:
    times = await to_times(chat, locale)
    return await chat.press(times["buttons"][0][0]["text"], expect=expect)


async def screened(app: RunningApp, locale: str = "en", city: str = "Калининград") -> Chat:
    """A candidate who has passed screening and sees the recruiter list."""
    chat = await begin(app, locale, city)
    await answer_screening(chat, locale)
    return chat


def button_texts(message: dict[str, Any]) -> list[str]:
    return [b["text"] for row in message["buttons"] for b in row]


async def linked_recruiter(app: RunningApp, name: str = "Анна Смирнова") -> Chat:
    """A recruiter persona whose chat is linked to a demo recruiter (the invite flow is the
    recruiter workspace's; here the link is written directly) and who has opened the bot."""
    from sqlalchemy import select

    from storage.models import Recruiter

    persona = await app.sandbox.persona(name.split()[0], language="ru", persona="recruiter")
    async with app.app.uow_factory() as uow:
        recruiter = (
            await uow.session.scalars(select(Recruiter).where(Recruiter.name == name))
        ).one()
        recruiter.telegram_chat_id = persona.id
        await uow.commit()
    bot = app.world.primary_bot()
    assert bot is not None
    app.world.users[persona.id].started_bots.add(bot.id)
    return Chat(persona)


async def wait_for(chat: Chat, count: int, seconds: float = 60.0) -> list[Message]:
    """Wait until the chat holds `count` bot messages (e.g. sent by the outbox job)."""
    import asyncio
    import time

    deadline = time.monotonic() + seconds
    while True:
        messages = await chat.bot_messages()
        if len(messages) >= count or time.monotonic() > deadline:
            return messages
        await asyncio.sleep(0.05)


async def wait_for_text(
    chat: Chat, contains: str, after: int = 0, seconds: float = 60.0
) -> Message:
    """The first bot message past the `after`-th holding `contains`, waiting for it.

    Other messages (a digest, a note queued earlier) may arrive before it: a count alone would
    pick whichever the background sender delivered first.
    """
    import asyncio
    import time

    deadline = time.monotonic() + seconds
    while True:
        messages = await chat.bot_messages()
        for message in messages[after:]:
            if contains in (message["text"] or ""):
                return message
        if time.monotonic() > deadline:
            raise AssertionError(f"no message holding {contains!r} after #{after}: {messages}")
        await asyncio.sleep(0.05)


# What tests expect to read, per language.
SAYS = {
    "en": {
        "sent_to": "has been sent to Анна Смирнова",
        "confirmed": "Your interview is confirmed",
        "summary": "Your interview",
        "actions": ["Choose another time", "Cancel the booking"],
        "my_booking": "My booking",
        "no_times": "There are no free times in Novosibirsk",
        "no_times_buttons": ["Join the waiting list", "Please contact me", "🔄 Refresh"],
        "choose_new": "Choose a new time. Your current booking stays",
        "cancel": "Cancel the booking",
        "reason": "I found another job",
        "canceled": "Your booking is canceled",
        "too_late": "It is too close to the start",
        "move": "Choose another time",
        "coming": "✅ I'm coming",
        "cant": "❌ I can't come",
        "coming_ack": "Great, see you then!",
        "cant_ack": "Thank you for letting us know.",
        "reminder": "Reminder: your interview",
        "will_you": "Will you come?",
        "offer": "A time has freed up in Ожидание",
        "take": "Take this time",
        "gone": "Sorry, this time has already been taken",
        "waitlist": "Join the waiting list",
        "joined": "You are on the waiting list",
        "plans": "My plans changed",
        "none_free": "There are no free times in Ожидание",
    },
    "ru": {
        "sent_to": "отправлена рекрутеру Анна Смирнова",
        "confirmed": "Ваше собеседование подтверждено",
        "summary": "Ваше собеседование",
        "actions": ["Выбрать другое время", "Отменить запись"],
        "my_booking": "Моя запись",
        "no_times": "Сейчас в городе Новосибирск нет свободного времени",
        "no_times_buttons": ["Встать в лист ожидания", "Свяжитесь со мной", "🔄 Обновить"],
        "choose_new": "Выберите новое время. Текущая запись сохранится",
        "cancel": "Отменить запись",
        "reason": "Нашёл другую работу",
        "canceled": "Запись отменена",
        "too_late": "До начала осталось слишком мало времени",
        "move": "Выбрать другое время",
        "coming": "✅ Приду",
        "cant": "❌ Не смогу",
        "coming_ack": "Отлично, ждём вас!",
        "cant_ack": "Спасибо, что предупредили.",
        "reminder": "Напоминаем: ваше собеседование",
        "will_you": "Вы придёте?",
        "offer": "В городе Ожидание освободилось время",
        "take": "Занять это время",
        "gone": "Извините, это время уже заняли",
        "waitlist": "Встать в лист ожидания",
        "joined": "Вы в листе ожидания",
        "plans": "Изменились планы",
        "none_free": "Сейчас в городе Ожидание нет свободного времени",
    },
}


async def wait_for_message(chat: Chat, starts_with: str, seconds: float = 60.0) -> Message:
    """The newest bot message starting so, waiting for it (the outbox job may send it)."""
    import asyncio
    import time

    deadline = time.monotonic() + seconds
    while True:
        for message in reversed(await chat.bot_messages()):
            if (message["text"] or "").startswith(starts_with):
                return message
        if time.monotonic() > deadline:
            raise AssertionError(
                f"no message starting {starts_with!r}: {await chat.bot_messages()}"
            )
        await asyncio.sleep(0.05)
