"""Test questions and the tests' settings, as the panel's forms send them.

A choice question's options are one per line: `value | label ru | label en | flags`, where the
flags (optional, separated by spaces) are `correct` (test 2: the right answer), `knockout`
(test 1: this answer ends the test, failed) and `score=N` (test 1: points towards the pass
percentage). What the bot's screening and knowledge tests read is `QuestionIn.to_fields()`.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Annotated, Any

from pydantic import Field, StringConstraints, ValidationInfo, field_validator

from admin.schemas.common import Id, Input, Name
from core.enums import QuestionKind, TestKind
from domain.records import TestQuestion

MAX_OPTIONS = 20
MAX_LABEL = 100
MAX_SCORE = 1000
# Option values travel in Telegram's callback data (64 bytes with the question's id).
OPTION_VALUE = re.compile(r"[A-Za-z0-9_-]{1,32}")
FLAGS = ("correct", "knockout")
OPTIONS_FORMAT = "value | label ru | label en | flags"

Key = Annotated[str, StringConstraints(strip_whitespace=True, pattern=r"^[a-z][a-z0-9_]{0,63}$")]
Prompt = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=1000)]


def _score(text: str, line: int) -> float | int:
    try:
        score = float(text)
    except ValueError:
        raise ValueError(f"line {line}: score=N needs a number, not “{text}”") from None
    if not 0 <= score <= MAX_SCORE:
        raise ValueError(f"line {line}: a score is between 0 and {MAX_SCORE}")
    return int(score) if score.is_integer() else score


def _option(line: str, number: int) -> dict[str, Any]:
    parts = [part.strip() for part in line.split("|")]
    if len(parts) not in (3, 4):
        raise ValueError(f"line {number}: write {OPTIONS_FORMAT}")
    value, ru, en = parts[:3]
    if not OPTION_VALUE.fullmatch(value):
        raise ValueError(
            f"line {number}: the value “{value}” must be 1 to 32 latin letters, digits, _ or -"
        )
    if not ru or not en:
        raise ValueError(f"line {number}: both labels, ru and en, are needed")
    if max(len(ru), len(en)) > MAX_LABEL:
        raise ValueError(f"line {number}: a label has at most {MAX_LABEL} characters")
    option: dict[str, Any] = {"value": value, "label": {"ru": ru, "en": en}}
    for flag in (parts[3] if len(parts) == 4 else "").replace(",", " ").split():
        name, _, amount = flag.lower().partition("=")
        if name in FLAGS and not amount:
            option[name] = True
        elif name == "score" and amount:
            option["score"] = _score(amount, number)
        else:
            raise ValueError(f"line {number}: unknown flag “{flag}” (correct, knockout or score=N)")
    return option


def parse_options(text: str | None) -> list[dict[str, Any]]:
    """Options as the bot reads them, from one line each; blank lines are skipped."""
    options = [
        _option(line, number)
        for number, line in enumerate((text or "").splitlines(), start=1)
        if line.strip()
    ]
    if len(options) > MAX_OPTIONS:
        raise ValueError(f"at most {MAX_OPTIONS} options")
    seen: set[str] = set()
    for option in options:
        if option["value"] in seen:
            raise ValueError(f"the value “{option['value']}” is used twice")
        seen.add(option["value"])
    return options


def option_label(option: dict[str, Any], locale: str) -> str:
    label = option.get("label", option.get("value", ""))
    if isinstance(label, dict):
        return str(label.get(locale) or next(iter(label.values()), ""))
    return str(label)


def options_text(options: Sequence[dict[str, Any]]) -> str:
    """Stored options as the form's lines: the inverse of `parse_options`."""
    lines = []
    for option in options:
        flags = [flag for flag in FLAGS if option.get(flag)]
        if option.get("score"):
            flags.append(f"score={option['score']}")
        parts = [str(option["value"]), option_label(option, "ru"), option_label(option, "en")]
        lines.append(" | ".join([*parts, " ".join(flags)] if flags else parts))
    return "\n".join(lines)


class QuestionIn(Input):
    """One question. Fields are checked in order, so each rule sees the test and kind."""

    test: TestKind
    key: Key
    kind: QuestionKind
    prompt_ru: Prompt
    prompt_en: Prompt
    options: str | None = Field(None, max_length=10_000, validate_default=True)
    min_value: float | None = Field(None, ge=-1e12, le=1e12, validate_default=True)
    max_value: float | None = Field(None, ge=-1e12, le=1e12, validate_default=True)
    whole_number: bool = False
    max_attempts: int | None = Field(None, ge=1, le=10, validate_default=True)
    time_limit_seconds: int | None = Field(None, ge=10, le=3600, validate_default=True)
    parent_id: Id | None = Field(None, validate_default=True)
    show_if_answer: str | None = Field(None, max_length=32, validate_default=True)
    active: bool = True

    @field_validator("kind")
    @classmethod
    def _kind(cls, kind: QuestionKind, info: ValidationInfo) -> QuestionKind:
        if info.data.get("test") is TestKind.KNOWLEDGE and kind is not QuestionKind.SINGLE_CHOICE:
            raise ValueError("test 2 asks single-choice questions only")
        return kind

    @field_validator("options")
    @classmethod
    def _options(cls, text: str | None, info: ValidationInfo) -> str | None:
        options = parse_options(text)
        kind, test = info.data.get("kind"), info.data.get("test")
        flagged = {flag: [o for o in options if o.get(flag)] for flag in FLAGS}
        if kind is QuestionKind.SINGLE_CHOICE and len(options) < 2:
            raise ValueError("a choice question needs at least two options, one per line")
        if kind not in (QuestionKind.SINGLE_CHOICE, None) and options:
            raise ValueError("only a single-choice question has options")
        if test is TestKind.KNOWLEDGE and options and not flagged["correct"]:
            raise ValueError("mark the right answer: add the flag correct to its line")
        if test is TestKind.KNOWLEDGE and flagged["knockout"]:
            raise ValueError("knock-out answers end test 1 only; test 2 counts correct ones")
        if test is TestKind.SCREENING and flagged["correct"]:
            raise ValueError("test 1 has no correct answers: use score=N or knockout")
        if options and len(flagged["knockout"]) == len(options):
            raise ValueError("at least one answer must not be a knock-out")
        return text

    @field_validator("min_value", "max_value")
    @classmethod
    def _bounds(cls, value: float | None, info: ValidationInfo) -> float | None:
        if value is None:
            return value
        if info.data.get("kind") not in (QuestionKind.NUMBER, None):
            raise ValueError("only a number question has bounds")
        low = info.data.get("min_value")
        if info.field_name == "max_value" and low is not None and value < low:
            raise ValueError("the maximum must not be below the minimum")
        return value

    @field_validator("whole_number")
    @classmethod
    def _whole(cls, whole: bool, info: ValidationInfo) -> bool:
        bounds = [info.data.get(name) for name in ("min_value", "max_value")]
        fractional = any(b is not None and not float(b).is_integer() for b in bounds)
        if whole and fractional and info.data.get("kind") is QuestionKind.NUMBER:
            raise ValueError("whole numbers only: make the bounds whole numbers too")
        return whole

    @field_validator("max_attempts", "time_limit_seconds")
    @classmethod
    def _limits(cls, value: int | None, info: ValidationInfo) -> int | None:
        if value is not None and info.data.get("test") is TestKind.SCREENING:
            raise ValueError("only test 2 has attempts and time limits")
        return value

    @field_validator("parent_id")
    @classmethod
    def _parent(cls, value: int | None, info: ValidationInfo) -> int | None:
        if value is not None and info.data.get("test") is TestKind.KNOWLEDGE:
            raise ValueError("test 2 asks every question: it has no branches")
        return value

    @field_validator("show_if_answer")
    @classmethod
    def _show_if(cls, value: str | None, info: ValidationInfo) -> str | None:
        value = value.strip() if value else None
        if "parent_id" not in info.data:  # the parent was refused already
            return value
        if info.data["parent_id"] is not None and not value:
            raise ValueError("the parent's answer (its value) that opens this question")
        if info.data["parent_id"] is None and value:
            raise ValueError("only a question with a parent is shown for an answer")
        return value

    def to_fields(self) -> dict[str, Any]:
        """The TestQuestion's columns."""
        return {
            "key": self.key,
            "kind": self.kind,
            "prompt": {"ru": self.prompt_ru, "en": self.prompt_en},
            "options": parse_options(self.options),
            "min_value": self.min_value,
            "max_value": self.max_value,
            # Only a number question has numbers to be whole; the form's box is ticked anyway.
            "whole_number": self.whole_number and self.kind is QuestionKind.NUMBER,
            "max_attempts": self.max_attempts,
            "time_limit_seconds": self.time_limit_seconds,
            "parent_id": self.parent_id,
            "show_if_answer": self.show_if_answer,
            "active": self.active,
        }


def question_values(test: TestKind, question: TestQuestion) -> dict[str, Any]:
    """A stored question as the form shows it."""
    prompt = question.prompt or {}
    return {
        "test": test.value,
        "key": question.key,
        "kind": question.kind.value,
        "prompt_ru": prompt.get("ru", ""),
        "prompt_en": prompt.get("en", ""),
        "options": options_text(question.options or []),
        "min_value": question.min_value,
        "max_value": question.max_value,
        "whole_number": question.whole_number,
        "max_attempts": question.max_attempts,
        "time_limit_seconds": question.time_limit_seconds,
        "parent_id": question.parent_id,
        "show_if_answer": question.show_if_answer,
        "active": question.active,
    }


class SettingsIn(Input):
    """A test's own settings; test 1 uses only the title and the pass percentage."""

    title: Name
    pass_percent: int = Field(ge=0, le=100)
    default_max_attempts: int = Field(1, ge=1, le=10)
    default_time_limit_seconds: int | None = Field(None, ge=10, le=3600)
