"""Keyboards and texts for the candidate's screens (texts always from templates or catalogs)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from aiogram.types import (
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    KeyboardButton,
    ReplyKeyboardMarkup,
)

from bot.callbacks import (
    AnswerChoice,
    BookingAction,
    CityChoice,
    DayChoice,
    LanguageChoice,
    LanguageMenu,
    RecruiterChoice,
    SlotChoice,
    Test2Choice,
    WaitlistAction,
)
from core.enums import QuestionKind
from domain.messaging.dates import day_label, time_label
from domain.messaging.texts import Catalog
from domain.screening.answers import prompt_text
from storage.dto import CityDTO, QuestionDTO, RecruiterDTO, SlotDTO

CITIES_PER_PAGE = 8
REASONS = ("plans_changed", "found_job", "not_interested", "other")
Markup = InlineKeyboardMarkup | ReplyKeyboardMarkup | None


def _button(text: str, data: object) -> InlineKeyboardButton:
    return InlineKeyboardButton(text=text, callback_data=data.pack())  # type: ignore[attr-defined]


def language_keyboard() -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        inline_keyboard=[
            [
                _button("Русский", LanguageChoice(code="ru")),
                _button("English", LanguageChoice(code="en")),
            ]
        ]
    )


def language_button(catalog: Catalog, locale: str) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        inline_keyboard=[[_button(catalog.text("button.language", locale), LanguageMenu())]]
    )


def my_booking_button(booking_id: int, catalog: Catalog, locale: str) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        inline_keyboard=[
            [
                _button(
                    catalog.text("button.my_booking", locale),
                    BookingAction(action="show", booking_id=booking_id),
                )
            ]
        ]
    )


def city_keyboard(
    cities: Sequence[CityDTO], page: int, catalog: Catalog, locale: str
) -> InlineKeyboardMarkup:
    pages = max(1, -(-len(cities) // CITIES_PER_PAGE))
    page = min(max(page, 0), pages - 1)
    chunk = cities[page * CITIES_PER_PAGE : (page + 1) * CITIES_PER_PAGE]
    rows = [[_button(c.name, CityChoice(city_id=c.id, page=page))] for c in chunk]
    nav = []
    if page > 0:
        nav.append(
            _button(catalog.text("button.prev", locale), CityChoice(city_id=0, page=page - 1))
        )
    if page < pages - 1:
        nav.append(
            _button(catalog.text("button.next", locale), CityChoice(city_id=0, page=page + 1))
        )
    if nav:
        rows.append(nav)
    return InlineKeyboardMarkup(inline_keyboard=rows)


def question_markup(question: QuestionDTO, catalog: Catalog, locale: str) -> Markup:
    if question.kind is QuestionKind.SINGLE_CHOICE:
        return InlineKeyboardMarkup(
            inline_keyboard=[
                [
                    _button(
                        _label(o, locale),
                        AnswerChoice(question_id=question.id, value=str(o["value"])),
                    )
                ]
                for o in question.options
            ]
        )
    if question.kind is QuestionKind.PHONE:
        return ReplyKeyboardMarkup(
            keyboard=[
                [
                    KeyboardButton(
                        text=catalog.text("button.share_phone", locale), request_contact=True
                    )
                ]
            ],
            resize_keyboard=True,
            one_time_keyboard=True,
        )
    return None


def test2_markup(question: QuestionDTO, locale: str) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        inline_keyboard=[
            [
                _button(
                    _label(o, locale), Test2Choice(question_id=question.id, value=str(o["value"]))
                )
            ]
            for o in question.options
        ]
    )


def _label(option: dict[str, object], locale: str) -> str:
    label = option.get("label", option.get("value"))
    if isinstance(label, dict):
        return str(label.get(locale) or next(iter(label.values())))
    return str(label)


def question_prompt(question: QuestionDTO, locale: str) -> str:
    return prompt_text(question, locale)


def recruiter_keyboard(
    recruiters: Sequence[RecruiterDTO], purpose: str, move: int, catalog: Catalog, locale: str
) -> InlineKeyboardMarkup:
    rows = [
        [
            _button(
                catalog.text("button.any_recruiter", locale),
                RecruiterChoice(purpose=purpose, recruiter_id=0, move=move),
            )
        ]
    ]
    rows += [
        [_button(r.name, RecruiterChoice(purpose=purpose, recruiter_id=r.id, move=move))]
        for r in recruiters
    ]
    rows.append(
        [
            _button(
                catalog.text("button.refresh", locale),
                RecruiterChoice(purpose=purpose, recruiter_id=-1, move=move),
            )
        ]
    )
    return InlineKeyboardMarkup(inline_keyboard=rows)


def day_keyboard(
    days: Sequence[date], purpose: str, recruiter_id: int, move: int, catalog: Catalog, locale: str
) -> InlineKeyboardMarkup:
    buttons = [
        _button(
            day_label(d, locale),
            DayChoice(purpose=purpose, recruiter_id=recruiter_id, day=d.toordinal(), move=move),
        )
        for d in days
    ]
    rows = [buttons[i : i + 2] for i in range(0, len(buttons), 2)]
    rows.append(
        [
            _button(
                catalog.text("button.back", locale),
                RecruiterChoice(purpose=purpose, recruiter_id=-1, move=move),
            ),
            _button(
                catalog.text("button.refresh", locale),
                RecruiterChoice(purpose=purpose, recruiter_id=recruiter_id, move=move),
            ),
        ]
    )
    return InlineKeyboardMarkup(inline_keyboard=rows)


def time_keyboard(
    slots: Sequence[SlotDTO],
    zone: str,
    purpose: str,
    recruiter_id: int,
    day: date,
    move: int,
    catalog: Catalog,
    locale: str,
) -> InlineKeyboardMarkup:
    buttons = [
        _button(time_label(s.starts_at, zone), SlotChoice(slot_id=s.id, move=move)) for s in slots
    ]
    rows = [buttons[i : i + 4] for i in range(0, len(buttons), 4)]
    rows.append(
        [
            _button(
                catalog.text("button.back", locale),
                RecruiterChoice(purpose=purpose, recruiter_id=recruiter_id, move=move),
            ),
            _button(
                catalog.text("button.refresh", locale),
                DayChoice(
                    purpose=purpose, recruiter_id=recruiter_id, day=day.toordinal(), move=move
                ),
            ),
        ]
    )
    return InlineKeyboardMarkup(inline_keyboard=rows)


def no_slots_keyboard(
    purpose: str, catalog: Catalog, locale: str, move: int = 0
) -> InlineKeyboardMarkup:
    """Wait, ask to be contacted, or look again (still moving booking `move`, when one is)."""
    return InlineKeyboardMarkup(
        inline_keyboard=[
            [
                _button(
                    catalog.text("button.join_waitlist", locale),
                    WaitlistAction(action="join", purpose=purpose),
                )
            ],
            [
                _button(
                    catalog.text("button.contact_me", locale),
                    WaitlistAction(action="contact", purpose=purpose),
                )
            ],
            [
                _button(
                    catalog.text("button.refresh", locale),
                    RecruiterChoice(purpose=purpose, recruiter_id=-1, move=move),
                )
            ],
        ]
    )


def booking_keyboard(booking_id: int, catalog: Catalog, locale: str) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        inline_keyboard=[
            [
                _button(
                    catalog.text("button.reschedule", locale),
                    BookingAction(action="move", booking_id=booking_id),
                )
            ],
            [
                _button(
                    catalog.text("button.cancel_booking", locale),
                    BookingAction(action="cancel", booking_id=booking_id),
                )
            ],
        ]
    )


def reasons_keyboard(booking_id: int, catalog: Catalog, locale: str) -> InlineKeyboardMarkup:
    rows = [
        [
            _button(
                catalog.text(f"reason.{r}", locale),
                BookingAction(action="reason", booking_id=booking_id, reason=r),
            )
        ]
        for r in REASONS
    ]
    rows.append(
        [
            _button(
                catalog.text("button.keep_booking", locale),
                BookingAction(action="keep", booking_id=booking_id),
            )
        ]
    )
    return InlineKeyboardMarkup(inline_keyboard=rows)
