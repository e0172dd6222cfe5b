"""Issue 18 in the sandbox: a booked candidate asks for their data (a summary and a JSON file),
then has it erased: the recruiter is told the booking is cancelled (under a number, not the
name), the slot is free, and nothing of them is left in their row."""

from __future__ import annotations

from sqlalchemy import select

from core.enums import ACTIVE_BOOKING_STATUSES
from storage.models import Booking
from tests.e2e.conftest import RunningApp
from tests.e2e.journey import book_first_time, screened, wait_for_text
from tests.e2e.recruiting import invited_recruiter


async def test_a_booked_candidate_gets_their_data_then_has_it_erased(
    running_app: RunningApp,
) -> None:
    recruiter = await invited_recruiter(running_app)
    candidate = await screened(running_app, "en", city="Москва")
    await book_first_time(candidate, "en", expect=1)
    await running_app.deliver_outbox()

    summary, copy = await candidate.say("/mydata", expect=2)
    assert summary["text"].startswith("This is everything we hold about you")
    assert "Name: Ann" in summary["text"]
    assert copy["document"]["file_name"] == "my-data.json"

    async with running_app.app.uow_factory() as uow:
        row = await uow.candidates.get_by_telegram_id(candidate.id)
        assert row is not None
        number = f"#{row.id}"
    (ask,) = await candidate.say("/forgetme")
    assert ask["text"].startswith("Erase all your personal data?")
    seen = len(await recruiter.bot_messages())
    (done,) = await candidate.press("🗑 Yes, erase my data")
    assert done["text"].startswith("Your personal data has been erased.")
    await running_app.deliver_outbox()
    told = await wait_for_text(recruiter, number, after=seen)
    assert "Ann" not in told["text"]
    async with running_app.app.uow_factory() as uow:
        assert await uow.candidates.get_by_telegram_id(candidate.id) is None
        active = await uow.session.scalars(
            select(Booking).where(Booking.status.in_(ACTIVE_BOOKING_STATUSES))
        )
        assert active.all() == []
