"""Test questions as admins edit them: the options' one-line format, the form's rules, and the
rules a question keeps with the rest of its test (keys, branches, order)."""

from __future__ import annotations

from typing import Any

import pytest
from pydantic import ValidationError

from admin.schemas.questions import QuestionIn, options_text, parse_options
from core.enums import QuestionKind, TestKind
from core.errors import InvalidField, NotFound
from core.result import Failure, Success
from domain.demo import knowledge_questions, screening_questions
from domain.messaging.texts import Catalog
from domain.screening.questions import (
    TEST_DEFAULTS,
    move_question,
    question_tree,
    save_question,
    set_question_active,
)
from storage.models import AuditLogEntry, TestQuestion
from tests.conftest import Storage

ENGLISH = Catalog.load("en")


def test_options_are_read_from_one_line_each() -> None:
    options = parse_options(
        "yes | Да | Yes | score=2\n\n no|Нет|No|knockout \n"
        "maybe | Может | Maybe | score=0.5, correct"
    )
    assert options == [
        {"value": "yes", "label": {"ru": "Да", "en": "Yes"}, "score": 2},
        {"value": "no", "label": {"ru": "Нет", "en": "No"}, "knockout": True},
        {
            "value": "maybe",
            "label": {"ru": "Может", "en": "Maybe"},
            "score": 0.5,
            "correct": True,
        },
    ]
    assert parse_options(None) == parse_options("  \n") == []


def test_the_demo_tests_options_survive_the_round_trip() -> None:
    for question in [*screening_questions(), *knowledge_questions()]:
        options = question.options or []
        assert parse_options(options_text(options)) == options, question.key


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("yes | Да", "line 1: write value | label ru | label en | flags"),
        ("a | А | A\nb c | Б | B", "line 2: the value “b c” must be"),
        ("a:b | А | A", "must be 1 to 32 latin letters"),
        ("a |  | A", "both labels"),
        ("a | А | A | gold", "unknown flag “gold”"),
        ("a | А | A | score=x", "score=N needs a number"),
        ("a | А | A | score=-1", "between 0 and 1000"),
        ("a | А | A\na | Б | B", "the value “a” is used twice"),
        ("\n".join(f"v{i} | {i} | {i}" for i in range(21)), "at most 20 options"),
    ],
)
def test_malformed_options_are_refused(text: str, reason: str) -> None:
    with pytest.raises(ValueError, match=reason):
        parse_options(text)


def _errors(**fields: Any) -> dict[str, str]:
    values = {
        "test": "screening",
        "key": "q",
        "kind": "text",
        "prompt_ru": "Вопрос?",
        "prompt_en": "Question?",
        **fields,
    }
    try:
        QuestionIn.model_validate(values)
    except ValidationError as exc:
        return {str(e["loc"][0]): str(e["msg"]) for e in exc.errors()}
    return {}


def test_the_form_rules_depend_on_the_test_and_the_kind() -> None:
    assert _errors() == {}
    assert "at least two options" in _errors(kind="single_choice", options="a | А | A")["options"]
    assert "only a single-choice" in _errors(options="a | А | A\nb | Б | B")["options"]
    assert "below the minimum" in _errors(kind="number", min_value=5, max_value=1)["max_value"]
    assert _errors(kind="number", min_value=5, max_value=5) == {}
    assert "only a number" in _errors(max_value=1)["max_value"]
    assert "only test 2" in _errors(time_limit_seconds=60)["time_limit_seconds"]
    assert "opens this question" in _errors(parent_id=1)["show_if_answer"]
    knowledge = {"test": "knowledge", "kind": "single_choice"}
    assert "right answer" in _errors(**knowledge, options="a | А | A\nb | Б | B")["options"]
    good = {**knowledge, "options": "a | А | A | correct\nb | Б | B"}
    assert _errors(**good, max_attempts=3, time_limit_seconds=60) == {}
    assert "no branches" in _errors(**good, parent_id=1, show_if_answer="a")["parent_id"]
    assert "single-choice questions only" in _errors(test="knowledge", kind="phone")["kind"]


def _fields(key: str, kind: QuestionKind = QuestionKind.TEXT, **extra: Any) -> dict[str, Any]:
    """A question's columns, as the form gives them to the service."""
    text = QuestionIn(
        test=TestKind.SCREENING, key=key, kind=QuestionKind.TEXT, prompt_ru=key, prompt_en=key
    )
    return {**text.to_fields(), "kind": kind, **extra}


CHOICE = [
    {"value": "a", "label": {"ru": "А", "en": "A"}},
    {"value": "b", "label": {"ru": "Б", "en": "B"}},
]


async def _save(
    storage: Storage, fields: dict[str, Any], *, kind: TestKind = TestKind.SCREENING, **kw: Any
) -> Any:
    async with storage.uow() as uow:
        return await save_question(uow, kind, fields, actor="tester", admin_user_id=None, **kw)


async def _saved(storage: Storage, fields: dict[str, Any], **kw: Any) -> TestQuestion:
    result = await _save(storage, fields, **kw)
    assert isinstance(result, Success), result
    question: TestQuestion = result.value
    return question


async def _order(storage: Storage, kind: TestKind = TestKind.SCREENING) -> list[str]:
    async with storage.uow() as uow:
        test = await uow.tests.get_by_kind(kind)
    assert test is not None
    return [q.key for q in sorted(test.questions, key=lambda q: q.position)]


def _refusal(result: Any) -> tuple[str, str]:
    assert isinstance(result, Failure), result
    assert isinstance(result.error, InvalidField)
    # The reason is a catalog key: what an English reader is told.
    return result.error.field, ENGLISH.text(result.error.reason, "en", **result.error.values)


async def test_a_missing_test_is_created_as_the_demo_creates_it(sqlite_storage: Storage) -> None:
    await _saved(
        sqlite_storage,
        _fields("crm", QuestionKind.SINGLE_CHOICE, options=CHOICE),
        kind=TestKind.KNOWLEDGE,
    )
    async with sqlite_storage.uow() as uow:
        test = await uow.tests.get_dto_by_kind(TestKind.KNOWLEDGE)
        assert await uow.tests.get_by_kind(TestKind.SCREENING) is None
        entries = await uow.audit.list(AuditLogEntry.entity == "test_question")
    assert test is not None
    defaults = TEST_DEFAULTS[TestKind.KNOWLEDGE]
    assert (test.title, test.pass_percent, test.default_max_attempts) == (
        defaults["title"],
        defaults["pass_percent"],
        defaults["default_max_attempts"],
    )
    assert [q.key for q in test.questions] == ["crm"]
    assert [(e.action, e.details["key"]) for e in entries] == [("create", "crm")]


async def test_keys_are_unique_within_a_test_only(sqlite_storage: Storage) -> None:
    await _saved(sqlite_storage, _fields("name"))
    assert _refusal(await _save(sqlite_storage, _fields("name"))) == (
        "key",
        "another question of this test has this key",
    )
    other = _fields("name", QuestionKind.SINGLE_CHOICE, options=CHOICE)
    await _saved(sqlite_storage, other, kind=TestKind.KNOWLEDGE)


async def test_branches_hang_from_a_choice_question_of_the_same_test(
    sqlite_storage: Storage,
) -> None:
    text = await _saved(sqlite_storage, _fields("text"))
    choice = await _saved(
        sqlite_storage, _fields("choice", QuestionKind.SINGLE_CHOICE, options=CHOICE)
    )
    elsewhere = await _saved(
        sqlite_storage,
        _fields("elsewhere", QuestionKind.SINGLE_CHOICE, options=CHOICE),
        kind=TestKind.KNOWLEDGE,
    )
    refusals = [
        (_fields("x", parent_id=text.id, show_if_answer="a"), "parent_id", "single-choice"),
        (_fields("x", parent_id=elsewhere.id, show_if_answer="a"), "parent_id", "same test"),
        (_fields("x", parent_id=9999, show_if_answer="a"), "parent_id", "same test"),
        (_fields("x", parent_id=choice.id, show_if_answer="c"), "show_if_answer", "a, b"),
    ]
    for fields, field, reason in refusals:
        got_field, got_reason = _refusal(await _save(sqlite_storage, fields))
        assert (got_field, reason in got_reason) == (field, True), got_reason
    await _saved(sqlite_storage, _fields("x", parent_id=choice.id, show_if_answer="b"))
    assert await _order(sqlite_storage) == ["text", "choice", "x"]


async def test_positions_follow_the_tree(sqlite_storage: Storage) -> None:
    first = await _saved(
        sqlite_storage, _fields("first", QuestionKind.SINGLE_CHOICE, options=CHOICE)
    )
    await _saved(sqlite_storage, _fields("second"))
    await _saved(sqlite_storage, _fields("branch", parent_id=first.id, show_if_answer="a"))
    await _saved(sqlite_storage, _fields("deeper", parent_id=first.id, show_if_answer="b"))
    assert await _order(sqlite_storage) == ["first", "branch", "deeper", "second"]
    async with sqlite_storage.uow() as uow:  # the first question moves down with its branches
        moved = await move_question(uow, first.id, "down", actor="tester")
    assert isinstance(moved, Success)
    assert await _order(sqlite_storage) == ["second", "first", "branch", "deeper"]
    async with sqlite_storage.uow() as uow:
        test = await uow.tests.get_by_kind(TestKind.SCREENING)
        assert test is not None
        deeper_id = next(q.id for q in test.questions if q.key == "deeper")
        up = await move_question(uow, deeper_id, "up", actor="tester")  # among its siblings
    assert isinstance(up, Success)
    assert await _order(sqlite_storage) == ["second", "first", "deeper", "branch"]
    async with sqlite_storage.uow() as uow:
        missing = await move_question(uow, 9999, "up", actor="tester")
    assert isinstance(missing, Failure)
    assert isinstance(missing.error, NotFound)


async def test_no_loops_and_parents_keep_what_their_branches_need(
    sqlite_storage: Storage,
) -> None:
    top = await _saved(sqlite_storage, _fields("top", QuestionKind.SINGLE_CHOICE, options=CHOICE))
    mid = await _saved(
        sqlite_storage,
        _fields(
            "mid", QuestionKind.SINGLE_CHOICE, options=CHOICE, parent_id=top.id, show_if_answer="a"
        ),
    )
    loop = _fields(
        "top", QuestionKind.SINGLE_CHOICE, options=CHOICE, parent_id=mid.id, show_if_answer="a"
    )
    assert _refusal(await _save(sqlite_storage, loop, question_id=top.id)) == (
        "parent_id",
        "a question cannot be its own ancestor",
    )
    self_parent = {**loop, "parent_id": top.id}
    assert _refusal(await _save(sqlite_storage, self_parent, question_id=top.id))[1] == (
        "a question cannot be its own parent"
    )
    narrowed = _fields(
        "top", QuestionKind.SINGLE_CHOICE, options=[CHOICE[1], {"value": "c", "label": "C"}]
    )
    field, reason = _refusal(await _save(sqlite_storage, narrowed, question_id=top.id))
    assert (field, "opens the question mid" in reason) == ("options", True)
    assert _refusal(await _save(sqlite_storage, _fields("top"), question_id=top.id))[0] == "kind"
    other_test = _fields("top", QuestionKind.SINGLE_CHOICE, options=CHOICE)
    result = await _save(sqlite_storage, other_test, kind=TestKind.KNOWLEDGE, question_id=top.id)
    assert _refusal(result)[0] == "test"
    missing = await _save(sqlite_storage, _fields("gone"), question_id=9999)
    assert isinstance(missing, Failure)
    assert isinstance(missing.error, NotFound)


async def test_switching_off_keeps_the_question_and_is_audited(sqlite_storage: Storage) -> None:
    question = await _saved(sqlite_storage, _fields("q"))
    for active in (False, False, True):
        async with sqlite_storage.uow() as uow:
            result = await set_question_active(
                uow, question.id, active, actor="tester", admin_user_id=None
            )
        assert isinstance(result, Success)
    async with sqlite_storage.uow() as uow:
        dto = await uow.tests.get_dto_by_kind(TestKind.SCREENING)
        entries = await uow.audit.list(AuditLogEntry.entity == "test_question")
    assert dto is not None
    assert [q.key for q in dto.questions] == ["q"]
    assert [e.action for e in entries] == ["create", "deactivate", "activate"]  # no repeat


def test_the_tree_lists_every_question_once_even_in_a_loop() -> None:
    def q(id_: int, position: int, parent: int | None = None) -> TestQuestion:
        return TestQuestion(id=id_, position=position, key=f"q{id_}", parent_id=parent)

    questions = [q(1, 3), q(2, 1, parent=1), q(3, 2), q(4, 4, parent=5), q(5, 5, parent=4)]
    tree = [(question.id, depth) for question, depth in question_tree(questions)]
    assert tree[:3] == [(3, 0), (1, 0), (2, 1)]
    assert sorted(i for i, _ in tree) == [1, 2, 3, 4, 5]
