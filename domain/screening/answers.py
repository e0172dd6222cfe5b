"""Checking one answer against its question's kind and bounds: pure, so easy to test."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from core.enums import QuestionKind
from storage.dto import QuestionDTO

MAX_TEXT_ANSWER = 1000
_NUMBER = re.compile(r"-?\d[\d\s\u00a0]*(?:[.,]\d+)?")
_PHONE_CHARS = re.compile(r"[\s()\-]")


@dataclass(frozen=True)
class Accepted:
    value: str  # what is stored: an option's value, a normalised number or phone, the text


@dataclass(frozen=True)
class Rejected:
    reason_key: str
    values: dict[str, Any] = field(default_factory=dict)


def check_answer(question: QuestionDTO, raw: str, locale: str) -> Accepted | Rejected:
    text = raw.strip()
    if question.kind is QuestionKind.SINGLE_CHOICE:
        return _choice(question, text, locale)
    if question.kind is QuestionKind.NUMBER:
        return _number(question, text)
    if question.kind is QuestionKind.PHONE:
        return check_phone(text)
    if not text:
        return Rejected("screening.invalid.text")
    if len(text) > MAX_TEXT_ANSWER:
        return Rejected("screening.invalid.too_long", {"max": MAX_TEXT_ANSWER})
    return Accepted(text)


def _choice(question: QuestionDTO, text: str, locale: str) -> Accepted | Rejected:
    folded = text.casefold()
    for option in question.options:
        label = option.get("label", {})
        labels = label.values() if isinstance(label, dict) else [str(label)]
        if text == str(option["value"]) or folded in {str(x).casefold() for x in labels}:
            return Accepted(str(option["value"]))
    return Rejected("screening.invalid.choice")


def _number(question: QuestionDTO, text: str) -> Accepted | Rejected:
    found = _NUMBER.findall(text)
    if len(found) != 1:
        return Rejected("screening.invalid.number")
    value = float(re.sub(r"[\s\u00a0]", "", found[0]).replace(",", "."))
    if question.whole_number and not value.is_integer():
        return Rejected("screening.invalid.whole")
    low, high = question.min_value, question.max_value
    if (low is not None and value < low) or (high is not None and value > high):
        return Rejected("screening.invalid.range", {"min": _plain(low), "max": _plain(high)})
    return Accepted(_plain(value))


def _plain(value: float | None) -> str:
    if value is None:
        return "…"
    return str(int(value)) if float(value).is_integer() else str(value)


def check_phone(text: str) -> Accepted | Rejected:
    digits = _PHONE_CHARS.sub("", text)
    if not re.fullmatch(r"\+?\d{10,15}", digits):
        return Rejected("screening.invalid.phone")
    if not digits.startswith("+"):
        digits = "+" + ("7" + digits[1:] if len(digits) == 11 and digits[0] == "8" else digits)
    return Accepted(digits)


def option_flags(question: QuestionDTO, value: str) -> dict[str, Any]:
    for option in question.options:
        if str(option["value"]) == value:
            return option
    return {}


def option_label(question: QuestionDTO, value: str, locale: str) -> str:
    label = option_flags(question, value).get("label", value)
    if isinstance(label, dict):
        return str(label.get(locale) or next(iter(label.values()), value))
    return str(label)


def prompt_text(question: QuestionDTO, locale: str) -> str:
    return question.prompt.get(locale) or next(iter(question.prompt.values()), question.key)
