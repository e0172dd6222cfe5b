"""The panel's Vacancies pages: the list (a recruiter sees their cities' ones), the form with each
bad field refused next to it, a vacancy's own tests in the one question editor, its link and QR
code per source tag, the funnel per vacancy and per source; and the candidate list, the
candidate page, the CSV export and the dashboard limited to a vacancy."""

from __future__ import annotations

import csv
import html
import io
import re
from typing import Any

import segno
from PIL import Image
from sqlalchemy import select

from admin.qr import BORDER, SCALE
from core.enums import CandidateStatus, TestKind
from storage.models import Test, TestQuestion, Vacancy
from tests.admin.conftest import Panel
from tests.admin.test_questions_page import question
from tests.support.factories import make_candidate

S = CandidateStatus


def form(**fields: Any) -> list[tuple[str, str]]:
    values: dict[str, Any] = {"title_ru": "Повар", "title_en": "Cook", "active": "1"}
    values.update(fields)
    pairs: list[tuple[str, str]] = []
    for name, value in values.items():
        if value is None:
            continue
        for one in value if isinstance(value, list) else [value]:
            pairs.append((name, str(one)))
    return pairs


async def create(panel: Panel, **fields: Any) -> int:
    fields.setdefault("city_ids", [panel.kazan_id])
    response = await panel.post("/vacancies", form(**fields), allow_redirects=False)
    assert response.status == 303, await response.text()
    async with panel.storage.uow() as uow:
        newest = (await uow.session.scalars(select(Vacancy).order_by(Vacancy.id.desc()))).first()
    assert newest is not None
    return newest.id


def error_next_to(page: str, field: str) -> str:
    """The error the form shows right after the field."""
    match = re.search(
        rf'id="f-{field}".*?<div class="error" id="{field}-error">([^<]+)<', page, re.S
    )
    assert match, f"no error next to {field}"
    return html.unescape(match.group(1))


async def test_an_admin_adds_a_vacancy_and_sees_it_listed(panel: Panel) -> None:
    await panel.login()
    vacancy_id = await create(
        panel,
        city_ids=[panel.kazan_id, panel.samara_id],
        owner_recruiter_id=panel.boris_id,
        opens_on="2026-01-01",
        slug="cook",
    )
    async with panel.storage.uow() as uow:
        made = await make_candidate(uow, status=S.NEW, vacancy_id=vacancy_id)
        await uow.commit()
    page = await (await panel.client.get("/vacancies")).text()
    row = re.search(rf'<tr id="vacancy-{vacancy_id}">(.*?)</tr>', page, re.S)
    assert row, page
    cells = row.group(1)
    assert "Cook" in cells and "<code>cook</code>" in cells
    assert "Kazan, Samara" in cells and "Boris" in cells and "2026-01-01" in cells
    assert f'href="/candidates?vacancy_id={vacancy_id}">1<' in cells
    assert '<td class="state">open</td>' in cells
    assert made.vacancy_id == vacancy_id


async def test_each_bad_field_is_refused_next_to_it(panel: Panel) -> None:
    await panel.login()
    await create(panel, slug="taken")
    cases = [
        (form(title_ru="", title_en="", city_ids=[panel.kazan_id]), "title_ru"),
        (form(title_en="x" * 121, city_ids=[panel.kazan_id]), "title_en"),
        (form(city_ids=[]), "city_ids"),
        (form(city_ids=[panel.kazan_id], slug="Not A Slug"), "slug"),
        (form(city_ids=[panel.kazan_id], slug="taken"), "slug"),
        (
            form(city_ids=[panel.kazan_id], opens_on="2026-03-01", closes_on="2026-02-01"),
            "closes_on",
        ),
        (form(city_ids=[panel.kazan_id], opens_on="not a date"), "opens_on"),
    ]
    for fields, field in cases:
        response = await panel.post("/vacancies", fields)
        assert response.status == 422, (field, response.status)
        page = await response.text()
        assert error_next_to(page, field), field
    async with panel.storage.uow() as uow:
        assert len((await uow.session.scalars(select(Vacancy))).all()) == 1  # only "taken"


async def test_an_admin_changes_a_vacancy(panel: Panel) -> None:
    await panel.login()
    vacancy_id = await create(panel)
    page = await (await panel.client.get(f"/vacancies/{vacancy_id}")).text()
    assert 'value="Cook"' in page
    response = await panel.post(
        f"/vacancies/{vacancy_id}",
        form(title_en="Head cook", city_ids=[panel.samara_id], active=None),
        allow_redirects=False,
    )
    assert response.status == 303
    async with panel.storage.uow() as uow:
        vacancy = await uow.vacancies.get_dto(vacancy_id)
    assert vacancy is not None
    assert vacancy.title["en"] == "Head cook"
    assert vacancy.city_ids == (panel.samara_id,) and vacancy.active is False


async def test_a_recruiter_sees_their_cities_vacancies_and_cannot_edit(panel: Panel) -> None:
    await panel.login()
    in_kazan = await create(panel, title_en="Kazan job", city_ids=[panel.kazan_id])
    in_samara = await create(panel, title_en="Samara job", city_ids=[panel.samara_id])
    await panel.login("rec")
    page = await (await panel.client.get("/vacancies")).text()
    assert f'id="vacancy-{in_kazan}"' in page and f'id="vacancy-{in_samara}"' not in page
    assert 'id="vacancy-form"' not in page
    assert (await panel.client.get(f"/vacancies/{in_kazan}")).status == 403
    assert (await panel.client.get(f"/vacancies/{in_kazan}/link")).status == 200
    assert (await panel.client.get(f"/vacancies/{in_samara}/link")).status == 404


def _modules(png: bytes, size: int) -> list[list[int]]:
    """The served PNG read back module by module (1: dark), sampled at each module's centre."""
    image = Image.open(io.BytesIO(png)).convert("L")
    return [
        [
            int(image.getpixel((x * SCALE + SCALE // 2, y * SCALE + SCALE // 2)) < 128)  # type: ignore[operator]
            for x in range(size)
        ]
        for y in range(size)
    ]


async def test_the_link_and_its_qr_code_per_source(panel: Panel) -> None:
    await panel.login()
    vacancy_id = await create(panel, slug="cook")
    page = await (await panel.client.get(f"/vacancies/{vacancy_id}/link?source=flyer_1")).text()
    link = "https://t.me/our_bot?start=cook_flyer_1"
    assert f'id="deep-link" href="{link}"' in page
    assert f'src="/vacancies/{vacancy_id}/qr.png?source=flyer_1"' in page
    response = await panel.client.get(f"/vacancies/{vacancy_id}/qr.png?source=flyer_1&download=1")
    assert response.status == 200 and response.content_type == "image/png"
    assert "attachment" in response.headers["Content-Disposition"]
    png = await response.read()
    assert png.startswith(b"\x89PNG\r\n\x1a\n")
    expected = [list(row) for row in segno.make_qr(link, error="m").matrix_iter(border=BORDER)]
    assert _modules(png, len(expected)) == expected


async def test_a_bad_source_tag_is_refused_next_to_its_field(panel: Panel) -> None:
    await panel.login()
    vacancy_id = await create(panel)
    response = await panel.client.get(f"/vacancies/{vacancy_id}/link?source=no spaces!")
    assert response.status == 422
    assert error_next_to(await response.text(), "source")
    qr = await panel.client.get(f"/vacancies/{vacancy_id}/qr.png?source=no spaces!")
    assert qr.status == 400
    # Telegram keeps 64 characters of a link's payload: "v<id>_" leaves the rest for the tag.
    room = 64 - len(f"v{vacancy_id}_")
    fits = await panel.client.get(f"/vacancies/{vacancy_id}/link?source={'a' * room}")
    assert fits.status == 200
    too_long = await panel.client.get(f"/vacancies/{vacancy_id}/link?source={'a' * (room + 1)}")
    assert too_long.status == 422
    assert error_next_to(page := await too_long.text(), "source")
    assert f"at most {room} characters" in page


async def test_a_vacancys_own_tests_are_edited_apart_from_the_default(panel: Panel) -> None:
    await panel.login()
    added = await panel.post("/questions", question("age"), allow_redirects=False)
    assert added.status == 303, await added.text()
    vacancy_id = await create(panel)  # gets its own copy of the default test
    base = f"/vacancies/{vacancy_id}/questions"
    response = await panel.post(base, question("knife"), allow_redirects=False)
    assert response.status == 303 and response.headers["Location"] == f"{base}#screening"
    async with panel.storage.uow() as uow:
        tests = (await uow.session.scalars(select(Test))).all()
        keys = {
            (t.vacancy_id, q.key)
            for t in tests
            for q in (await uow.session.scalars(select(TestQuestion).filter_by(test_id=t.id)))
        }
    assert keys == {(None, "age"), (vacancy_id, "age"), (vacancy_id, "knife")}
    page = await (await panel.client.get(base)).text()
    assert "knife" in page and f'href="{base}/' in page
    assert "knife" not in await (await panel.client.get("/questions")).text()
    async with panel.storage.uow() as uow:
        knife = (await uow.session.scalars(select(TestQuestion).filter_by(key="knife"))).one()
        screening = await uow.tests.get_by_kind(TestKind.SCREENING, vacancy_id)
    assert screening is not None and screening.vacancy_id == vacancy_id
    # The vacancy's question is not the default tests' (nor another vacancy's) to edit.
    assert (await panel.client.get(f"/questions/{knife.id}")).status == 404
    assert (await panel.client.get(f"{base}/{knife.id}")).status == 200


async def _applications(panel: Panel) -> tuple[int, int, int, int]:
    """A person who applied to two vacancies, and someone else who applied to the first."""
    cook = await create(panel, title_en="Cook")
    driver = await create(panel, title_en="Driver")
    async with panel.storage.uow() as uow:
        city = await uow.cities.get(panel.kazan_id)
        first = await make_candidate(
            uow, city, full_name="Ivan Two Jobs", vacancy_id=cook, is_current=False
        )
        second = await make_candidate(
            uow, city, telegram_id=first.telegram_id, full_name="Ivan Two Jobs", vacancy_id=driver
        )
        await make_candidate(uow, city, full_name="Olga Cook", vacancy_id=cook, status=S.HIRED)
        await uow.commit()
    return cook, driver, first.id, second.id


async def test_candidates_listed_exported_and_shown_by_vacancy(panel: Panel) -> None:
    await panel.login()
    cook, driver, first, second = await _applications(panel)
    page = await (await panel.client.get(f"/candidates?vacancy_id={driver}")).text()
    assert "Ivan Two Jobs" in page and "Olga Cook" not in page
    page = await (await panel.client.get(f"/candidates?vacancy_id={cook}&q=olga")).text()
    assert "Olga Cook" in page and "Ivan Two Jobs" not in page
    exported = await (await panel.client.get(f"/candidates.csv?vacancy_id={cook}")).text()
    lines = list(csv.DictReader(io.StringIO(exported.lstrip("\ufeff"))))
    assert sorted(line["full_name"] for line in lines) == ["Ivan Two Jobs", "Olga Cook"]
    assert {line["vacancy"] for line in lines} == {"Cook"}
    profile = await (await panel.client.get(f"/candidates/{second}")).text()
    assert re.search(r'id="vacancy">.*?Driver</a>', profile, re.S)
    others = re.search(r'id="applications">(.*?)</div>', profile, re.S)
    assert others and f'href="/candidates/{first}">Cook</a>' in others.group(1)


async def test_the_funnel_page_and_the_dashboard_by_vacancy(panel: Panel) -> None:
    await panel.login()
    cook, driver, _first, _second = await _applications(panel)
    page = await (await panel.client.get("/vacancies/funnel")).text()
    by_vacancy = re.search(r'id="funnel-by-vacancy">(.*?)</table>', page, re.S)
    assert by_vacancy
    row = re.search(rf'<tr data-key="{cook}">(.*?)</tr>', by_vacancy.group(1), re.S)
    assert row, by_vacancy.group(1)
    counts = re.findall(r'<span class="count">(\d+)</span>', row.group(1))
    # Ivan passed screening; Olga was set to hired straight away (and reached nothing between).
    assert counts == ["2", "1", "0", "0", "0", "0", "1"]
    assert row.group(1).count("<rect") == 7 and 'width="200.0"' in row.group(1)
    assert 'id="funnel-by-source"' in page
    dashboard = await (await panel.client.get(f"/?vacancy_id={driver}")).text()
    assert f'<option value="{driver}" selected>' in dashboard
    funnel = re.search(r'id="funnel">(.*?)</table>', dashboard, re.S)
    assert funnel and "<td>Started</td><td>1</td>" in funnel.group(1)
