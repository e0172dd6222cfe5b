"""Candidates: what the panel's forms and the API accept, and how a candidate is shown.

The output models are the directory's own views (domain.pipeline.directory), named for the
API, so the two cannot drift apart."""

from __future__ import annotations

from typing import Annotated

from pydantic import AfterValidator, Field

from admin.schemas.common import NAMED, Input, Output, not_blank
from core.enums import CandidateStatus
from domain.pipeline.directory import (
    AnswerRow,
    BookingRow,
    CandidateRow,
    MessageRow,
    Profile,
    StatusChangeRow,
    TestResultRow,
)

Reason = Annotated[
    str, Field(min_length=1, max_length=500, json_schema_extra=NAMED), AfterValidator(not_blank)
]
MessageText = Annotated[
    str, Field(min_length=1, max_length=4000, json_schema_extra=NAMED), AfterValidator(not_blank)
]


class StatusChangeIn(Input):
    status: CandidateStatus
    reason: Reason


class MessageIn(Input):
    text: MessageText


class BookingCancelIn(Input):
    reason: Reason


class EraseIn(Input):
    reason: Reason


def _ticked(value: bool) -> bool:
    if not value:
        raise ValueError("tick the box to confirm")
    return value


class EraseFormIn(EraseIn):
    """The panel's form asks to confirm as well."""

    confirm: Annotated[bool, AfterValidator(_ticked)] = False


class CandidateOut(CandidateRow, Output):
    tags: list[str] = Field(default_factory=list, description="The names of its tags, by name.")
    consent_meaning: str | None = Field(
        default=None,
        description="The consent state in words (one candidate's record only); `prior`: "
        "collected before consent was asked, asked at the next contact.",
    )


class CandidatePageOut(Output):
    items: list[CandidateOut]
    total: int
    limit: int
    offset: int


class AnswerOut(AnswerRow, Output):
    pass


class TestResultOut(TestResultRow, Output):
    __test__ = False

    answers: tuple[AnswerOut, ...] = ()


class BookingOut(BookingRow, Output):
    """`active`: whether it still holds its slot (and can be cancelled)."""


class StatusChangeOut(StatusChangeRow, Output):
    pass


class MessageOut(MessageRow, Output):
    """`text` as the candidate read it: Telegram's markup removed."""


class CandidateProfileOut(Profile, Output):
    candidate: CandidateOut
    tests: tuple[TestResultOut, ...]
    bookings: tuple[BookingOut, ...]
    timeline: tuple[StatusChangeOut, ...]
    messages: tuple[MessageOut, ...]
