"""/vacancies (with each one's link and QR code for a source tag) and /reports/funnel, the funnel
per vacancy or per source. A recruiter's token sees the vacancies of its cities; changing one is
for admins. A vacancy's applications are /candidates?vacancy_id=."""

from __future__ import annotations

from typing import Any

from admin.api.kit import ApiError, Call, Operation
from admin.locale import current_locale
from admin.qr import qr_png
from admin.schemas.common import Page, listing
from admin.schemas.vacancies import (
    FunnelQuery,
    FunnelsOut,
    LinkOut,
    SourceQuery,
    VacancyIn,
    VacancyOut,
    VacancyPatch,
)
from domain.reporting.dashboard import funnels_side_by_side
from domain.vacancies.catalog import (
    VacancyLine,
    find_vacancy,
    title_in,
    vacancies_in,
    vacancy_lines,
)
from domain.vacancies.editing import create_vacancy, update_vacancy
from domain.vacancies.links import deep_link, payload, source_refusal
from storage.dto import VacancyDTO


def _out(line: VacancyLine) -> dict[str, Any]:
    return {
        **line.vacancy.model_dump(),
        "city_ids": list(line.vacancy.city_ids),
        "open_now": line.open_now,
        "applications": line.applications,
    }


async def _vacancy(call: Call, vacancy_id: int) -> VacancyDTO:
    vacancy = await find_vacancy(call.uow, vacancy_id, call.scope.city_ids)
    if vacancy is None:
        raise ApiError(404, "reason.no_such.vacancy")
    return vacancy


async def _one(call: Call, vacancy_id: int) -> dict[str, Any]:
    vacancy = await _vacancy(call, vacancy_id)
    [line] = await vacancy_lines(call.uow, [vacancy], call.deps.clock.now())
    return _out(line)


async def list_vacancies(call: Call) -> dict[str, Any]:
    page: Page = call.query
    vacancies = await vacancies_in(call.uow, call.scope.city_ids)
    shown = vacancies[page.offset : page.offset + page.limit]
    items = [_out(line) for line in await vacancy_lines(call.uow, shown, call.deps.clock.now())]
    return {"items": items, "total": len(vacancies), "limit": page.limit, "offset": page.offset}


async def get_vacancy(call: Call) -> dict[str, Any]:
    return await _one(call, call.ids["vacancy_id"])


async def create_vacancy_route(call: Call) -> dict[str, Any]:
    body: VacancyIn = call.body
    created = await create_vacancy(call.uow, body.fields(), actor=call.scope.actor)
    return await _one(call, created.unwrap())


async def update_vacancy_route(call: Call) -> dict[str, Any]:
    body: VacancyPatch = call.body
    vacancy = await _vacancy(call, call.ids["vacancy_id"])
    changed = await update_vacancy(
        call.uow, vacancy.id, body.applied_to(vacancy), actor=call.scope.actor
    )
    return await _one(call, changed.unwrap())


def _bot(call: Call) -> str:
    if not call.deps.bot_username:
        raise ApiError(409, "reason.api.no_bot")
    return call.deps.bot_username


def _checked_source(vacancy: VacancyDTO, source: str | None) -> str | None:
    refusal = source_refusal(vacancy, source)
    if refusal is not None:
        raise refusal
    return source


async def vacancy_link(call: Call) -> dict[str, Any]:
    vacancy = await _vacancy(call, call.ids["vacancy_id"])
    source = _checked_source(vacancy, call.query.source)
    return {"payload": payload(vacancy, source), "link": deep_link(_bot(call), vacancy, source)}


async def vacancy_qr(call: Call) -> bytes:
    vacancy = await _vacancy(call, call.ids["vacancy_id"])
    return qr_png(deep_link(_bot(call), vacancy, _checked_source(vacancy, call.query.source)))


async def funnel_report(call: Call) -> dict[str, Any]:
    by = call.query.by
    funnels = await funnels_side_by_side(call.uow, by, call.deps.clock.now(), call.scope.city_ids)
    visible = await vacancies_in(call.uow, call.scope.city_ids)
    titles = {v.id: title_in(v, current_locale()) for v in visible}
    items = []
    for f in funnels.funnels:
        if by == "vacancy":
            label = (
                titles.get(f.vacancy_id, f"#{f.vacancy_id}")
                if f.vacancy_id is not None
                else "no vacancy"
            )
        else:
            label = f.source or "no source tag"
        items.append({**f.model_dump(), "label": label})
    return {"by": by, "funnels": items, "counted_at": funnels.counted_at}


_ONE = "/vacancies/{vacancy_id}"
_TAG = "vacancies"
OPERATIONS = [
    Operation(
        "GET", "/vacancies", "List vacancies", _TAG, list_vacancies, Page, None, listing(VacancyOut)
    ),
    Operation(
        "POST",
        "/vacancies",
        "Add a vacancy (with its own copies of the default tests)",
        _TAG,
        create_vacancy_route,
        None,
        VacancyIn,
        VacancyOut,
        status=201,
        errors=(),
        admin_only=True,
    ),
    Operation("GET", _ONE, "One vacancy", _TAG, get_vacancy, answer=VacancyOut),
    Operation(
        "PATCH",
        _ONE,
        "Change a vacancy: only the fields given",
        _TAG,
        update_vacancy_route,
        None,
        VacancyPatch,
        VacancyOut,
        admin_only=True,
    ),
    Operation(
        "GET",
        _ONE + "/link",
        "The vacancy's Telegram link, tagged with a source",
        _TAG,
        vacancy_link,
        SourceQuery,
        None,
        LinkOut,
        errors=(404, 409),
    ),
    Operation(
        "GET",
        _ONE + "/qr.png",
        "The QR code (PNG) of the vacancy's link, tagged with a source",
        _TAG,
        vacancy_qr,
        SourceQuery,
        errors=(404, 409),
        media_type="image/png",
    ),
    Operation(
        "GET",
        "/reports/funnel",
        "The funnel per vacancy or per source: started, passed screening, booked, came, hired",
        "reports",
        funnel_report,
        FunnelQuery,
        None,
        FunnelsOut,
        errors=(),
    ),
]
