"""Vacancies on the candidate's screen: which one they are applying for, the choice among a
city's several, the list of their applications (`/vacancies`), and the screening's start that
settles the vacancy first."""

from __future__ import annotations

from collections.abc import Sequence

from aiogram.types import InlineKeyboardMarkup
from markupsafe import Markup

from bot.buttons import button
from bot.callbacks import ApplicationPick, VacancyPick
from bot.candidate.screening import show_current_question
from bot.candidate.texts import text
from bot.reply import Reply
from domain.bookings.booking import Messaging
from domain.pipeline.cities import city_name, city_of
from domain.records import Candidate
from domain.vacancies.catalog import description_in, title_in
from domain.vacancies.choosing import Applied, Overview, settle_after_city
from storage.dto import VacancyDTO
from storage.uow import UnitOfWork


def _described(vacancies: Sequence[VacancyDTO], locale: str) -> Markup:
    """Each vacancy's title in bold over its description (admins' words, escaped)."""
    return Markup("\n\n").join(
        Markup("<b>{}</b>{}").format(
            title_in(v, locale),
            Markup("\n{}").format(description_in(v, locale)) if description_in(v, locale) else "",
        )
        for v in vacancies
    )


def vacancy_keyboard(
    m: Messaging, vacancies: Sequence[VacancyDTO], locale: str
) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        inline_keyboard=[
            [button(title_in(v, locale), VacancyPick(vacancy_id=v.id))] for v in vacancies
        ]
    )


async def show_vacancy_choice(
    reply: Reply, uow: UnitOfWork, candidate: Candidate, m: Messaging, options: Sequence[VacancyDTO]
) -> None:
    """The city's open vacancies to choose among, asked again after any other answer."""
    city = await city_of(uow, candidate)
    body = await text(
        uow,
        m,
        candidate,
        "vacancy_choose",
        city=city_name(city, candidate.locale) if city else "",
        vacancies=_described(options, candidate.locale),
    )
    await reply.send(body, vacancy_keyboard(m, options, candidate.locale))


async def announce(reply: Reply, uow: UnitOfWork, m: Messaging, applied: Applied) -> None:
    """Which vacancy the person applies for now (and, when it is a new application while
    another was under way, that the other is kept)."""
    candidate = applied.candidate
    key = "vacancy_switched" if applied.switched else "vacancy_applying"
    title = title_in(applied.vacancy, candidate.locale)
    await reply.send(await text(uow, m, candidate, key, vacancy=title))


async def show_screening_start(
    reply: Reply, uow: UnitOfWork, candidate: Candidate, m: Messaging
) -> None:
    """An application with a city at its screening: the vacancy settled first (the one open
    in the city applied to and named, or a choice among several), then the test's current
    question, from the vacancy's own test."""
    applied, options = await settle_after_city(uow, candidate, m.clock.now())
    await uow.commit()
    if options:
        await show_vacancy_choice(reply, uow, candidate, m, options)
        return
    if applied is not None:
        await announce(reply, uow, m, applied)
    await show_current_question(reply, uow, candidate, m)


async def show_overview(
    reply: Reply, uow: UnitOfWork, candidate: Candidate, m: Messaging, overview: Overview
) -> None:
    locale = candidate.locale
    if not overview.applications and not overview.open:
        await reply.send(await text(uow, m, candidate, "vacancies_none"))
        return
    rows = []
    lines = []
    for application, vacancy in overview.applications:
        mark = "▶️" if application.id == candidate.id else "•"
        title = title_in(vacancy, locale)
        status = m.catalog.text(f"application_status.{application.status.value}", locale)
        lines.append(Markup("{} <b>{}</b>: {}").format(mark, title, status))
        label = m.catalog.text("button.application", locale, mark=mark, title=title)
        rows.append([button(label, ApplicationPick(application_id=application.id))])
    for vacancy in overview.open:
        label = m.catalog.text("button.vacancy_apply", locale, title=title_in(vacancy, locale))
        rows.append([button(label, VacancyPick(vacancy_id=vacancy.id))])
    body = await text(
        uow,
        m,
        candidate,
        "vacancies_overview",
        applications=Markup("\n").join(lines),
        vacancies=_described(overview.open, locale),
    )
    await reply.send(body, InlineKeyboardMarkup(inline_keyboard=rows))
