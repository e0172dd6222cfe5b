"""Realistic values for every variable the shipped message templates use, so an admin can
preview and check an edited template before the bot sends it to anyone."""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType

from markupsafe import Markup

SAMPLES: Mapping[str, str | int] = MappingProxyType(
    {
        "answers": (
            "• What is your full name?: Anna Ivanova\n"
            "• How old are you?: 24\n"
            "• Are you ready to work 5 days a week in the office?: Yes"
        ),
        "applications": "✅ Sales manager: interview booked",
        "attempt": 1,
        "author": "Julia Weber",
        "attempts": 3,
        "city": "Kazan",
        "count": 12,
        "crowded": 1,
        "date": "Tue, 1 Dec",
        "day": "Tue, 1 Dec",
        "first": "Tue, 1 Dec 10:00",
        "kind": "a photo",
        "last": "Mon, 14 Dec 17:00",
        "left": 2,
        "lines": "👍 10:00 · Anna Ivanova\n⏳ 11:00 · Pavel Sokolov",
        "mark": "👍",
        "name": "Anna Ivanova",
        "number": 3,
        "phone": "+79161234567",
        "place": "12 Baumana St, office 5",
        "policy_url": "https://example.com/privacy",
        "prompt": "How old are you?",
        "question": "Question 3 of 8\n\nHow old are you?",
        "reason": "Please send a number.",
        "recruiter": "Julia Weber",
        "result": "✅",
        "score": 75,
        "seconds": 120,
        "skipped": 2,
        "source": "hh.ru",
        "standing_date": "Mon, 30 Nov",
        "moved_from": "Mon, 30 Nov, 12:00",
        "standing_time": "15:00",
        "stars": "⭐⭐⭐⭐",
        "status": "👍",
        "suggestions": "Kazan, Kaliningrad",
        "text": "Yes, 9:00 works too. See you on Thursday!",
        "time": "10:30",
        "total": 8,
        "typed": "Kazn",
        "username": "anna_ivanova",
        "vacancies": "<b>Sales manager</b>\nSelling our products in the shop.",
        "vacancy": "Sales manager",
        "what": "interview",
        "wrote": "Sorry, I was ill. Can I come on Thursday?",
        "zone": "Europe/Moscow",
    }
)


# The same samples for an editor who reads Russian (numbers, times and zones are the same).
SAMPLES_BY_LOCALE: Mapping[str, Mapping[str, str | int]] = MappingProxyType(
    {
        "en": SAMPLES,
        "ru": MappingProxyType(
            {
                **SAMPLES,
                "answers": (
                    "• Как вас зовут?: Анна Иванова\n"
                    "• Сколько вам лет?: 24\n"
                    "• Готовы работать 5 дней в неделю в офисе?: Да"
                ),
                "applications": "✅ Менеджер по продажам: собеседование назначено",
                "author": "Юлия Вебер",
                "city": "Казань",
                "date": "вт, 1 дек",
                "day": "вт, 1 дек",
                "first": "вт, 1 дек 10:00",
                "kind": "фото",
                "last": "пн, 14 дек 17:00",
                "lines": "👍 10:00 · Анна Иванова\n⏳ 11:00 · Павел Соколов",
                "name": "Анна Иванова",
                "place": "ул. Баумана, 12, офис 5",
                "prompt": "Сколько вам лет?",
                "question": "Вопрос 3 из 8\n\nСколько вам лет?",
                "reason": "Пожалуйста, напишите число.",
                "recruiter": "Юлия Вебер",
                "standing_date": "пн, 30 ноя",
                "moved_from": "пн, 30 ноя, 12:00",
                "suggestions": "Казань, Калининград",
                "text": "Да, в 9:00 тоже можно. До встречи в четверг!",
                "typed": "Казнь",
                "vacancies": "<b>Менеджер по продажам</b>\nПродажа наших товаров в магазине.",
                "vacancy": "Менеджер по продажам",
                "what": "собеседование",
                "wrote": "Извините, я болела. Можно прийти в четверг?",
            }
        ),
    }
)


def sample_for(name: str, locale: str = "en") -> str | int:
    """The sample of a variable, for an editor reading `locale`; one without a sample shows
    its own name, in brackets."""
    samples = SAMPLES_BY_LOCALE.get(locale, SAMPLES)
    return samples.get(name, f"[{name}]")


# Variables the bot passes as ready Telegram HTML (markupsafe.Markup, not escaped again): their
# samples are rendered the same way, so the preview shows their formatting, not their tags.
HTML_VARIABLES = frozenset({"applications", "question", "vacancies"})


def rendered_sample(name: str, locale: str = "en") -> str | int:
    """The sample as the bot's own value would be passed to the template."""
    value = sample_for(name, locale)
    return Markup(value) if name in HTML_VARIABLES and isinstance(value, str) else value
