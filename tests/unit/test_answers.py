"""Checking answers by kind: what is accepted, how it is stored, why the rest is refused."""

from __future__ import annotations

import pytest

from core.enums import QuestionKind
from domain.screening.answers import Accepted, Rejected, check_answer, check_phone
from storage.dto import QuestionDTO


def question(kind: QuestionKind, **kw: object) -> QuestionDTO:
    values: dict[str, object] = {
        "id": 1,
        "position": 1,
        "key": "q",
        "kind": kind,
        "prompt": {"en": "?"},
        "options": [],
        "min_value": None,
        "max_value": None,
        "max_attempts": None,
        "time_limit_seconds": None,
        "parent_id": None,
        "show_if_answer": None,
    }
    values.update(kw)
    return QuestionDTO(**values)  # type: ignore[arg-type]


AGE = question(QuestionKind.NUMBER, min_value=18, max_value=60)
STATUS = question(
    QuestionKind.SINGLE_CHOICE,
    options=[
        {"value": "working", "label": {"en": "Working", "ru": "Работаю"}},
        {"value": "other", "label": {"en": "Other", "ru": "Другое"}},
    ],
)


@pytest.mark.parametrize(
    ("raw", "stored"),
    [("25", "25"), (" 25 лет", "25"), ("I am 30", "30"), ("18", "18"), ("60", "60")],
)
def test_numbers_are_found_in_what_people_type(raw: str, stored: str) -> None:
    assert check_answer(AGE, raw, "en") == Accepted(stored)


def test_thousands_and_decimal_commas_are_read() -> None:
    salary = question(QuestionKind.NUMBER, min_value=0)
    assert check_answer(salary, "50 000", "ru") == Accepted("50000")
    assert check_answer(salary, "1,5", "ru") == Accepted("1.5")


@pytest.mark.parametrize(
    ("raw", "reason"),
    [
        ("twenty", "screening.invalid.number"),
        ("25 or 26", "screening.invalid.number"),
        ("17", "screening.invalid.range"),
        ("61", "screening.invalid.range"),
    ],
)
def test_numbers_out_of_bounds_or_unclear_are_refused(raw: str, reason: str) -> None:
    result = check_answer(AGE, raw, "en")
    assert isinstance(result, Rejected)
    assert result.reason_key == reason


def test_a_range_refusal_names_the_bounds() -> None:
    assert check_answer(AGE, "12", "en") == Rejected(
        "screening.invalid.range", {"min": "18", "max": "60"}
    )


def test_choices_by_value_or_label_in_any_language() -> None:
    assert check_answer(STATUS, "working", "en") == Accepted("working")
    assert check_answer(STATUS, "работаю", "ru") == Accepted("working")
    assert check_answer(STATUS, "OTHER", "en") == Accepted("other")
    assert check_answer(STATUS, "maybe", "en") == Rejected("screening.invalid.choice")


def test_text_must_be_there_and_not_too_long() -> None:
    text = question(QuestionKind.TEXT)
    assert check_answer(text, "  Ann  ", "en") == Accepted("Ann")
    assert check_answer(text, "   ", "en") == Rejected("screening.invalid.text")
    assert check_answer(text, "x" * 1001, "en") == Rejected(
        "screening.invalid.too_long", {"max": 1000}
    )


@pytest.mark.parametrize(
    ("raw", "stored"),
    [
        ("+7 (999) 123-45-67", "+79991234567"),
        ("89991234567", "+79991234567"),
        ("+49 30 1234567", "+49301234567"),
    ],
)
def test_phones_are_normalised(raw: str, stored: str) -> None:
    assert check_phone(raw) == Accepted(stored)


@pytest.mark.parametrize("raw", ["call me", "12345", "+7 999 123 45 67 89 00 11"])
def test_things_that_are_not_phones_are_refused(raw: str) -> None:
    assert check_phone(raw) == Rejected("screening.invalid.phone")


def test_a_whole_number_question_refuses_a_fraction_and_says_so() -> None:
    age = question(QuestionKind.NUMBER, min_value=18, max_value=60, whole_number=True)
    assert check_answer(age, "25.5", "en") == Rejected("screening.invalid.whole")
    assert check_answer(age, "25,5 лет", "ru") == Rejected("screening.invalid.whole")
    assert check_answer(age, "25", "en") == Accepted("25")
    assert check_answer(age, "25.0", "en") == Accepted("25")


def test_a_number_question_that_allows_fractions_keeps_them() -> None:
    rate = question(QuestionKind.NUMBER, min_value=0, whole_number=False)
    assert check_answer(rate, "25.5", "en") == Accepted("25.5")
