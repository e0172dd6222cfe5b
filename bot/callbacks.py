"""Every button's data, packed by aiogram's CallbackData (at most 64 bytes, never hand-split)."""

from __future__ import annotations

from aiogram.filters.callback_data import CallbackData


class LanguageChoice(CallbackData, prefix="lg"):
    code: str


class CityChoice(CallbackData, prefix="ct"):
    city_id: int  # 0: just turn the page
    page: int = 0


class CityMissing(CallbackData, prefix="cm"):
    """ "My city is not here": the candidate will type its name."""


class AnswerChoice(CallbackData, prefix="qa"):
    question_id: int
    value: str


class RecruiterChoice(CallbackData, prefix="sr"):
    purpose: str
    recruiter_id: int  # 0: any recruiter
    move: int = 0  # the booking being moved, if any


class DayChoice(CallbackData, prefix="sd"):
    purpose: str
    recruiter_id: int
    day: int  # date.toordinal() in the city's zone
    move: int = 0


class SlotChoice(CallbackData, prefix="ss"):
    slot_id: int
    move: int = 0


class BookingAction(CallbackData, prefix="bk"):
    action: str  # show | move | cancel | reason | keep
    booking_id: int
    reason: str = ""


class Attendance(CallbackData, prefix="at"):
    booking_id: int
    coming: bool


class WaitlistAction(CallbackData, prefix="wl"):
    action: str  # join | contact | take
    purpose: str = "interview"
    slot_id: int = 0


class Test2Choice(CallbackData, prefix="t2"):
    question_id: int
    value: str


class Test2Start(CallbackData, prefix="t2s"):
    pass


class LanguageMenu(CallbackData, prefix="lm"):
    pass


# --- the recruiter's buttons -----------------------------------------------------------------


class DeskAction(CallbackData, prefix="ra"):
    # approve | offer | reject | reject_reason | open | cancel | cancel_reason | outcome
    # | came | noshow | passed | failed
    do: str
    booking_id: int
    reason: str = ""


class SlotsMenu(CallbackData, prefix="rm"):
    do: str  # one | series | list | page (the list again, in place)
    city_id: int = 0  # series: the city it is for (0: not chosen yet)
    page: int = 0  # list, page: which 30 of the coming slots


class SlotPick(CallbackData, prefix="rp"):
    city_id: int
    day: int = 0  # date.toordinal(); 0 until chosen
    hour: int = -1


class SlotCreate(CallbackData, prefix="rn"):
    city_id: int
    day: int
    hour: int
    minute: int


class SlotDelete(CallbackData, prefix="rd"):
    slot_id: int
    sure: bool = False  # False: ask to confirm first
    page: int = 0  # the list's page to go back to


class SeriesDecision(CallbackData, prefix="rc"):
    do: str  # create | discard
