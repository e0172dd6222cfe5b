"""The candidates directory: search, filters, sorts, pages, scope, profile and CSV, on SQLite and
PostgreSQL."""

from __future__ import annotations

import csv
import io
from datetime import date, timedelta
from typing import Any

import pytest
from pydantic import ValidationError
from sqlalchemy import select

from admin.schemas.candidates import CandidateProfileOut
from core.clock import FrozenClock
from core.enums import (
    BookingStatus,
    CandidateStatus,
    QuestionKind,
    TestKind,
    TestResultStatus,
)
from domain.bookings.booking import Messaging, book_slot
from domain.conversations.thread import thread_page
from domain.messaging.outbox import queue_message
from domain.messaging.texts import Catalog
from domain.pipeline.directory import (
    CandidateFilter,
    candidate_profile,
    iter_csv,
    search_candidates,
)
from domain.scheduling.picker import BookingRules
from storage.models import Candidate, Test, TestAnswer, TestQuestion, TestResult
from tests.conftest import Storage
from tests.support.factories import NOW, make_candidate, make_city, make_recruiter, make_slot
from tests.support.query_counter import count_queries

DAY = timedelta(days=1)


async def _people(storage: Storage) -> dict[str, Any]:
    """Five candidates in two cities and one without a city, with known fields and times."""
    async with storage.uow() as uow:
        kazan, samara = await make_city(uow), await make_city(uow)
        rows = {
            "ivanov": await make_candidate(
                uow,
                kazan,
                full_name="ИВАНОВ Пётр",
                username="Petya_I",
                phone="+79991234567",
                status=CandidateStatus.HIRED,
                source="hh",
                created_at=NOW - 3 * DAY,
                updated_at=NOW - 1 * DAY,
            ),
            "smith": await make_candidate(
                uow,
                kazan,
                full_name="Alice Smith",
                username="alice",
                phone="+1 (555) 010-2030",
                status=CandidateStatus.NEW,
                source="vk",
                created_at=NOW - 2 * DAY,
                updated_at=NOW - 5 * DAY,
            ),
            "elkin": await make_candidate(
                uow,
                samara,
                full_name="Ёлкин Иван",
                username=None,
                status=CandidateStatus.HIRED,
                source="hh",
                created_at=NOW - 1 * DAY,
                updated_at=NOW - 3 * DAY,
            ),
            "nameless": await make_candidate(
                uow,
                samara,
                full_name=None,
                username="ghost_100%",
                status=CandidateStatus.SCREENING,
                created_at=NOW - 4 * DAY,
                updated_at=NOW - 2 * DAY,
            ),
            "cityless": await make_candidate(
                uow,
                None,
                full_name="Boris Cityless",
                status=CandidateStatus.NEW,
                created_at=NOW - 5 * DAY,
                updated_at=NOW - 4 * DAY,
            ),
        }
        await uow.commit()
    return {"kazan": kazan.id, "samara": samara.id, **{k: v.id for k, v in rows.items()}}


async def _ids(
    storage: Storage, city_ids: frozenset[int] | None = None, **flt: Any
) -> tuple[list[int], int]:
    async with storage.uow() as uow:
        rows, total = await search_candidates(uow, CandidateFilter(**flt), city_ids)
    return [r.id for r in rows], total


@pytest.mark.parametrize(
    ("q", "who"),
    [
        ("иванов", ["ivanov"]),  # Cyrillic, either case, on both databases
        ("пётр", ["ivanov"]),
        ("петр", ["ivanov"]),  # ё and е are the same letter to searchers
        ("елкин", ["elkin"]),
        ("иван", ["ivanov", "elkin"]),
        ("SMITH", ["smith"]),
        ("@petya", ["ivanov"]),
        ("petya_i", ["ivanov"]),
        ("9991234", ["ivanov"]),
        ("+7999", ["ivanov"]),
        ("999 123-45", ["ivanov"]),  # the phone typed with other spacing
        ("555) 010", ["smith"]),
        ("100%", ["nameless"]),  # LIKE's wildcards are searched for, not obeyed
        ("%", ["nameless"]),
        ("_", ["ivanov", "nameless"]),
        ("nobody", []),
    ],
)
async def test_search_matches_name_username_or_phone_ignoring_case(
    storage: Storage, q: str, who: list[str]
) -> None:
    people = await _people(storage)
    ids, total = await _ids(storage, q=q, sort="created_at")
    expected = sorted((people[w] for w in who), key=list(people.values()).index)
    assert sorted(ids) == sorted(expected)
    assert total == len(who)


async def test_filters_combine_and_dates_are_whole_utc_days(storage: Storage) -> None:
    p = await _people(storage)
    assert set((await _ids(storage, city_id=p["kazan"]))[0]) == {p["ivanov"], p["smith"]}
    assert set((await _ids(storage, status="hired"))[0]) == {p["ivanov"], p["elkin"]}
    assert (await _ids(storage, status="hired", city_id=p["samara"]))[0] == [p["elkin"]]
    assert set((await _ids(storage, source="hh"))[0]) == {p["ivanov"], p["elkin"]}
    day = (NOW - 3 * DAY).date()
    assert (await _ids(storage, created_from=day, created_to=day))[0] == [p["ivanov"]]
    between = await _ids(storage, created_from=day, created_to=day + DAY, sort="created_at")
    assert between == ([p["ivanov"], p["smith"]], 2)
    assert set((await _ids(storage, created_to=day - DAY))[0]) == {p["nameless"], p["cityless"]}
    assert (await _ids(storage, q="иван", status="hired", city_id=p["kazan"]))[0] == [p["ivanov"]]


@pytest.mark.parametrize(
    ("sort", "order"),
    [
        ("created_at", ["cityless", "nameless", "ivanov", "smith", "elkin"]),
        ("-created_at", ["elkin", "smith", "ivanov", "nameless", "cityless"]),
        ("updated_at", ["smith", "cityless", "elkin", "nameless", "ivanov"]),
        ("-updated_at", ["ivanov", "nameless", "elkin", "cityless", "smith"]),
        # No name sorts last going up and first going down, on both databases.
        ("full_name", ["smith", "cityless", "elkin", "ivanov", "nameless"]),
        ("-full_name", ["nameless", "ivanov", "elkin", "cityless", "smith"]),
        # By status, then by when it last changed.
        ("status", ["elkin", "ivanov", "smith", "cityless", "nameless"]),
        ("-status", ["nameless", "cityless", "smith", "ivanov", "elkin"]),
    ],
)
async def test_every_sort_orders_the_whole_list(
    storage: Storage, sort: str, order: list[str]
) -> None:
    p = await _people(storage)
    assert (await _ids(storage, sort=sort))[0] == [p[name] for name in order]


async def test_pages_walk_the_list_and_the_total_counts_all_matches(storage: Storage) -> None:
    p = await _people(storage)
    everyone = (await _ids(storage, sort="full_name"))[0]
    pages = [await _ids(storage, sort="full_name", limit=2, offset=o) for o in (0, 2, 4, 6)]
    assert [total for _, total in pages] == [5, 5, 5, 5]
    assert [ids for ids, _ in pages] == [everyone[0:2], everyone[2:4], everyone[4:5], []]
    assert len(everyone) == 5
    # A search with many matches per page walks the sort's index; with few it sorts the
    # matches. Either way, the same order.
    async with storage.uow() as uow:
        city = await make_city(uow)
        for i in range(12):
            await make_candidate(uow, city, full_name=f"Many {i:02d}", created_at=NOW - i * DAY)
        await uow.commit()
    one_by_one = [(await _ids(storage, q="many", limit=1, offset=o))[0] for o in range(12)]
    all_at_once = (await _ids(storage, q="many", limit=50))[0]
    assert [ids[0] for ids in one_by_one] == all_at_once
    assert (await _ids(storage, q="many", limit=1))[1] == 12
    assert p["ivanov"] not in all_at_once


async def test_scope_limits_every_list_to_its_cities(storage: Storage) -> None:
    p = await _people(storage)
    kazan = frozenset({p["kazan"]})
    assert set((await _ids(storage, kazan))[0]) == {p["ivanov"], p["smith"]}
    assert (await _ids(storage, kazan))[1] == 2
    assert (await _ids(storage, kazan, city_id=p["samara"])) == ([], 0)
    assert (await _ids(storage, kazan, q="иван"))[0] == [p["ivanov"]]
    assert (await _ids(storage, frozenset()))[1] == 0
    assert (await _ids(storage, None))[1] == 5


def test_the_filter_refuses_what_it_cannot_use_and_ignores_what_it_does_not_know() -> None:
    for bad in (
        {"status": "bogus"},
        {"sort": "telegram_id"},
        {"limit": 0},
        {"limit": 501},
        {"offset": -1},
        {"q": "x" * 101},
        {"city_id": "kazan"},
        {"created_from": "yesterday"},
    ):
        with pytest.raises(ValidationError):
            CandidateFilter.model_validate(bad)
    with pytest.raises(ValidationError) as raised:
        CandidateFilter(created_from=date(2026, 5, 2), created_to=date(2026, 5, 1))
    assert raised.value.errors()[0]["loc"] == ("created_to",)
    flt = CandidateFilter.model_validate({"q": "  ", "source": "", "page": "3", "csrf": "x"})
    assert (flt.q, flt.source, flt.sort, flt.limit, flt.offset) == (
        None,
        None,
        "-created_at",
        50,
        0,
    )


async def test_search_text_follows_every_change_of_name_phone_or_username(
    storage: Storage,
) -> None:
    async with storage.uow() as uow:
        candidate = await make_candidate(uow, None, full_name="Старое Имя")
        await uow.commit()
    async with storage.uow() as uow:
        found = await uow.candidates.get(candidate.id)
        assert found is not None
        found.full_name = "Новое ИМЯ"
        found.phone = "+7 900 111-22-33"
        found.username = "Renamed"
        await uow.commit()
    assert (await _ids(storage, q="новое"))[0] == [candidate.id]
    assert (await _ids(storage, q="старое"))[0] == []
    assert (await _ids(storage, q="79001112233"))[0] == [candidate.id]
    assert (await _ids(storage, q="@renamed"))[0] == [candidate.id]
    # Rows inserted in bulk, past the ORM, are found too.
    async with storage.uow() as uow:
        row = {"telegram_id": 555, "full_name": "Массовая Вставка", "locale": "ru"}
        await uow.candidates.insert_many([{**row, "created_at": NOW, "updated_at": NOW}])
        await uow.commit()
    assert (await _ids(storage, q="МАССОВАЯ"))[1] == 1


async def _csv(storage: Storage, city_ids: frozenset[int] | None = None, **flt: Any) -> list[Any]:
    chunks = []
    async with storage.uow() as uow:
        async for chunk in iter_csv(uow, CandidateFilter(**flt), city_ids, batch=2):
            chunks.append(chunk)
    lines = list(csv.reader(io.StringIO("".join(chunks))))
    # The header, then one chunk per batch of two rows, each yielded as it is read.
    assert len(chunks) == 1 + (len(lines) - 1 + 1) // 2
    return lines


async def test_csv_holds_the_whole_filtered_list_read_in_batches(storage: Storage) -> None:
    p = await _people(storage)
    lines = await _csv(storage, limit=1, offset=3)  # the page does not limit the export
    header = "id,telegram_id,full_name,username,phone,city,status,source,reachable,created_at"
    assert lines[0] == [*header.split(","), "updated_at", "tags", "vacancy_id", "vacancy"]
    ids = [int(line[0]) for line in lines[1:]]
    assert ids == sorted(p[k] for k in ("ivanov", "smith", "elkin", "nameless", "cityless"))
    ivanov = next(line for line in lines if line[0] == str(p["ivanov"]))
    assert ivanov[2:9] == [
        "ИВАНОВ Пётр",
        "Petya_I",
        "+79991234567",
        ivanov[5],
        "hired",
        "hh",
        "yes",
    ]
    assert ivanov[9] == (NOW - 3 * DAY).isoformat()
    hired_in_kazan = await _csv(storage, frozenset({p["kazan"]}), status="hired")
    assert [int(line[0]) for line in hired_in_kazan[1:]] == [p["ivanov"]]
    assert len(await _csv(storage, frozenset(), q="иван")) == 1  # the header alone


async def test_csv_cells_never_start_a_spreadsheet_formula(storage: Storage) -> None:
    async with storage.uow() as uow:
        await make_candidate(uow, None, full_name="=HYPERLINK(1)", source="-x", phone="+7 900")
        await uow.commit()
    (_, row) = await _csv(storage)
    assert (row[2], row[4], row[7]) == ("'=HYPERLINK(1)", "+7 900", "'-x")


async def _rich_candidate(storage: Storage) -> tuple[int, int, int]:
    """A candidate with a finished test, a booking, history and messages; and a bare one."""
    messaging = Messaging(Catalog.load("en"), FrozenClock(NOW), BookingRules())
    async with storage.uow() as uow:
        city = await make_city(uow)
        recruiter = await make_recruiter(uow, city, name="Rita")
        slot = await make_slot(uow, recruiter, city)
        rich = await make_candidate(uow, city, full_name="Rich", locale="en")
        bare = await make_candidate(uow, city, full_name="Bare")
        test = Test(kind=TestKind.SCREENING, title="Screening", pass_percent=50)
        uow.session.add(test)
        await uow.session.flush()
        choice = TestQuestion(
            test_id=test.id,
            position=1,
            key="status",
            kind=QuestionKind.SINGLE_CHOICE,
            prompt={"ru": "Чем заняты?", "en": "What do you do?"},
            options=[{"value": "work", "label": {"ru": "Работаю", "en": "Working"}}],
        )
        age = TestQuestion(
            test_id=test.id, position=2, key="age", kind=QuestionKind.NUMBER, prompt={"en": "Age?"}
        )
        uow.session.add_all([choice, age])
        await uow.session.flush()
        result = TestResult(
            candidate_id=rich.id,
            test_id=test.id,
            status=TestResultStatus.PASSED,
            score=1,
            max_score=2,
            started_at=NOW - DAY,
            finished_at=NOW - DAY + timedelta(minutes=5),
        )
        uow.session.add(result)
        await uow.session.flush()
        uow.session.add_all(
            [
                TestAnswer(result_id=result.id, question_id=choice.id, answer="work"),
                TestAnswer(result_id=result.id, question_id=age.id, answer="17", is_correct=False),
            ]
        )
        uow.candidates.change_status(rich, CandidateStatus.SCREENING_PASSED, actor="bot")
        await uow.commit()
        assert (await book_slot(uow, messaging, candidate_id=rich.id, slot_id=slot.id)).ok
    async with storage.uow() as uow:
        for i in range(55):
            await queue_message(
                uow,
                messaging.clock,
                chat_id=rich.telegram_id,
                kind="note",
                dedupe_key=f"note:{rich.id}:{i}",
                text=f"<b>Note {i}</b> &amp; more",
                due_at=NOW + timedelta(seconds=i),
            )
        await uow.commit()
    return rich.id, bare.id, city.id


async def test_a_profile_holds_tests_bookings_history_and_messages(storage: Storage) -> None:
    rich_id, _, city_id = await _rich_candidate(storage)
    async with storage.uow() as uow:
        profile = await candidate_profile(uow, rich_id, frozenset({city_id}))
    assert profile is not None
    assert profile.candidate.full_name == "Rich"
    (test,) = profile.tests
    assert (test.title, test.status, test.score, test.max_score) == (
        "Screening",
        TestResultStatus.PASSED,
        1,
        2,
    )
    assert [(a.question, a.answer, a.is_correct) for a in test.answers] == [
        ("What do you do?", "Working", None),
        ("Age?", "17", False),
    ]
    (booking,) = profile.bookings
    assert (booking.recruiter, booking.status, booking.active) == (
        "Rita",
        BookingStatus.PENDING,
        True,
    )
    assert [(s.from_status, s.to_status, s.actor) for s in profile.timeline] == [
        (CandidateStatus.SCREENING_PASSED, CandidateStatus.SCREENING_PASSED, "bot"),
        (CandidateStatus.SCREENING_PASSED, CandidateStatus.INTERVIEW_REQUESTED, "candidate"),
    ]
    assert len(profile.messages) == 50
    # Telegram's markup is dropped and entities read: the text as the candidate saw it.
    notes = [m.text for m in profile.messages if m.kind == "note"]
    assert notes[0] == "Note 54 & more"
    # What the API will answer with.
    shown = CandidateProfileOut.model_validate(profile).model_dump(mode="json")
    assert shown["bookings"][0]["active"] is True
    assert shown["tests"][0]["answers"][0]["answer"] == "Working"
    assert shown["candidate"]["city_id"] == city_id


async def test_a_profile_outside_the_scope_is_none_and_its_queries_are_few(
    storage: Storage,
) -> None:
    rich_id, bare_id, city_id = await _rich_candidate(storage)
    async with storage.uow() as uow:
        assert await candidate_profile(uow, rich_id, frozenset({city_id + 1000})) is None
        assert await candidate_profile(uow, rich_id, frozenset()) is None
        assert await candidate_profile(uow, 10**9, None) is None
    counts = []
    for candidate_id in (rich_id, bare_id):
        async with storage.uow() as uow:
            await uow.session.execute(select(Candidate.id).limit(1))  # connected and begun
            with count_queries(storage.engine) as statements:
                assert await candidate_profile(uow, candidate_id, None) is not None
            counts.append(len(statements))
    # the line, its city (the zone times are shown in) and the city's names per language
    # (loaded with every city), results, answers, bookings, history, messages, the person's
    # other applications: the same few whatever the candidate holds
    assert counts == [9, 9]


async def test_a_profile_shows_the_persons_messages_of_applications_the_reader_may_see(
    storage: Storage,
) -> None:
    """One person, an application in each of two cities: each application's page shows the
    messages sent for it, not those of the person's other application (another city's)."""
    clock = FrozenClock(NOW)
    async with storage.uow() as uow:
        here, there = await make_city(uow), await make_city(uow)
        mine = await make_candidate(uow, here, is_current=False)
        theirs = await make_candidate(uow, there, telegram_id=mine.telegram_id)
        for application, words in ((mine, "about the job here"), (theirs, "about the job there")):
            await queue_message(
                uow,
                clock,
                chat_id=mine.telegram_id,
                kind="staff_reply",
                dedupe_key=f"t:{application.id}",
                text=words,
                candidate_id=application.id,
            )
        await uow.commit()
        seen = await candidate_profile(uow, mine.id, frozenset({here.id}))
        everything = await candidate_profile(uow, mine.id, None)
        thread = await thread_page(uow, mine, limit=10)
    assert seen is not None and [m.text for m in seen.messages] == ["about the job here"]
    assert seen.applications == ()
    assert everything is not None and [m.text for m in everything.messages] == [
        "about the job here"
    ]
    assert [m.text for m in thread.messages] == ["about the job here"] and thread.total == 1
