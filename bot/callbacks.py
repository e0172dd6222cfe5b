"""Every button's data, packed by aiogram's CallbackData (at most 64 bytes, never hand-split).

Every number is bounded: an id within the database's integer columns (`core.inputs.MAX_ID`),
a day within the calendar, a page or an hour within reason. Data outside them (a forged or
mangled button) does not unpack, so no handler takes it and the press gets the outdated-button
answer of the fallback routers (`bot.candidate.fallback`, `bot.recruiter.guard`), instead of a
query the database refuses."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from aiogram.filters.callback_data import CallbackData
from pydantic import Field

from core.inputs import MAX_ID

Id = Annotated[int, Field(ge=0, le=MAX_ID)]  # 0: none
IdOrBack = Annotated[int, Field(ge=-1, le=MAX_ID)]  # -1: back to the list (or refresh)
# date.toordinal() (a day short of date.max, so that a zone's offset cannot overflow it)
LAST_DAY = date.max.toordinal() - 1
Day = Annotated[int, Field(ge=1, le=LAST_DAY)]
DayOrNone = Annotated[int, Field(ge=0, le=LAST_DAY)]  # 0: not chosen yet
Page = Annotated[int, Field(ge=0, le=10_000)]
Small = Annotated[int, Field(ge=-1, le=59)]  # an hour or a minute; -1: not chosen yet


class LanguageChoice(CallbackData, prefix="lg"):
    code: str


class CityChoice(CallbackData, prefix="ct"):
    city_id: Id  # 0: just turn the page
    page: Page = 0


class CityMissing(CallbackData, prefix="cm"):
    """ "My city is not here": the candidate will type its name."""


class AnswerChoice(CallbackData, prefix="qa"):
    question_id: Id
    value: str


class RecruiterChoice(CallbackData, prefix="sr"):
    purpose: str
    recruiter_id: IdOrBack  # 0: any recruiter
    move: Id = 0  # the booking being moved, if any


class DayChoice(CallbackData, prefix="sd"):
    purpose: str
    recruiter_id: Id
    day: Day  # date.toordinal() in the city's zone
    move: Id = 0


class SlotChoice(CallbackData, prefix="ss"):
    slot_id: Id
    move: Id = 0


class BookingAction(CallbackData, prefix="bk"):
    action: str  # show | move | cancel | reason | keep
    booking_id: Id
    reason: str = ""


class Attendance(CallbackData, prefix="at"):
    booking_id: Id
    coming: bool


class WaitlistAction(CallbackData, prefix="wl"):
    action: str  # join | contact | take
    purpose: str = "interview"
    slot_id: Id = 0


class Test2Choice(CallbackData, prefix="t2"):
    question_id: Id
    value: str


class Test2Start(CallbackData, prefix="t2s"):
    pass


class LanguageMenu(CallbackData, prefix="lm"):
    pass


class ConsentChoice(CallbackData, prefix="pc"):
    agree: bool
    version: str  # the consent text's version the buttons came with; a press on another is stale


class UnversionedConsentChoice(CallbackData, prefix="pc"):
    """Agree / Decline as sent before the buttons carried the text's version: never acted on."""

    agree: bool


class ForgetChoice(CallbackData, prefix="pf"):
    sure: bool  # False: keep the data after all


# --- the recruiter's buttons -----------------------------------------------------------------


class DeskAction(CallbackData, prefix="ra"):
    # approve | offer | reject | reject_reason | open | cancel | cancel_reason | outcome
    # | came | noshow | passed | failed
    do: str
    booking_id: Id
    reason: str = ""


class SlotsMenu(CallbackData, prefix="rm"):
    do: str  # one | series | list | page (the list again, in place)
    city_id: Id = 0  # series: the city it is for (0: not chosen yet)
    page: Page = 0  # list, page: which 30 of the coming slots


class SlotPick(CallbackData, prefix="rp"):
    city_id: Id
    day: DayOrNone = 0  # 0 until chosen
    hour: Small = -1


class SlotCreate(CallbackData, prefix="rn"):
    city_id: Id
    day: Day
    hour: Small
    minute: Small


class SlotDelete(CallbackData, prefix="rd"):
    slot_id: Id
    sure: bool = False  # False: ask to confirm first
    page: Page = 0  # the list's page to go back to


class SlotAttendees(CallbackData, prefix="rt"):
    """A group event's attendees: list them, mark one came / no-show, write to all, or set
    the slot's seats."""

    slot_id: Id
    do: str = "list"  # list | came | noshow | message | seats
    booking_id: Id = 0  # came, noshow: whose
    seats: Id = 0  # seats: how many (0: ask)


class SeriesDecision(CallbackData, prefix="rc"):
    do: str  # create | discard


class ConversationAction(CallbackData, prefix="rv"):
    do: str  # reply | open | note | cancel
    candidate_id: Id


class CalendarFeedRenew(CallbackData, prefix="rf"):
    """A new calendar link for the recruiter: the old one stops working."""


class VacancyPick(CallbackData, prefix="vp"):
    """Apply to (or go back to) an open vacancy."""

    vacancy_id: Id


class ApplicationPick(CallbackData, prefix="ap"):
    """Go on with another of one's applications."""

    application_id: Id
