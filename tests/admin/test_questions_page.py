"""The panel's Questions page: both tests' questions as a tree, added, changed, reordered and
switched off, each test's settings; and the bot's screening and knowledge tests asking what the
page wrote."""

from __future__ import annotations

import html
import re
from typing import Any

from sqlalchemy import func, select

from core.clock import FrozenClock
from core.enums import CandidateStatus, TestKind
from domain.messaging.texts import Catalog
from domain.screening import first_test as screening
from domain.screening import knowledge_test
from storage.models import AuditLogEntry, Candidate, TestQuestion
from tests.admin.conftest import Panel
from tests.support.factories import NOW, make_candidate

CLOCK = FrozenClock(NOW)
CATALOG = Catalog.load("ru")
YES_NO = "yes | Да | Yes | score=1\nno | Нет | No | knockout"


def question(
    key: str, kind: str = "text", test: str = "screening", **fields: Any
) -> dict[str, Any]:
    return {
        "test": test,
        "key": key,
        "kind": kind,
        "prompt_ru": f"Вопрос {key}?",
        "prompt_en": f"Question {key}?",
        "active": "1",
        **fields,
    }


async def add(panel: Panel, key: str, kind: str = "text", **fields: Any) -> int:
    response = await panel.post("/questions", question(key, kind, **fields), allow_redirects=False)
    assert response.status == 303, await response.text()
    return await question_id(panel, key)


async def question_id(panel: Panel, key: str) -> int:
    async with panel.storage.uow() as uow:
        found = (
            await uow.session.scalars(select(TestQuestion).where(TestQuestion.key == key))
        ).one()
    return found.id


async def candidate(panel: Panel) -> Candidate:
    async with panel.storage.uow() as uow:
        made = await make_candidate(uow, status=CandidateStatus.NEW, locale="en")
        await uow.commit()
    return made


async def asked(panel: Panel, who: Candidate, *answers: str) -> Any:
    """What the screening asks `who` next after these further answers (or how it ended)."""
    async with panel.storage.uow() as uow:
        person = await uow.candidates.get(who.id)
        assert person is not None
        step: Any = await screening.current_step(uow, person, CLOCK, CATALOG)
        for answer in answers:
            assert isinstance(step, screening.QuestionStep), step
            step = await screening.submit_answer(
                uow, person, step.question.id, answer, CLOCK, CATALOG
            )
        return step


def field_error(page: str, field: str) -> str:
    match = re.search(rf'<div class="error" id="{field}-error">([^<]*)</div>', page)
    assert match, page
    return html.unescape(match.group(1))


async def test_both_tests_are_listed_before_either_exists(panel: Panel) -> None:
    await panel.login()
    response = await panel.client.get("/questions")
    assert response.status == 200
    page = await response.text()
    assert "Test 1 · screening" in page
    assert "Test 2 · knowledge" in page
    assert page.count("Not set up yet") == 2
    assert 'href="/questions/new?test=knowledge"' in page


async def test_questions_added_here_are_what_the_bot_asks(panel: Panel) -> None:
    await panel.login()
    await add(panel, "full_name")
    await add(panel, "ready", "single_choice", options=YES_NO)
    ann = await candidate(panel)
    first = await asked(panel, ann)
    assert isinstance(first, screening.QuestionStep)
    assert (first.question.key, first.number, first.total) == ("full_name", 1, 2)
    assert first.question.prompt == {"ru": "Вопрос full_name?", "en": "Question full_name?"}
    second = await asked(panel, ann, "Ann Smith")
    assert second.question.key == "ready"
    assert [o["value"] for o in second.question.options] == ["yes", "no"]
    ended = await asked(panel, ann, "No")  # a label, typed instead of pressed
    assert isinstance(ended, screening.ScreeningFinished)
    assert ended.knocked_out

    page = await (await panel.client.get("/questions")).text()
    row = page.split(f'id="question-{await question_id(panel, "ready")}"')[1].split("</tr>")[0]
    assert "yes: Yes (score 1)" in row
    assert "no: No (✖ knock-out)" in row
    assert "<td>No</td>" in row  # the knock-out column
    async with panel.storage.uow() as uow:
        entries = (
            await uow.session.scalars(
                select(AuditLogEntry).where(AuditLogEntry.entity == "test_question")
            )
        ).all()
    assert [(e.action, e.details["key"]) for e in entries] == [
        ("create", "full_name"),
        ("create", "ready"),
    ]


async def test_an_edit_changes_what_the_bot_asks(panel: Panel) -> None:
    await panel.login()
    ready = await add(panel, "ready", "single_choice", options=YES_NO)
    ann = await candidate(panel)
    assert (await asked(panel, ann)).question.prompt["en"] == "Question ready?"

    form = await (await panel.client.get(f"/questions/{ready}")).text()
    assert "yes | Да | Yes | score=1\nno | Нет | No | knockout</textarea>" in form
    changed = question(
        "ready",
        "single_choice",
        prompt_en="Can you work 5 days a week?",
        options="yes | Да | Yes\nno | Нет | No\nmaybe | Может быть | Maybe",
    )
    response = await panel.post(f"/questions/{ready}", changed, allow_redirects=False)
    assert response.status == 303
    step = await asked(panel, ann)
    assert step.question.prompt["en"] == "Can you work 5 days a week?"
    assert [o["value"] for o in step.question.options] == ["yes", "no", "maybe"]
    assert not any(o.get("knockout") for o in step.question.options)


async def test_moving_a_question_changes_the_order_the_bot_asks_in(panel: Panel) -> None:
    await panel.login()
    for key in ("a", "b", "c"):
        await add(panel, key)
    c = await question_id(panel, "c")
    for _ in range(3):  # the third move finds it at the top already
        response = await panel.post(f"/questions/{c}/move", {"direction": "up"})
        assert response.status == 200
    async with panel.storage.uow() as uow:
        test = await uow.tests.get_dto_by_kind(TestKind.SCREENING)
    assert test is not None
    assert [(q.key, q.position) for q in test.questions] == [("c", 1), ("a", 2), ("b", 3)]
    assert (await asked(panel, await candidate(panel))).question.key == "c"
    await panel.post(f"/questions/{c}/move", {"direction": "down"})
    assert (await asked(panel, await candidate(panel))).question.key == "a"
    bad = await panel.post(f"/questions/{c}/move", {"direction": "sideways"})
    assert bad.status == 400


async def test_a_switched_off_question_is_no_longer_asked(panel: Panel) -> None:
    await panel.login()
    a = await add(panel, "a")
    await add(panel, "b")
    response = await panel.post(f"/questions/{a}/deactivate", {})
    assert response.status == 200
    assert "The question a is off" in await response.text()
    step = await asked(panel, await candidate(panel))
    assert (step.question.key, step.total) == ("b", 1)
    page = await (await panel.client.get("/questions")).text()
    assert f'action="/questions/{a}/activate"' in page
    await panel.post(f"/questions/{a}/activate", {})
    assert (await asked(panel, await candidate(panel))).question.key == "a"
    async with panel.storage.uow() as uow:
        actions = [e.action for e in await uow.audit.list(AuditLogEntry.entity == "test_question")]
    assert actions == ["create", "create", "deactivate", "activate"]


async def test_a_branch_is_shown_under_its_parent_and_asked_after_its_answer(
    panel: Panel,
) -> None:
    await panel.login()
    status = await add(
        panel,
        "status",
        "single_choice",
        options="studying | Учусь | Studying\nworking | Работаю | Working",
    )
    await add(panel, "salary", "number", min_value="0", max_value="1000000")
    form = await (await panel.client.get("/questions/new?test=screening")).text()
    assert f'<option value="{status}">status: Question status?</option>' in form
    await add(panel, "study_form", parent_id=str(status), show_if_answer="studying")

    page = await (await panel.client.get("/questions")).text()
    table = page.split('id="questions-screening"')[1].split("</table>")[0]
    keys = re.findall(r"<code>(\w+)</code>", table)
    assert keys == ["status", "study_form", "salary"]  # the branch right under its parent
    branch = table.split(f'id="question-{await question_id(panel, "study_form")}"')[1]
    assert "↳" in branch.split("</tr>")[0]
    assert "if status = studying" in branch.split("</tr>")[0]

    worker = await candidate(panel)
    assert (await asked(panel, worker, "working")).question.key == "salary"
    student = await candidate(panel)
    step = await asked(panel, student, "studying")
    assert (step.question.key, step.number, step.total) == ("study_form", 2, 3)


async def test_refused_questions_say_why_next_to_the_field(panel: Panel) -> None:
    await panel.login()
    await add(panel, "name")
    await add(panel, "ready", "single_choice", options=YES_NO)
    name = await question_id(panel, "name")
    cases: list[tuple[dict[str, Any], str, str]] = [
        (question("one", "single_choice", options="yes | Да | Yes"), "options", "at least two"),
        (
            question("dup", "single_choice", options="a | А | A\na | Б | B"),
            "options",
            "the value “a” is used twice",
        ),
        (question("bad", "single_choice", options="a | А\nb | Б | B"), "options", "line 1"),
        (
            question("flag", "single_choice", options="a | А | A | best\nb | Б | B"),
            "options",
            "unknown flag “best”",
        ),
        (
            question("all", "single_choice", options="a | А | A | knockout\nb | Б | B | knockout"),
            "options",
            "at least one answer must not be a knock-out",
        ),
        (question("txt", options=YES_NO), "options", "only a single-choice question"),
        (
            question("age", "number", min_value="60", max_value="18"),
            "max_value",
            "must not be below",
        ),
        (question("txt", min_value="1"), "min_value", "only a number question has bounds"),
        (question("name"), "key", "another question of this test has this key"),
        (question("Bad Key"), "key", "pattern"),
        (question("tries", max_attempts="2"), "max_attempts", "only test 2"),
        (
            question("branch", parent_id=str(name), show_if_answer="x"),
            "parent_id",
            "must be a single-choice question",
        ),
        (
            question(
                "branch", parent_id=str(await question_id(panel, "ready")), show_if_answer="maybe"
            ),
            "show_if_answer",
            "must be one of the parent's values: yes, no",
        ),
        (
            question("branch", parent_id=str(await question_id(panel, "ready"))),
            "show_if_answer",
            "the parent's answer",
        ),
        (
            question("orphan", show_if_answer="yes"),
            "show_if_answer",
            "only a question with a parent",
        ),
        (
            question("k1", "single_choice", test="knowledge", options=YES_NO),
            "options",
            "mark the right answer",
        ),
        (
            question(
                "k2",
                "single_choice",
                test="knowledge",
                options="a | А | A | correct knockout\nb | Б | B",
            ),
            "options",
            "knock-out answers end test 1 only",
        ),
        (question("k3", "text", test="knowledge"), "kind", "single-choice questions only"),
        (
            question(
                "k4",
                "single_choice",
                test="knowledge",
                options="a | А | A | correct\nb | Б | B",
                parent_id=str(name),
                show_if_answer="a",
            ),
            "parent_id",
            "test 2 asks every question",
        ),
        (
            question("y", "single_choice", options="a | А | A | correct\nb | Б | B"),
            "options",
            "test 1 has no correct answers",
        ),
    ]
    for fields, field, reason in cases:
        response = await panel.post("/questions", fields)
        assert response.status == 422, (fields, field)
        assert reason in field_error(await response.text(), field), (fields, field)
    async with panel.storage.uow() as uow:
        assert await uow.session.scalar(select(func.count(TestQuestion.id))) == 2  # none saved


async def test_a_question_cannot_become_its_own_ancestor(panel: Panel) -> None:
    await panel.login()
    ab, cd = "a | А | A\nb | Б | B", "c | В | C\nd | Г | D"
    top = await add(panel, "top", "single_choice", options=ab)
    mid = await add(
        panel, "mid", "single_choice", options=cd, parent_id=str(top), show_if_answer="a"
    )
    await add(panel, "low", parent_id=str(mid), show_if_answer="c")
    form = await (await panel.client.get(f"/questions/{top}")).text()
    assert f'<option value="{mid}"' not in form  # its own branches are not offered
    as_top = {"kind": "single_choice", "options": ab}
    as_mid = {"kind": "single_choice", "options": cd, "parent_id": str(top), "show_if_answer": "a"}
    refusals = [
        (
            top,
            "top",
            {**as_top, "parent_id": str(mid), "show_if_answer": "c"},
            "parent_id",
            "a question cannot be its own ancestor",
        ),
        (
            top,
            "top",
            {**as_top, "parent_id": str(top), "show_if_answer": "a"},
            "parent_id",
            "a question cannot be its own parent",
        ),
        # a parent keeps the answer its branch waits for, and stays single-choice
        (
            mid,
            "mid",
            {**as_mid, "options": "d | Г | D\ne | Д | E"},
            "options",
            "the answer “c” opens the question low: keep it",
        ),
        (
            mid,
            "mid",
            {**as_mid, "kind": "text", "options": ""},
            "kind",
            "low branches from this question: it stays single-choice",
        ),
    ]
    for question_id, key, fields, field, reason in refusals:
        response = await panel.post(f"/questions/{question_id}", question(key, **fields))
        assert response.status == 422
        assert field_error(await response.text(), field) == reason


async def test_each_tests_settings_are_saved_and_used(panel: Panel) -> None:
    await panel.login()
    refused = await panel.post(
        "/questions/tests/knowledge",
        {"title": "Test 2", "pass_percent": "150", "default_max_attempts": "2"},
    )
    assert refused.status == 422
    page = await refused.text()
    assert "less than or equal to 100" in field_error(page, "knowledge-pass_percent")
    assert 'id="screening-pass_percent-error"' not in page
    saved = await panel.post(
        "/questions/tests/knowledge",
        {
            "title": "Product test",
            "pass_percent": "80",
            "default_max_attempts": "2",
            "default_time_limit_seconds": "90",
        },
        allow_redirects=False,
    )
    assert saved.status == 303
    await add(
        panel,
        "crm",
        "single_choice",
        test="knowledge",
        options="crm | В CRM | In the CRM | correct\nnone | Нигде | Nowhere",
    )
    slow = await add(
        panel,
        "slow",
        "single_choice",
        test="knowledge",
        options="a | А | A\nb | Б | B | correct",
        max_attempts="1",
        time_limit_seconds="300",
    )
    async with panel.storage.uow() as uow:
        test = await uow.tests.get_dto_by_kind(TestKind.KNOWLEDGE)
        person = await make_candidate(uow, status=CandidateStatus.INTERVIEWED_PASSED)
        await uow.commit()
        step, _ = await knowledge_test.current_step(uow, person, CLOCK)
        assert isinstance(step, knowledge_test.Test2Question)
        assert (step.question.key, step.attempts, step.seconds, step.total) == ("crm", 2, 90, 2)
        wrong = await knowledge_test.submit_answer(uow, person, step.question.id, "none", CLOCK)
        assert isinstance(wrong, knowledge_test.Test2Wrong)
        following = await knowledge_test.submit_answer(uow, person, step.question.id, "crm", CLOCK)
        assert isinstance(following, knowledge_test.Test2Question)
        assert (following.question.id, following.attempts, following.seconds) == (slow, 1, 300)
    assert test is not None
    assert (test.title, test.pass_percent, test.default_max_attempts) == ("Product test", 80, 2)
    screening_settings = await panel.post(
        "/questions/tests/screening",
        {"title": "Screening", "pass_percent": "50", "default_max_attempts": "9"},
        allow_redirects=False,
    )
    assert screening_settings.status == 303
    async with panel.storage.uow() as uow:
        first = await uow.tests.get_dto_by_kind(TestKind.SCREENING)
    assert first is not None
    assert (first.pass_percent, first.default_max_attempts) == (50, 1)  # attempts: test 2 only


async def test_html_in_prompts_and_labels_is_escaped(panel: Panel) -> None:
    await panel.login()
    await add(
        panel,
        "xss",
        "single_choice",
        prompt_en="<script>alert(1)</script>",
        options="a | <b>А</b> | <img src=x onerror=alert(2)>\nb | Б | B",
    )
    page = await (await panel.client.get("/questions")).text()
    assert "<script>alert(1)" not in page
    assert "<img" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    form = await (await panel.client.get(f"/questions/{await question_id(panel, 'xss')}")).text()
    assert "<img" not in form
    assert "&lt;img src=x onerror=alert(2)&gt;" in form


async def test_a_recruiter_account_gets_403(panel: Panel) -> None:
    await panel.login()
    a = await add(panel, "a")
    await panel.client.post("/logout", data={"csrf": await panel.csrf("/questions")})
    await panel.login("rec")
    assert (await panel.client.get("/questions")).status == 403
    assert (await panel.client.get(f"/questions/{a}")).status == 403
    assert (await panel.client.get("/questions/new?test=screening")).status == 403
    assert (await panel.post("/questions", question("b"))).status == 403
    assert (await panel.post(f"/questions/{a}", question("a2"))).status == 403
    assert (await panel.post(f"/questions/{a}/move", {"direction": "down"})).status == 403
    assert (await panel.post(f"/questions/{a}/deactivate", {})).status == 403
    settings = {"title": "T", "pass_percent": "1"}
    assert (await panel.post("/questions/tests/screening", settings)).status == 403
    step = await asked(panel, await candidate(panel))
    assert (step.question.key, step.total) == ("a", 1)


async def test_posts_without_the_forms_token_get_403(panel: Panel) -> None:
    await panel.login()
    a = await add(panel, "a")
    client = panel.client
    assert (await client.post("/questions", data=question("b"))).status == 403
    assert (await client.post(f"/questions/{a}", data=question("a", prompt_en="X"))).status == 403
    assert (await client.post(f"/questions/{a}/deactivate", data={})).status == 403
    assert (
        await client.post("/questions/tests/screening", data={"title": "T", "pass_percent": "1"})
    ).status == 403
    step = await asked(panel, await candidate(panel))
    assert (step.question.key, step.question.prompt["en"], step.total) == ("a", "Question a?", 1)


async def test_unknown_questions_and_tests_are_not_found(panel: Panel) -> None:
    await panel.login()
    assert (await panel.client.get("/questions/99999")).status == 404
    assert (await panel.client.get("/questions/new?test=nope")).status == 404
    assert (await panel.post("/questions/99999/move", {"direction": "up"})).status == 404
    assert (
        await panel.post("/questions/tests/nope", {"title": "T", "pass_percent": "1"})
    ).status == 404


async def test_a_number_question_asks_for_whole_numbers_unless_told_otherwise(
    panel: Panel,
) -> None:
    await panel.login()
    form = await (await panel.client.get("/questions/new?test=screening")).text()
    assert re.search(r'name="whole_number"[^>]*checked', form), "whole numbers by default"
    age = await add(panel, "age", "number", min_value="18", max_value="60", whole_number="1")
    rate = await add(panel, "rate", "number", min_value="0")  # the box left unticked
    async with panel.storage.uow() as uow:
        stored = {
            q.key: q.whole_number
            for q in await uow.session.scalars(
                select(TestQuestion).where(TestQuestion.id.in_([age, rate]))
            )
        }
    assert stored == {"age": True, "rate": False}
    edit = await (await panel.client.get(f"/questions/{age}")).text()
    assert re.search(r'name="whole_number"[^>]*checked', edit)

    refused = await panel.post(
        "/questions", question("half", "number", min_value="0.5", whole_number="1")
    )
    assert refused.status == 422
    assert "whole" in field_error(await refused.text(), "whole_number")

    who = await candidate(panel)
    step = await asked(panel, who)
    assert step.question.key == "age"
    async with panel.storage.uow() as uow:
        person = await uow.candidates.get(who.id)
        assert person is not None
        again = await screening.submit_answer(uow, person, age, "25.5", CLOCK, CATALOG)
    assert isinstance(again, screening.InvalidAnswer)
    assert (again.reason_key, again.step.question.key) == ("screening.invalid.whole", "age")
