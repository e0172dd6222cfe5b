"""No free times: looking again keeps what the candidate was doing."""

from __future__ import annotations

from bot.callbacks import RecruiterChoice
from bot.candidate.picker_keyboards import no_slots_keyboard
from domain.messaging.texts import Catalog


def test_refresh_while_moving_a_booking_still_moves_it() -> None:
    keyboard = no_slots_keyboard("interview", Catalog.load("en"), "en", move=42)
    refresh = keyboard.inline_keyboard[-1][0]
    assert (
        refresh.callback_data
        == RecruiterChoice(purpose="interview", recruiter_id=-1, move=42).pack()
    )
    plain = no_slots_keyboard("interview", Catalog.load("en"), "en").inline_keyboard[-1][0]
    assert RecruiterChoice.unpack(plain.callback_data or "").move == 0
