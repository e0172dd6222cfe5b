"""The pipeline board: candidates by status as columns with their counts, cards with city,
source, next booking (in the booking city's zone, labelled) and unread messages; the vacancy and
city filters; a recruiter's cities only; a card moved (a status change with reason, history and
audit; a refused move is 422 and changes nothing); actions on a selection, each candidate done
or refused on its own; bad input answered 422."""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import select

from admin.deps import DEPS
from core.clock import FrozenClock
from core.enums import CandidateStatus, InboundKind
from core.result import Success
from domain.bookings.booking import Messaging, book_slot
from domain.conversations.inbox import Inbound, record_inbound
from domain.messaging.texts import Catalog
from domain.scheduling.picker import BookingRules
from storage.models import AuditLogEntry, CandidateTag, Notification, Tag
from tests.admin.conftest import Panel
from tests.support.factories import NOW, make_candidate, make_slot, make_vacancy
from tests.support.languages import RUSSIAN
from tests.support.query_counter import count_queries


@dataclass
class People:
    ivan: int  # Kazan, booked on Anna's slot, wrote twice
    maria: int  # Kazan, new, applied to the vacancy
    olga: int  # Kazan, new, blocked the bot
    sam: int  # Samara, new
    vacancy: int


async def _people(panel: Panel) -> People:
    async with panel.storage.uow() as uow:
        kazan = await uow.cities.get(panel.kazan_id)
        samara = await uow.cities.get(panel.samara_id)
        anna = await uow.recruiters.get(panel.anna_id)
        assert kazan and samara and anna
        vacancy = await make_vacancy(uow, kazan, title="Courier")
        ivan = await make_candidate(
            uow, kazan, full_name="Ivan Booked", source="hh", created_at=NOW - timedelta(days=3)
        )
        maria = await make_candidate(
            uow,
            kazan,
            full_name="Maria Vacancy",
            status=CandidateStatus.NEW,
            vacancy_id=vacancy.id,
            created_at=NOW - timedelta(days=1),
        )
        olga = await make_candidate(
            uow,
            kazan,
            full_name="Olga Blocked",
            status=CandidateStatus.NEW,
            reachable=False,
            created_at=NOW - timedelta(days=2),
        )
        sam = await make_candidate(
            uow, samara, full_name="Sam Samara", status=CandidateStatus.NEW, created_at=NOW
        )
        # Wednesday 2 Dec 12:00 UTC: 15:00 in Kazan's zone (Europe/Moscow)
        slot = await make_slot(uow, anna, kazan, starts_at=NOW + timedelta(days=1, hours=3))
        await uow.commit()
    messaging = Messaging(Catalog.load("en"), FrozenClock(NOW), BookingRules())
    async with panel.storage.uow() as uow:
        booked = await book_slot(uow, messaging, candidate_id=ivan.id, slot_id=slot.id)
    assert isinstance(booked, Success), booked
    async with panel.storage.uow() as uow:
        person = await uow.candidates.get(ivan.id)
        assert person is not None
        for words in ("Hello?", "Can I come at 9?"):
            await record_inbound(uow, FrozenClock(NOW), person, Inbound(InboundKind.TEXT, words))
        await uow.commit()
    return People(ivan.id, maria.id, olga.id, sam.id, vacancy.id)


async def _status(panel: Panel, candidate_id: int) -> CandidateStatus:
    async with panel.storage.uow() as uow:
        candidate = await uow.candidates.get(candidate_id)
        assert candidate is not None
        return candidate.status


def _column(page: str, status: str) -> str:
    """One column's markup (up to the next column)."""
    start = page.index(f'id="col-{status}"')
    end = page.find('<section class="board-col', start + 1)
    return page[start : end if end != -1 else len(page)]


def _cards(page: str, status: str) -> list[int]:
    return [int(i) for i in re.findall(r'id="card-(\d+)"', _column(page, status))]


def _count(page: str, status: str) -> int:
    found = re.search(rf'id="count-{status}">(\d+)<', page)
    assert found is not None, status
    return int(found.group(1))


async def test_the_board_needs_a_login(panel: Panel) -> None:
    response = await panel.client.get("/board", allow_redirects=False)
    assert response.status == 302
    assert response.headers["Location"] == "/login"


async def test_columns_in_the_pipelines_order_with_counts_and_cards(panel: Panel) -> None:
    p = await _people(panel)
    await panel.login()
    response = await panel.client.get("/board")
    assert response.status == 200
    page = await response.text()
    assert 'href="/board" class="here"' in page  # the menu's link
    booked_status = (await _status(panel, p.ivan)).value
    columns = re.findall(r'<section class="board-col[^"]*" id="col-(\w+)"', page)
    assert columns[:3] == ["new", "screening", "screening_passed"]
    assert columns[-1] == "withdrawn"
    assert set(columns) == {s.value for s in CandidateStatus}
    assert 'class="board-col closed" id="col-no_show"' in page
    assert _cards(page, "new") == [p.sam, p.maria, p.olga]  # newest first
    assert _count(page, "new") == 3
    assert _cards(page, booked_status) == [p.ivan]
    assert _count(page, "hired") == 0
    ivan = page[
        page.index(f'id="card-{p.ivan}"') : page.index("</li>", page.index(f'id="card-{p.ivan}"'))
    ]
    assert f'href="/candidates/{p.ivan}">Ivan Booked</a>' in ivan
    assert "Kazan" in ivan and '<span class="source">hh</span>' in ivan
    assert "Interview: Wed, 2 Dec, 15:00 (Europe/Moscow)" in ivan
    assert "✉ 2" in ivan
    maria = page[page.index(f'id="card-{p.maria}"') :]
    assert "Courier" in maria[: maria.index("</li>")]  # the vacancy applied to
    assert "✉" not in maria[: maria.index("</li>")]


async def test_the_board_reads_in_a_few_statements_whatever_its_size(panel: Panel) -> None:
    await _people(panel)
    await panel.login()
    await panel.client.get("/board")  # warm: the session's account is cached
    with count_queries(panel.storage.engine) as few:
        assert (await panel.client.get("/board")).status == 200
    async with panel.storage.uow() as uow:
        kazan = await uow.cities.get(panel.kazan_id)
        for n in range(30):
            await make_candidate(uow, kazan, full_name=f"More {n}", status=CandidateStatus.NEW)
        await uow.commit()
    with count_queries(panel.storage.engine) as many:
        page = await (await panel.client.get("/board")).text()
    assert _count(page, "new") == 33
    assert len(many) == len(few) <= 12  # the board's four, the menu's, the account's


async def test_a_column_shows_its_newest_cards_and_links_to_the_rest(panel: Panel) -> None:
    async with panel.storage.uow() as uow:
        kazan = await uow.cities.get(panel.kazan_id)
        for n in range(53):
            await make_candidate(
                uow,
                kazan,
                full_name=f"Hired {n}",
                status=CandidateStatus.HIRED,
                created_at=NOW - timedelta(minutes=n),
            )
        await uow.commit()
    await panel.login()
    page = await (await panel.client.get("/board", params={"city_id": panel.kazan_id})).text()
    assert _count(page, "hired") == 53
    assert len(_cards(page, "hired")) == 50
    hired = _column(page, "hired")
    assert "Hired 0<" in hired and "Hired 49<" in hired and "Hired 50<" not in hired
    more = re.search(r'<a class="more" href="([^"]+)">3 more in the list</a>', hired)
    assert more is not None
    assert (
        more.group(1).replace("&amp;", "&") == f"/candidates?status=hired&city_id={panel.kazan_id}"
    )


async def test_the_vacancy_and_city_filters(panel: Panel) -> None:
    p = await _people(panel)
    await panel.login()
    page = await (await panel.client.get("/board", params={"vacancy_id": p.vacancy})).text()
    assert f'<option value="{p.vacancy}" selected>Courier</option>' in page
    assert _cards(page, "new") == [p.maria]
    assert 'id="board-total">Candidates on the board: 1' in page
    samara = await (await panel.client.get("/board", params={"city_id": panel.samara_id})).text()
    assert _cards(samara, "new") == [p.sam]
    # A filter that is not one is shown as wrong, and the board shows everyone.
    bad = await (await panel.client.get("/board", params={"city_id": "x"})).text()
    assert 'id="city_id-error"' in bad
    assert len(_cards(bad, "new")) == 3


async def test_a_recruiter_sees_only_their_cities(panel: Panel) -> None:
    p = await _people(panel)
    await panel.login("rec")
    page = await (await panel.client.get("/board")).text()
    assert _cards(page, "new") == [p.maria, p.olga]
    assert "Sam Samara" not in page and "Samara" not in page
    # Naming another city's id changes nothing about what is seen.
    other = await (await panel.client.get("/board", params={"city_id": panel.samara_id})).text()
    assert "Sam Samara" not in other


async def test_moving_a_card_changes_the_status_with_reason_history_and_audit(
    panel: Panel,
) -> None:
    p = await _people(panel)
    await panel.login()
    response = await panel.post(
        f"/board/move?vacancy_id={p.vacancy}",
        {"candidate_id": str(p.maria), "status": "screening", "reason": "Called, starts the test"},
        allow_redirects=False,
    )
    assert response.status == 303, await response.text()
    assert response.headers["Location"] == f"/board?vacancy_id={p.vacancy}"
    page = await (await panel.client.get(response.headers["Location"])).text()
    assert "The card is moved" in page
    assert _cards(page, "screening") == [p.maria]
    assert _cards(page, "new") == []
    async with panel.storage.uow() as uow:
        history = await uow.candidates.status_history(p.maria)
        audit = (
            await uow.session.scalars(
                select(AuditLogEntry).where(
                    AuditLogEntry.entity_id == str(p.maria),
                    AuditLogEntry.action == "change_status",
                )
            )
        ).all()
    assert history[-1].to_status is CandidateStatus.SCREENING
    assert history[-1].reason == "Called, starts the test"
    assert history[-1].actor.startswith("admin:")
    assert [a.details["to"] for a in audit] == ["screening"]


async def test_a_refused_move_is_422_shown_on_the_card_and_changes_nothing(panel: Panel) -> None:
    p = await _people(panel)
    await panel.login()
    response = await panel.post(
        "/board/move", {"candidate_id": str(p.maria), "status": "new", "reason": "again"}
    )
    assert response.status == 422
    page = await response.text()
    assert 'id="move-error"' in page
    assert "the candidate has this status already" in page
    card = page[page.index(f'id="card-{p.maria}"') :]
    assert '<details class="move" open>' in card[: card.index("</li>")]
    no_reason = await panel.post(
        "/board/move", {"candidate_id": str(p.maria), "status": "withdrawn", "reason": " "}
    )
    assert no_reason.status == 422
    assert await _status(panel, p.maria) is CandidateStatus.NEW
    async with panel.storage.uow() as uow:
        assert await uow.candidates.status_history(p.maria) == []


async def test_moves_out_of_scope_or_malformed_are_refused_not_500(panel: Panel) -> None:
    p = await _people(panel)
    await panel.login("rec")
    other = await panel.post(
        "/board/move", {"candidate_id": str(p.sam), "status": "withdrawn", "reason": "x"}
    )
    assert other.status == 404
    assert await _status(panel, p.sam) is CandidateStatus.NEW
    for fields in (
        {"candidate_id": "abc", "status": "withdrawn", "reason": "x"},
        {"candidate_id": str(p.maria), "status": "nonsense", "reason": "x"},
        {"candidate_id": "99999999999", "status": "withdrawn", "reason": "x"},
        {},
    ):
        response = await panel.post("/board/move", fields)
        assert response.status == 422, fields
    no_csrf = await panel.client.post(
        "/board/move", data={"candidate_id": str(p.maria), "status": "withdrawn", "reason": "x"}
    )
    assert no_csrf.status == 403
    assert await _status(panel, p.maria) is CandidateStatus.NEW


async def test_bulk_status_change_does_the_others_when_one_is_refused(panel: Panel) -> None:
    p = await _people(panel)
    await panel.login()
    await panel.post(
        "/board/move", {"candidate_id": str(p.olga), "status": "withdrawn", "reason": "left"}
    )
    response = await panel.post(
        "/board/bulk",
        [
            ("ids", str(p.maria)),
            ("ids", str(p.olga)),
            ("ids", str(p.sam)),
            ("action", "status"),
            ("status", "withdrawn"),
            ("reason", "The vacancy is closed"),
        ],
        allow_redirects=False,
    )
    # Shown after a redirect: reloading the page the browser lands on sends nothing again.
    assert response.status == 303
    landed = await panel.client.get(response.headers["Location"])
    page = await landed.text()
    assert "Done for 2 of 3." in page
    again = await (await panel.client.get(response.headers["Location"])).text()
    assert "Done for" not in again
    refused = page[page.index('id="bulk-refused"') :]
    assert (
        f'<a href="/candidates/{p.olga}">Olga Blocked</a>: the candidate has this status' in refused
    )
    for done in (p.maria, p.sam):
        assert await _status(panel, done) is CandidateStatus.WITHDRAWN
    async with panel.storage.uow() as uow:
        history = await uow.candidates.status_history(p.sam)
    assert history[-1].reason == "The vacancy is closed"


async def test_bulk_tags_all_done_says_so_and_a_recruiter_cannot_tag_another_city(
    panel: Panel,
) -> None:
    p = await _people(panel)
    await panel.login()
    response = await panel.post(
        "/board/bulk",
        [("ids", str(p.maria)), ("ids", str(p.ivan)), ("action", "tag"), ("tags", "night, vip")],
        allow_redirects=False,
    )
    assert response.status == 303
    page = await (await panel.client.get(response.headers["Location"])).text()
    assert "Done for 2 candidates." in page
    await panel.login("rec")
    response = await panel.post(
        "/board/bulk",
        [("ids", str(p.olga)), ("ids", str(p.sam)), ("action", "tag"), ("tags", "night")],
    )
    assert response.status == 200
    page = await response.text()
    assert "Done for 1 of 2." in page
    assert f"#{p.sam}: " in page and "Sam Samara" not in page  # not named: not theirs to see
    async with panel.storage.uow() as uow:
        rows = await uow.session.execute(
            select(CandidateTag.candidate_id, Tag.name).join(Tag, Tag.id == CandidateTag.tag_id)
        )
        tagged = sorted((c, n) for c, n in rows)
        audit = (
            await uow.session.scalars(
                select(AuditLogEntry).where(AuditLogEntry.action == "add_tag")
            )
        ).all()
    assert tagged == sorted(
        [
            (p.maria, "night"),
            (p.maria, "vip"),
            (p.ivan, "night"),
            (p.ivan, "vip"),
            (p.olga, "night"),
        ]
    )
    assert len(audit) == 5


async def test_bulk_message_is_queued_for_each_but_the_blocked_one(panel: Panel) -> None:
    p = await _people(panel)
    await panel.login()
    response = await panel.post(
        "/board/bulk",
        [("ids", str(p.maria)), ("ids", str(p.olga)), ("action", "message"), ("text", "Hi all")],
    )
    assert response.status == 200
    page = await response.text()
    assert "Done for 1 of 2." in page
    assert "Olga Blocked</a>: the candidate has blocked the bot" in page
    async with panel.storage.uow() as uow:
        sent = (
            await uow.session.scalars(
                select(Notification).where(Notification.kind == "panel_message")
            )
        ).all()
    assert [n.candidate_id for n in sent] == [p.maria]
    assert "Hi all" in sent[0].payload["text"]


async def test_bulk_export_is_the_lists_csv_of_the_selected_only(panel: Panel) -> None:
    p = await _people(panel)
    await panel.login("rec")
    response = await panel.post(
        "/board/bulk",
        [("ids", str(p.maria)), ("ids", str(p.ivan)), ("ids", str(p.sam)), ("action", "export")],
    )
    assert response.status == 200
    assert response.headers["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO((await response.text()).lstrip("\ufeff"))))
    assert rows[0][:3] == ["id", "telegram_id", "full_name"]
    assert sorted(int(r[0]) for r in rows[1:]) == sorted([p.ivan, p.maria])  # not Samara's


async def test_bulk_bad_input_is_422_and_changes_nothing(panel: Panel) -> None:
    p = await _people(panel)
    await panel.login()
    cases = [
        ([("action", "tag"), ("tags", "x")], "ids-error", "select at least one card"),
        ([("ids", str(p.maria)), ("action", "status"), ("reason", "r")], "status-error", ""),
        (
            [("ids", str(p.maria)), ("action", "status"), ("status", "hired")],
            "reason-error",
            "",
        ),
        ([("ids", str(p.maria)), ("action", "tag")], "tags-error", ""),
        ([("ids", str(p.maria)), ("action", "message"), ("text", " ")], "text-error", ""),
        ([("ids", str(p.maria)), ("action", "dance")], "action-error", ""),
        ([("ids", "abc"), ("action", "tag"), ("tags", "x")], "ids-error", ""),
        (
            [*[("ids", str(n)) for n in range(1, 202)], ("action", "tag"), ("tags", "x")],
            "ids-error",
            "at most 200 cards at once",
        ),
    ]
    for fields, error, words in cases:
        response = await panel.post("/board/bulk", fields)
        assert response.status == 422, fields
        page = await response.text()
        assert f'id="{error}"' in page, (fields, page[:3000])
        assert words in page
    assert await _status(panel, p.maria) is CandidateStatus.NEW
    async with panel.storage.uow() as uow:
        assert (await uow.session.scalars(select(Tag))).all() == []


async def test_many_refusals_in_russian_are_each_named_after_the_redirect(panel: Panel) -> None:
    """Kept beside the session, not in its cookie (refusals in Russian would outgrow it)."""
    async with panel.storage.uow() as uow:
        kazan = await uow.cities.get(panel.kazan_id)
        assert kazan is not None
        gone = [
            (
                await make_candidate(
                    uow, kazan, full_name=f"Left {n}", status=CandidateStatus.WITHDRAWN
                )
            ).id
            for n in range(11)
        ]
        await uow.commit()
    await panel.login()
    fields = [("ids", str(i)) for i in gone]
    fields += [("action", "status"), ("status", "withdrawn"), ("reason", "closed")]
    answer = await panel.post("/board/bulk", fields, headers=RUSSIAN, allow_redirects=False)
    assert answer.status == 303
    assert len(answer.headers.get("Set-Cookie", "")) < 1000
    page = await (await panel.client.get(answer.headers["Location"], headers=RUSSIAN)).text()
    refused = page[page.index('id="bulk-refused"') :]
    assert all(f"Left {n}</a>" in refused for n in range(11))
    assert refused.count("у кандидата уже этот статус") == 11, refused[:500]


async def test_without_a_cache_the_outcome_is_shown_at_once(panel: Panel) -> None:
    p = await _people(panel)
    await panel.login()
    panel.client.app[DEPS].cache = None
    fields = [("ids", str(p.maria)), ("action", "status"), ("status", "new"), ("reason", "x")]
    answer = await panel.post("/board/bulk", fields, allow_redirects=False)
    assert answer.status == 200
    assert "Done for 0 of 1." in await answer.text()


async def test_cards_and_the_city_filter_name_cities_in_the_readers_language(
    panel: Panel,
) -> None:
    await _people(panel)
    async with panel.storage.uow() as uow:
        kazan = await uow.cities.get(panel.kazan_id)
        assert kazan is not None
        kazan.set_name_in("ru", "Казань")
        await uow.commit()
    await panel.login()
    russian = await (await panel.client.get("/board", headers=RUSSIAN)).text()
    assert '<div class="meta">Казань' in russian
    assert f'<option value="{panel.kazan_id}">Казань</option>' in russian
    english = await (await panel.client.get("/board")).text()
    assert "Казань" not in english and '<div class="meta">Kazan' in english
    assert f'<option value="{panel.kazan_id}">Kazan</option>' in english
