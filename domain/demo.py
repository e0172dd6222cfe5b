"""`python main.py seed-demo`: cities in several zones, recruiters, slots and tests (the shipped
message templates serve as they are)."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from core.clock import Clock
from core.enums import QuestionKind, SlotPurpose, TestKind
from domain.messaging.texts import Catalog
from storage.models import City, CityName, Recruiter, Slot, Test, TestQuestion
from storage.uow import UnitOfWork

# (main name, its name in English or None, zone, approval): Berlin is Berlin for everyone.
DEMO_CITIES = (
    ("Москва", "Moscow", "Europe/Moscow", True),
    ("Новосибирск", "Novosibirsk", "Asia/Novosibirsk", True),
    ("Калининград", "Kaliningrad", "Europe/Kaliningrad", False),
    ("Berlin", None, "Europe/Berlin", True),
)
DEMO_RECRUITERS = (
    ("Анна Смирнова", "Europe/Moscow", "https://meet.example.com/anna", (0, 2)),
    ("Игорь Петров", "Asia/Novosibirsk", "ул. Ленина, 1, офис 5", (1,)),
    ("Julia Weber", "Europe/Berlin", "https://meet.example.com/julia", (3,)),
)


def _prompt(ru: str, en: str) -> dict[str, str]:
    return {"ru": ru, "en": en}


def _option(value: str, ru: str, en: str, **flags: Any) -> dict[str, Any]:
    return {"value": value, "label": _prompt(ru, en), **flags}


def screening_questions() -> list[TestQuestion]:
    """The original system's test 1."""
    q = TestQuestion
    return [
        q(
            position=1,
            key="full_name",
            kind=QuestionKind.TEXT,
            prompt=_prompt("Как вас зовут (фамилия и имя)?", "What is your full name?"),
        ),
        q(
            position=2,
            key="city",
            kind=QuestionKind.TEXT,
            prompt=_prompt("В каком городе вы живёте?", "Which city do you live in?"),
        ),
        q(
            position=3,
            key="age",
            kind=QuestionKind.NUMBER,
            min_value=18,
            max_value=60,
            whole_number=True,
            prompt=_prompt("Сколько вам лет?", "How old are you?"),
        ),
        q(
            position=4,
            key="status",
            kind=QuestionKind.SINGLE_CHOICE,
            prompt=_prompt("Чем вы сейчас заняты?", "What are you doing now?"),
            options=[
                _option("studying", "Учусь", "Studying"),
                _option("working", "Работаю", "Working"),
                _option("looking", "Ищу работу", "Looking for a job"),
                _option("other", "Другое", "Other"),
            ],
        ),
        q(
            position=5,
            key="salary",
            kind=QuestionKind.NUMBER,
            min_value=0,
            max_value=10_000_000,
            whole_number=True,
            prompt=_prompt(
                "Какой доход в месяц вы ожидаете?", "What monthly income do you expect?"
            ),
        ),
        q(
            position=6,
            key="format",
            kind=QuestionKind.SINGLE_CHOICE,
            prompt=_prompt(
                "Готовы к работе по графику 5/2 в офисе?",
                "Are you ready to work 5 days a week in the office?",
            ),
            options=[
                _option("yes", "Да", "Yes"),
                _option("no", "Нет", "No", knockout=True),
            ],
        ),
        q(
            position=7,
            key="experience",
            kind=QuestionKind.TEXT,
            prompt=_prompt(
                "Расскажите о вашем опыте работы.", "Tell us about your work experience."
            ),
        ),
        q(
            position=8,
            key="motivation",
            kind=QuestionKind.TEXT,
            prompt=_prompt("Почему вам интересна эта работа?", "Why does this job interest you?"),
        ),
    ]


def knowledge_questions() -> list[TestQuestion]:
    """The original system's test 2: four multiple-choice questions about the job."""

    def mc(
        position: int, key: str, prompt: dict[str, str], options: list[dict[str, Any]]
    ) -> TestQuestion:
        return TestQuestion(
            position=position,
            key=key,
            kind=QuestionKind.SINGLE_CHOICE,
            prompt=prompt,
            options=options,
        )

    return [
        mc(
            1,
            "first_contact",
            _prompt(
                "Что важнее всего при первом звонке клиенту?",
                "What matters most in a first call to a client?",
            ),
            [
                _option("listen", "Выслушать потребность", "Listening to the need", correct=True),
                _option("price", "Сразу назвать цену", "Naming the price at once"),
                _option("script", "Дочитать скрипт до конца", "Reading the script to the end"),
            ],
        ),
        mc(
            2,
            "crm",
            _prompt(
                "Где фиксируется каждый контакт с клиентом?",
                "Where is every client contact recorded?",
            ),
            [
                _option("crm", "В CRM", "In the CRM", correct=True),
                _option("notebook", "В личном блокноте", "In a personal notebook"),
                _option("nowhere", "Нигде", "Nowhere"),
            ],
        ),
        mc(
            3,
            "objection",
            _prompt(
                "Клиент говорит «дорого». Ваш первый шаг?",
                'A client says "too expensive". Your first step?',
            ),
            [
                _option(
                    "clarify",
                    "Уточнить, с чем сравнивает",
                    "Ask what they compare with",
                    correct=True,
                ),
                _option("discount", "Дать скидку", "Give a discount"),
                _option("end", "Закончить разговор", "End the call"),
            ],
        ),
        mc(
            4,
            "plan",
            _prompt("Как часто выполняется план продаж?", "How is the sales plan measured?"),
            [
                _option("monthly", "Помесячно", "Monthly", correct=True),
                _option("never", "Плана нет", "There is no plan"),
                _option("yearly", "Раз в год", "Once a year"),
            ],
        ),
    ]


def _demo_slots(recruiter: Recruiter, today: date, days: int) -> list[Slot]:
    """Weekdays 10:00–17:00 local, hourly, from tomorrow; Fridays are intro days.
    A recruiter serving several cities spends each day in one of them, in turn."""
    slots: list[Slot] = []
    for offset in range(1, days + 1):
        day = today + timedelta(days=offset)
        if day.weekday() >= 5:
            continue
        city = recruiter.cities[offset % len(recruiter.cities)]
        purpose = SlotPurpose.INTRO_DAY if day.weekday() == 4 else SlotPurpose.INTERVIEW
        zone = ZoneInfo(city.timezone)
        for hour in range(10, 18):
            starts_at = datetime.combine(day, time(hour), tzinfo=zone).astimezone(UTC)
            slots.append(
                Slot(
                    recruiter_id=recruiter.id,
                    city_id=city.id,
                    starts_at=starts_at,
                    duration_minutes=30,
                    purpose=purpose,
                )
            )
    return slots


async def seed_demo(uow: UnitOfWork, catalog: Catalog, clock: Clock) -> bool:
    """Fill an empty database with demo data and commit. False if it held cities already."""
    if await uow.cities.count() > 0:
        return False
    cities = await uow.cities.add_many(
        City(
            name=name,
            locale_names=[CityName(locale="en", name=english)] if english else [],
            timezone=zone,
            requires_approval=approval,
            plan_per_week=10,
            plan_per_month=40,
        )
        for name, english, zone, approval in DEMO_CITIES
    )
    recruiters = await uow.recruiters.add_many(
        Recruiter(
            name=name, timezone=zone, meeting_link=link, cities=[cities[i] for i in city_indexes]
        )
        for name, zone, link, city_indexes in DEMO_RECRUITERS
    )

    today = clock.now().date()
    slots = [slot for recruiter in recruiters for slot in _demo_slots(recruiter, today, 14)]
    await uow.slots.add_many(slots)

    uow.tests.add(
        Test(
            kind=TestKind.SCREENING, title="Test 1", pass_percent=0, questions=screening_questions()
        )
    )
    uow.tests.add(
        Test(
            kind=TestKind.KNOWLEDGE,
            title="Test 2",
            pass_percent=75,
            default_max_attempts=3,
            default_time_limit_seconds=120,
            questions=knowledge_questions(),
        )
    )
    # No copies of the shipped templates: a copy equal to the shipped text is no override, and
    # would hide the shipped text's later improvements.
    await uow.commit()
    return True
