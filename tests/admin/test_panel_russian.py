"""Issue 21: an account that chose Russian reads no English word on any page of the panel.

One test per page (every GET route of the panel, ids from a fixture that gives each page
content) and one per form sent wrong (its errors shown): the page is `<html lang="ru">` and its
visible text - tags, scripts and styles stripped, with the attribute texts people read
(placeholder, title, aria-label, alt, the value of buttons) - holds no run of two or more ASCII
letters beyond a short allowlist of data and product names. The browser says English all along:
the account's choice wins. A last test checks every catalog key the templates and the panel's
Python name exists in both catalogs."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import timedelta
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest
from aiohttp import web
from sqlalchemy import select

from core.clock import FrozenClock
from core.enums import CandidateStatus, ContactReason, InboundKind
from core.result import Success
from domain.bookings.booking import Messaging, book_slot
from domain.conversations.inbox import Inbound, record_inbound
from domain.messaging.auto_messages import create_auto_message
from domain.messaging.texts import Catalog
from domain.pipeline.contact import request_contact
from domain.scheduling.picker import BookingRules
from storage.models import TestQuestion, Vacancy
from tests.admin.conftest import Panel
from tests.support.factories import NOW, make_candidate, make_slot, make_vacancy
from tests.support.languages import RUSSIAN

ROOT = Path(__file__).resolve().parents[2]
CATALOG = Catalog.load("ru")

# Names that are the same in every language: products, formats, standards.
PRODUCT_WORDS = {
    "ID", "CSV", "API", "URL", "QR", "Telegram", "iCal", "ICS", "HTTP", "HTTPS", "UTC",
    "PNG", "Google", "Outlook", "Apple", "Nextcloud", "webcal", "English", "Bot",
}  # fmt: skip
# The fixtures' own data, shown as it was written (names of people and cities, logins).
DATA_WORDS = {
    "Kazan", "Samara", "Anna", "Boris", "script", "alert", "boss", "rec", "our_bot",
    "stazh", "stazh_own",
}  # fmt: skip
ALLOWED = PRODUCT_WORDS | DATA_WORDS

_ZONE = re.compile(r"\b[A-Z][A-Za-z_]+(?:/[A-Za-z_+\-0-9]+)+")
_SETTING = re.compile(r"\b[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+\b")  # a setting's name: RETENTION_DAYS
_LINK = re.compile(r"\S*(?:://|@|www\.)\S*|\S+\.(?:ru|com|org|net|example|ics|png|csv)\b\S*")
_WORD = re.compile(r"[A-Za-z][A-Za-z_]*[A-Za-z]")
_SHOWN_ATTRIBUTES = ("placeholder", "title", "aria-label", "alt")
# code: identifiers (template keys, placeholders); textarea: what is being edited, as written
# (a template's body with its {% if %} and {{ variables }})
_SKIPPED = {"script", "style", "code", "textarea"}


class _Visible(HTMLParser):
    """What a person reads on the page: text outside scripts, styles and code, plus the
    attribute texts shown to them."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._skipping = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _SKIPPED:
            self._skipping += 1
        values = dict(attrs)
        self.parts.extend(v for name, v in attrs if name in _SHOWN_ATTRIBUTES and v)
        if tag == "input" and values.get("type") in ("submit", "button", "reset"):
            self.parts.append(values.get("value") or "")

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)
        if tag in _SKIPPED:
            self._skipping -= 1

    def handle_endtag(self, tag: str) -> None:
        if tag in _SKIPPED and self._skipping:
            self._skipping -= 1

    def handle_data(self, data: str) -> None:
        if not self._skipping:
            self.parts.append(data)


def visible_text(page: str) -> str:
    parser = _Visible()
    parser.feed(page)
    parser.close()
    return " ".join(" ".join(parser.parts).split())


def english_words(page: str) -> list[str]:
    """Each word of the page that is not Russian, data or a product's name, with context."""
    text = visible_text(page)
    found = []
    for chunk_match in re.finditer(r"\S+", text):
        token = chunk_match.group()
        if _LINK.fullmatch(token):
            continue
        token = _ZONE.sub(" ", _SETTING.sub(" ", token))
        for word in _WORD.findall(token):
            if word in ALLOWED:
                continue
            start = chunk_match.start()
            found.append(f"{word!r} in …{text[max(0, start - 40) : start + 40]}…")
    return found


def assert_russian(page: str, what: str) -> None:
    assert '<html lang="ru">' in page, f"{what}: not marked Russian"
    words = english_words(page)
    assert not words, f"{what}: English on a Russian page:\n" + "\n".join(words)


@dataclass
class World:
    panel: Panel
    ids: dict[str, Any] = field(default_factory=dict)


async def _set_locale(panel: Panel, login: str, locale: str) -> None:
    async with panel.storage.uow() as uow:
        account = await uow.admin_users.get_by_login(login)
        assert account is not None
        account.locale = locale
        await uow.commit()


async def fill_content(panel: Panel) -> dict[str, Any]:
    """Something on every page: a vacancy, candidates in several statuses (one booked, one who
    wrote and sent a photo, one waiting in the inbox), a slot, an auto-message, a question, a
    template override, audit rows."""
    clock = FrozenClock(NOW - timedelta(hours=2))
    async with panel.storage.uow() as uow:
        kazan = await uow.cities.get(panel.kazan_id)
        samara = await uow.cities.get(panel.samara_id)
        anna = await uow.recruiters.get(panel.anna_id)
        assert kazan and samara and anna
        vacancy = await make_vacancy(uow, kazan, samara, title="Курьер")
        ivan = await make_candidate(
            uow, kazan, full_name="Иван Петров", locale="ru", vacancy_id=vacancy.id
        )
        maria = await make_candidate(
            uow, samara, full_name="Мария Соколова", status=CandidateStatus.NEW
        )
        oleg = await make_candidate(
            uow, kazan, full_name="Олег Смирнов", status=CandidateStatus.NO_SHOW
        )
        await make_candidate(uow, None, full_name="Пётр Без Города", status=CandidateStatus.HIRED)
        slot = await make_slot(uow, anna, kazan)
        await make_slot(uow, anna, kazan)  # one still free
        await uow.commit()
    messaging = Messaging(CATALOG, FrozenClock(NOW), BookingRules())
    async with panel.storage.uow() as uow:
        booked = await book_slot(uow, messaging, candidate_id=ivan.id, slot_id=slot.id)
    assert isinstance(booked, Success), booked
    async with panel.storage.uow() as uow:
        person = await uow.candidates.get(ivan.id)
        assert person is not None
        await record_inbound(uow, clock, person, Inbound(InboundKind.TEXT, "Можно прийти в 9?"))
        photo = await record_inbound(uow, clock, person, Inbound(InboundKind.PHOTO, file_id="p1"))
        await uow.commit()
    async with panel.storage.uow() as uow:
        asking = await uow.candidates.get(oleg.id)
        assert asking is not None
        await request_contact(
            uow, CATALOG, clock, asking, ContactReason.NO_TIME, wrote="Перезвоните вечером"
        )
        await uow.commit()
    async with panel.storage.uow() as uow:
        spec = {"name": "Напоминание", "kind": "trigger", "trigger": "no_show_follow_up"}
        made = await create_auto_message(
            uow, CATALOG, {**spec, "after_hours": 4, "text": "Здравствуйте!"}, FrozenClock(NOW)
        )
    assert isinstance(made, Success), made
    # Through the panel's own forms: they write the audit rows too.
    await panel.login()
    question = {
        "test": "screening",
        "key": "stazh",
        "kind": "text",
        "prompt_ru": "Какой у вас стаж?",
        "prompt_en": "Какой у вас стаж?",
        "active": "1",
    }
    response = await panel.post("/questions", question, allow_redirects=False)
    assert response.status == 303, await response.text()
    # A vacancy made on its page gets its own copy of the tests, with a question of its own.
    made_here = {"title_ru": "Повар", "title_en": "Повар", "active": "1"}
    response = await panel.post(
        "/vacancies", {**made_here, "city_ids": str(panel.kazan_id)}, allow_redirects=False
    )
    assert response.status == 303, await response.text()
    async with panel.storage.uow() as uow:
        cook = (await uow.session.scalars(select(Vacancy).order_by(Vacancy.id.desc()))).first()
    assert cook is not None
    own = {**question, "key": "stazh_own", "prompt_ru": "Есть ли у вас права?"}
    response = await panel.post(f"/vacancies/{cook.id}/questions", own, allow_redirects=False)
    assert response.status == 303, await response.text()
    override = {"locale": "ru", "city_id": str(panel.kazan_id), "body": "Добро пожаловать!"}
    response = await panel.post("/templates/welcome", override, allow_redirects=False)
    assert response.status == 303, await response.text()
    async with panel.storage.uow() as uow:
        keys = {"stazh", "stazh_own"}
        rows = await uow.session.execute(
            select(TestQuestion.key, TestQuestion.id)
            .where(TestQuestion.key.in_(keys))
            .order_by(TestQuestion.id.desc())  # the default test's "stazh" before the copy's
        )
        question_ids = {key: id_ for key, id_ in rows.all()}
    return {
        "candidate": ivan.id,
        "maria": maria.id,
        "photo": photo.id,
        "slot": slot.id,
        "vacancy": vacancy.id,
        "cook": cook.id,
        "kazan": panel.kazan_id,
        "anna": panel.anna_id,
        "question": question_ids["stazh"],
        "vacancy_question": question_ids["stazh_own"],
        "week": (NOW + timedelta(days=1)).date().isoformat(),
    }


@pytest.fixture
async def world(panel: Panel) -> World:
    ids = await fill_content(panel)
    for login in ("boss", "rec"):
        await _set_locale(panel, login, "ru")
    await panel.login()  # the browser still says English (the client's default header)
    return World(panel, ids)


@dataclass(frozen=True)
class Page:
    name: str
    route: str  # the router's path, as the panel installs it
    path: str = ""  # the path opened, with the fixture's ids; the route's when empty
    account: str = "boss"  # "rec": a recruiter's account; "": signed out, a Russian browser
    status: int = 200


PAGES = [
    # ra
    Page("login", "/login", account=""),
    Page("dashboard", "/"),
    Page("password", "/account/password"),
    Page("candidates", "/candidates"),
    Page("candidates-filtered", "/candidates", "/candidates?status=new&city_id={kazan}"),
    Page("candidate", "/candidates/{candidate_id}", "/candidates/{candidate}"),
    Page(
        "file-unavailable",
        "/candidates/{candidate_id}/messages/{message_id}/file",
        "/candidates/{candidate}/messages/{photo}/file",
        status=502,
    ),
    Page("inbox", "/inbox"),
    Page("inbox-handled", "/inbox", "/inbox?show=handled"),
    Page("dashboard-recruiter", "/", account="rec"),
    Page("not-found", "", "/no-such-page", status=404),
    Page("forbidden", "", "/audit", account="rec", status=403),
    # rb1
    Page("accounts", "/accounts"),
    Page("audit", "/audit"),
    Page("auto-messages", "/auto-messages"),
    Page("cities", "/cities"),
    Page("city", "/cities/{city_id}", "/cities/{kazan}"),
    Page("recruiters", "/recruiters"),
    Page("recruiter", "/recruiters/{recruiter_id}", "/recruiters/{anna}"),
    Page(
        "busy-calendar",
        "/recruiters/{recruiter_id}/busy-calendar",
        "/recruiters/{anna}/busy-calendar",
    ),
    Page("questions", "/questions"),
    Page("question-new", "/questions/new", "/questions/new?test=knowledge"),
    Page("question", "/questions/{question_id}", "/questions/{question}"),
    Page(
        "vacancy-questions",
        "/vacancies/{vacancy_id}/questions",
        "/vacancies/{cook}/questions",
    ),
    Page(
        "vacancy-question-new",
        "/vacancies/{vacancy_id}/questions/new",
        "/vacancies/{cook}/questions/new?test=screening",
    ),
    Page(
        "vacancy-question",
        "/vacancies/{vacancy_id}/questions/{question_id}",
        "/vacancies/{cook}/questions/{vacancy_question}",
    ),
    Page("calendars", "/calendars", account="rec"),
    # rb2
    Page("templates", "/templates"),
    Page("template", "/templates/{key}", "/templates/welcome"),
    Page("template-override", "/templates/{key}", "/templates/welcome?locale=ru&city_id={kazan}"),
    Page("templates-search", "/templates", "/templates?q=запис"),
    Page("templates-search-empty", "/templates", "/templates?q=ничего"),
    Page("slots", "/slots", "/slots?recruiter_id={anna}&week={week}"),
    Page("slot", r"/slots/{slot_id}", "/slots/{slot}"),
    Page("vacancies", "/vacancies"),
    Page("vacancy", "/vacancies/{vacancy_id}", "/vacancies/{vacancy}"),
    Page("vacancy-funnel", "/vacancies/funnel"),
    Page("vacancy-link", "/vacancies/{vacancy_id}/link", "/vacancies/{vacancy}/link"),
    Page("slots-list", "/slots", "/slots?recruiter_id={anna}&view=list"),
    # the week grid and the day with its candidates' cards
    Page("slots-week-grid", "/slots", "/slots?recruiter_id={anna}"),
    Page("slots-day", "/slots", "/slots?recruiter_id={anna}&view=day&day={week}"),
    Page("slots-day-own", "/slots", "/slots?view=day&day={week}", account="rec"),
    Page(
        "vacancy-link-bad-source",
        "/vacancies/{vacancy_id}/link",
        "/vacancies/{vacancy}/link?source=%21%21",
        status=422,
    ),
    # board
    Page("board", "/board"),
    Page("board-filtered", "/board", "/board?vacancy_id={vacancy}&city_id={kazan}"),
    Page("board-recruiter", "/board", account="rec"),
]
# GET routes that answer with no page: a file, a picture, the sign-in's own page is above.
NOT_PAGES = {"/candidates.csv", "/vacancies/{vacancy_id}/qr.png"}
# GET routes a page's script asks, answering JSON (their words: test_broadcast_tools_page).
NOT_PAGES |= {"/auto-messages/progress"}


@dataclass(frozen=True)
class Form:
    name: str
    path: str
    fields: dict[str, str]
    account: str = "boss"


# A weekly series previewed on the Slots page (Wednesday: the fixture's week is 2 Dec 2026).
SERIES = {
    "recruiter_id": "{anna}",
    "city_id": "{kazan}",
    "weekdays": "2",
    "start": "10:00",
    "end": "12:00",
    "step_minutes": "60",
    "duration_minutes": "30",
    "first_day": "{week}",
    "last_day": "{week}",
    "capacity": "1",
    "purpose": "interview",
    "action": "preview",
}


FORMS = [
    # ra
    Form("login", "/login", {"login": "boss", "password": "not it"}, account=""),
    Form("password", "/account/password", {"current": "wrong", "new": "x", "repeat": "y"}),
    Form("candidate-message", "/candidates/{candidate}/message", {"text": ""}),
    Form("candidate-note", "/candidates/{candidate}/notes", {"text": ""}),
    Form("candidate-status", "/candidates/{candidate}/status", {"status": "nonsense"}),
    Form("candidate-tags", "/candidates/{candidate}/tags", {"tag": "!" * 200}),
    # rb1
    Form("city", "/cities", {"name": "", "timezone": "Nowhere/Never"}),
    Form("recruiter", "/recruiters", {"name": "", "timezone": "Nowhere/Never"}),
    Form("account", "/accounts", {"login": "", "password": "short", "role": "admin"}),
    Form("auto-message", "/auto-messages", {"name": "", "kind": "broadcast", "text": ""}),
    Form("auto-message-count", "/auto-messages", {"city_ids": "{kazan}", "action": "count"}),
    Form("auto-message-count-wrong", "/auto-messages", {"statuses": "nope", "action": "count"}),
    Form("auto-message-test-no-chat", "/auto-messages", {"text": "Привет", "action": "test"}),
    Form("auto-message-test-wrong", "/auto-messages", {"text": "{{{{ name", "action": "test"}),
    Form("question", "/questions", {"test": "screening", "key": "", "kind": "text"}),
    Form("busy-calendar", "/recruiters/{anna}/busy-calendar", {"url": "not a link"}),
    # rb2
    Form("template", "/templates/welcome", {"locale": "ru", "body": "{{{{ 1 +"}),
    Form("slot", "/slots", {"recruiter_id": "{anna}", "starts_at": "", "purpose": "interview"}),
    Form("vacancy", "/vacancies", {"title_ru": "", "title_en": ""}),
    Form("slot-series-preview", "/slots/series", SERIES),
    Form("slot-series-wrong", "/slots/series", {**SERIES, "end": "09:00", "break_end": "11:00"}),
    Form("slot-delete-booked", "/slots/{slot}/delete", {}),
    Form("slot-delete-booked-from-week", "/slots/{slot}/delete", {"week": "{week}"}),
    Form("slot-delete-booked-from-day", "/slots/{slot}/delete", {"day": "{week}"}),
    Form("slot-capacity", "/slots/{slot}/capacity", {"capacity": "0"}),
    Form("slot-message", "/slots/{slot}/message", {"text": ""}),
    # board
    Form("board-move", "/board/move", {"candidate_id": "{candidate}", "status": "nonsense"}),
    Form(
        "board-move-same",
        "/board/move",
        {"candidate_id": "{maria}", "status": "new", "reason": "x"},
    ),
    Form("board-bulk-empty", "/board/bulk", {"action": "tag", "tags": "x"}),
    Form("board-bulk-no-reason", "/board/bulk", {"ids": "{maria}", "action": "status"}),
]


def _fill(template: str, ids: dict[str, Any]) -> str:
    return template.format(**ids) if "{" in template else template


async def _as(world: World, account: str) -> dict[str, str]:
    """Signs in the page's account; the headers its browser sends."""
    panel = world.panel
    if account == "":
        panel.client.session.cookie_jar.clear()
        return RUSSIAN
    if account != "boss":
        await panel.login(account)
    return {}


@pytest.mark.parametrize("page", PAGES, ids=[p.name for p in PAGES])
async def test_every_page_is_russian_for_an_account_that_chose_russian(
    world: World, page: Page
) -> None:
    headers = await _as(world, page.account)
    path = _fill(page.path or page.route, world.ids)
    response = await world.panel.client.get(path, headers=headers)
    body = await response.text()
    assert response.status == page.status, (path, body[:2000])
    assert_russian(body, f"GET {path}")


@pytest.mark.parametrize("form", FORMS, ids=[f.name for f in FORMS])
async def test_every_form_sent_wrong_says_why_in_russian(world: World, form: Form) -> None:
    headers = await _as(world, form.account)
    panel = world.panel
    fields = {name: _fill(value, world.ids) for name, value in form.fields.items()}
    path = _fill(form.path, world.ids)
    csrf = await panel.csrf("/login")
    response = await panel.client.post(path, data={**fields, "csrf": csrf}, headers=headers)
    body = await response.text()
    assert response.status < 500, (path, body[:2000])
    assert_russian(body, f"POST {path}")


def _get_routes(app: web.Application) -> set[str]:
    found = set()
    for route in app.router.routes():
        if route.method != "GET" or route.resource is None:
            continue
        info = route.resource.get_info()
        path = info.get("path") or info.get("formatter")
        if path and not path.startswith(("/api", "/static", "/sandbox", "/calendar/")):
            found.add(path)
    return found - {"/health", "/metrics"}


async def test_the_walk_covers_every_page_of_the_panel(panel: Panel) -> None:
    app: web.Application = panel.client.server.app  # type: ignore[attr-defined]
    walked = {p.route for p in PAGES if p.route}
    missing = _get_routes(app) - walked - NOT_PAGES
    assert not missing, f"pages the Russian walk does not open: {sorted(missing)}"


def _keys_named(sources: Iterable[Path], pattern: re.Pattern[str]) -> set[tuple[str, bool]]:
    """(key, is_prefix) for each literal key the sources pass; a prefix when a value is
    appended to it (`t("panel.x." ~ code)`)."""
    found = set()
    for source in sources:
        for match in pattern.finditer(source.read_text(encoding="utf-8")):
            found.add((match.group("key"), bool(match.group("more"))))
    return found


TEMPLATE_KEYS = re.compile(r"\bt\(\s*([\"'])(?P<key>[^\"']+)\1\s*(?P<more>~)?")
PYTHON_KEYS = re.compile(r"\btext\(\s*request\s*,\s*([\"'])(?P<key>[^\"']+)\1\s*(?P<more>\+)?")


def test_every_key_the_panel_names_is_in_both_catalogs() -> None:
    templates = sorted((ROOT / "admin" / "templates").glob("*.html"))
    python = sorted((ROOT / "admin").rglob("*.py"))
    named = _keys_named(templates, TEMPLATE_KEYS) | _keys_named(python, PYTHON_KEYS)
    assert len(named) > 10
    missing = []
    for locale in ("ru", "en"):
        keys = CATALOG.ui[locale]
        for key, is_prefix in sorted(named):
            present = any(k.startswith(key) for k in keys) if is_prefix else key in keys
            if not present:
                missing.append(f"{locale}: {key}")
    assert not missing, "keys missing from the catalogs:\n" + "\n".join(missing)


def test_the_detector_catches_english_and_lets_russian_and_data_through() -> None:
    page = (
        '<html lang="ru"><head><style>body{color:red}</style></head><body>'
        "<p>Кандидаты: Kazan, Europe/Moscow, https://example.org/x, a@b.ru, CSV</p>"
        '<script>var english = "words";</script><code>choose_city</code>'
        '<input type="submit" value="Save"><input placeholder="Search by name">'
        "<p>Слоты</p><p>Booked</p></body></html>"
    )
    words = [w.split(" in ")[0] for w in english_words(page)]
    assert words == ["'Save'", "'Search'", "'by'", "'name'", "'Booked'"]


async def test_the_csv_export_speaks_the_accounts_language_in_the_same_columns(
    world: World,
) -> None:
    response = await world.panel.client.get("/candidates.csv")
    assert response.status == 200
    rows = list(csv.reader(io.StringIO((await response.text()).lstrip("\ufeff"))))
    header = rows[0]
    assert header[:3] == ["ID", "Telegram ID", "Имя"] and header[-1] == "Вакансия"
    assert len(header) == 14  # the same columns, in the same order, as the English export
    ivan = next(r for r in rows[1:] if r[2] == "Иван Петров")
    assert ivan[6] == "Просит собеседование" and ivan[8] == "да"  # booked an interview
    assert english_words(" ".join(header)) == []
