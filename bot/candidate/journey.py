"""Shows the candidate the screen for where they are: the one place that knows every stage."""

from __future__ import annotations

from datetime import date

from markupsafe import Markup

from bot.candidate.picker_keyboards import (
    booking_keyboard,
    city_keyboard,
    day_keyboard,
    my_booking_button,
    no_slots_keyboard,
    question_markup,
    question_prompt,
    recruiter_keyboard,
    test2_markup,
    time_keyboard,
)
from bot.reply import Reply
from core.enums import CandidateStatus, SlotPurpose
from domain.bookings.booking import Messaging
from domain.bookings.texts import booking_text, calendar_file, view_of
from domain.bookings.waitlist import request_contact
from domain.messaging.dates import day_label
from domain.messaging.texts import render_message
from domain.pipeline.journey import Stage, stage_of
from domain.scheduling.picker import days_of, free_slots, times_on
from domain.screening import first_test as screening
from domain.screening import knowledge_test
from storage.models import Candidate
from storage.uow import UnitOfWork

NO_SHOW_WROTE = "recruiter_no_show_wrote"


async def text(
    uow: UnitOfWork, m: Messaging, candidate: Candidate, key: str, **values: object
) -> str:
    return await render_message(uow, m.catalog, key, candidate.locale, candidate.city_id, **values)


async def show_step(reply: Reply, uow: UnitOfWork, candidate: Candidate, m: Messaging) -> None:
    stage = stage_of(candidate)
    if stage is Stage.CITY:
        await show_cities(reply, uow, candidate, m)
    elif stage is Stage.SCREENING:
        await show_screening(
            reply,
            uow,
            candidate,
            m,
            await screening.current_step(uow, candidate, m.clock, m.catalog),
        )
    elif stage is Stage.REJECTED:
        await reply.send(
            await text(uow, m, candidate, "screening_rejected", name=candidate.full_name)
        )
    elif stage is Stage.PICK_INTERVIEW:
        await show_recruiters(reply, uow, candidate, m, SlotPurpose.INTERVIEW)
    elif stage in (Stage.INTERVIEW_BOOKED, Stage.INTRO_DAY_BOOKED):
        await show_booking(reply, uow, candidate, m)
    elif stage is Stage.TEST2:
        step, _ = await knowledge_test.current_step(uow, candidate, m.clock)
        await show_test2(reply, uow, candidate, m, step)
    elif stage is Stage.PICK_INTRO_DAY:
        await show_recruiters(reply, uow, candidate, m, SlotPurpose.INTRO_DAY)
    elif candidate.status is CandidateStatus.NO_SHOW:
        # Their no-show message asked them to write here: the city's recruiters hear of it.
        await request_contact(uow, m.catalog, m.clock, candidate, key=NO_SHOW_WROTE)
        await reply.send(await text(uow, m, candidate, "contact_requested"))
    else:
        await reply.send(await text(uow, m, candidate, "already_done"))


async def show_cities(
    reply: Reply,
    uow: UnitOfWork,
    candidate: Candidate,
    m: Messaging,
    page: int = 0,
    *,
    edit: bool = False,
) -> None:
    cities = await uow.cities.list_active()
    markup = city_keyboard(cities, page, m.catalog, candidate.locale)
    message = await text(uow, m, candidate, "choose_city")
    await reply.show(message, markup, edit=edit)


async def show_screening(
    reply: Reply,
    uow: UnitOfWork,
    candidate: Candidate,
    m: Messaging,
    step: screening.ScreeningStep,
    *,
    invalid: str | None = None,
) -> None:
    if isinstance(step, screening.QuestionStep):
        body = await text(
            uow,
            m,
            candidate,
            "question",
            number=step.number,
            total=step.total,
            prompt=question_prompt(step.question, candidate.locale),
        )
        if invalid is not None:
            # The question is our own rendered template: markup to keep, not text to escape.
            question = Markup(body)
            body = await text(
                uow, m, candidate, "answer_invalid", reason=invalid, question=question
            )
        await reply.send(body, question_markup(step.question, m.catalog, candidate.locale))
        return
    if step.passed:
        await reply.send(await text(uow, m, candidate, "screening_passed"))
        await show_recruiters(reply, uow, candidate, m, SlotPurpose.INTERVIEW)
    else:
        await reply.send(
            await text(uow, m, candidate, "screening_rejected", name=candidate.full_name)
        )


async def _city(uow: UnitOfWork, candidate: Candidate) -> tuple[str, str]:
    city = await uow.cities.get_dto(candidate.city_id) if candidate.city_id else None
    return (city.name, city.timezone) if city else ("", "UTC")


async def show_recruiters(
    reply: Reply,
    uow: UnitOfWork,
    candidate: Candidate,
    m: Messaging,
    purpose: SlotPurpose,
    move: int = 0,
    *,
    edit: bool = False,
) -> None:
    if candidate.city_id is None:
        await show_cities(reply, uow, candidate, m)
        return
    city_name, _zone = await _city(uow, candidate)
    slots = await free_slots(uow, candidate.city_id, purpose, m.clock, m.rules)
    if not slots:
        body = await text(uow, m, candidate, "no_slots", city=city_name)
        markup = no_slots_keyboard(purpose.value, m.catalog, candidate.locale, move)
    else:
        with_slots = {s.recruiter_id for s in slots}
        recruiters = [
            r
            for r in await uow.recruiters.list_active_for_city(candidate.city_id)
            if r.id in with_slots
        ]
        body = await text(uow, m, candidate, "choose_recruiter", city=city_name)
        markup = recruiter_keyboard(recruiters, purpose.value, move, m.catalog, candidate.locale)
    await reply.show(body, markup, edit=edit)


async def show_days(
    reply: Reply,
    uow: UnitOfWork,
    candidate: Candidate,
    m: Messaging,
    purpose: SlotPurpose,
    recruiter_id: int,
    move: int,
) -> None:
    assert candidate.city_id is not None
    _name, zone = await _city(uow, candidate)
    slots = await free_slots(
        uow, candidate.city_id, purpose, m.clock, m.rules, recruiter_id or None
    )
    if not slots:
        await show_recruiters(reply, uow, candidate, m, purpose, move, edit=True)
        return
    recruiter = await uow.recruiters.get_dto(recruiter_id) if recruiter_id else None
    body = await text(
        uow, m, candidate, "choose_day", recruiter=recruiter.name if recruiter else None
    )
    await reply.edit_or_send(
        body,
        day_keyboard(
            days_of(slots, zone), purpose.value, recruiter_id, move, m.catalog, candidate.locale
        ),
    )


async def show_times(
    reply: Reply,
    uow: UnitOfWork,
    candidate: Candidate,
    m: Messaging,
    purpose: SlotPurpose,
    recruiter_id: int,
    day: date,
    move: int,
) -> None:
    assert candidate.city_id is not None
    city_name, zone = await _city(uow, candidate)
    slots = times_on(
        await free_slots(uow, candidate.city_id, purpose, m.clock, m.rules, recruiter_id or None),
        zone,
        day,
    )
    if not slots:
        await show_days(reply, uow, candidate, m, purpose, recruiter_id, move)
        return
    body = await text(
        uow, m, candidate, "choose_time", day=day_label(day, candidate.locale), city=city_name
    )
    await reply.edit_or_send(
        body,
        time_keyboard(
            slots, zone, purpose.value, recruiter_id, day, move, m.catalog, candidate.locale
        ),
    )


async def show_booking(reply: Reply, uow: UnitOfWork, candidate: Candidate, m: Messaging) -> None:
    for purpose in (SlotPurpose.INTRO_DAY, SlotPurpose.INTERVIEW):
        booking = await uow.bookings.active_for_candidate(candidate.id, purpose)
        if booking is not None:
            view = await view_of(uow, booking)
            body = await booking_text(uow, m.catalog, "booking_summary", candidate.locale, view)
            await reply.send(body, booking_keyboard(booking.id, m.catalog, candidate.locale))
            return
    await reply.send(await text(uow, m, candidate, "no_booking"))


async def send_booked(
    reply: Reply, uow: UnitOfWork, candidate: Candidate, m: Messaging, booking_id: int
) -> None:
    """After a booking: the request note, or the confirmation with an .ics when approved."""
    booking = await uow.bookings.get(booking_id)
    assert booking is not None
    view = await view_of(uow, booking)
    button = my_booking_button(booking.id, m.catalog, candidate.locale)
    if booking.status.value == "pending":
        await reply.send(
            await booking_text(uow, m.catalog, "booking_requested", candidate.locale, view), button
        )
        return
    key = "intro_day_booked" if booking.purpose is SlotPurpose.INTRO_DAY else "booking_confirmed"
    await reply.send(await booking_text(uow, m.catalog, key, candidate.locale, view), button)
    await reply.send_file(
        f"booking-{booking.id}.ics", calendar_file(view, m.catalog, candidate.locale, m.clock.now())
    )


async def show_test2(
    reply: Reply,
    uow: UnitOfWork,
    candidate: Candidate,
    m: Messaging,
    step: knowledge_test.Test2Step | None,
) -> None:
    if step is None:
        await reply.send(await text(uow, m, candidate, "already_done"))
    elif isinstance(step, knowledge_test.Test2Question):
        body = await text(
            uow,
            m,
            candidate,
            "test2_question",
            number=step.number,
            total=step.total,
            attempt=step.attempt,
            attempts=step.attempts,
            seconds=step.seconds,
            prompt=question_prompt(step.question, candidate.locale),
        )
        await reply.send(body, test2_markup(step.question, candidate.locale))
    else:
        key = "test2_passed" if step.passed else "test2_failed"
        await reply.send(
            await text(uow, m, candidate, key, score=step.percent, stars="⭐" * step.stars)
        )
        if step.passed:
            await show_recruiters(reply, uow, candidate, m, SlotPurpose.INTRO_DAY)
