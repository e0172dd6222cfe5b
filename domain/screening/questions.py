"""The two tests' questions as admins edit them: adding and changing a question (with the rules
that need the other questions: unique keys, branches under a single-choice parent of the same
test, no loops), reordering, switching off, and each test's settings. Each change is audited
and committed; the bot's tests see it at once (writes invalidate the "tests" cache tag).

Positions always follow the tree the panel shows: a question, then the branch questions
under it, then the next one; that is also the order the screening asks them in."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from typing import Any, Literal

from core.enums import QuestionKind, TestKind
from core.errors import InvalidField, NotFound
from core.result import Failure, Result, Success
from domain.refusals import refusal
from domain.vacancies.editing import copy_default_test
from storage.models import Test, TestQuestion
from storage.uow import UnitOfWork

ENTITY = "test_question"
# A test is created the first time it is edited, as `seed-demo` creates it.
TEST_DEFAULTS: dict[TestKind, dict[str, Any]] = {
    TestKind.SCREENING: {"title": "Test 1", "pass_percent": 0},
    TestKind.KNOWLEDGE: {
        "title": "Test 2",
        "pass_percent": 75,
        "default_max_attempts": 3,
        "default_time_limit_seconds": 120,
    },
}
# Attempts and time limits mean something in test 2 only.
SETTINGS: dict[TestKind, tuple[str, ...]] = {
    TestKind.SCREENING: ("title", "pass_percent"),
    TestKind.KNOWLEDGE: (
        "title",
        "pass_percent",
        "default_max_attempts",
        "default_time_limit_seconds",
    ),
}


async def _own(uow: UnitOfWork, kind: TestKind, vacancy_id: int | None) -> Test | None:
    """The default test of `kind` (`vacancy_id` None), or the vacancy's own one (None while it
    has none and its candidates take the default)."""
    test = await uow.tests.get_by_kind(kind, vacancy_id)
    return test if test is not None and test.vacancy_id == vacancy_id else None


async def load_tests(uow: UnitOfWork, vacancy_id: int | None = None) -> dict[TestKind, Test | None]:
    """Both tests (the default ones, or the vacancy's own) with all their questions, switched
    off ones too; None: not created yet."""
    return {kind: await _own(uow, kind, vacancy_id) for kind in TestKind}


async def _test(uow: UnitOfWork, kind: TestKind, vacancy_id: int | None) -> Test:
    """The test to change; a vacancy without its own gets a copy of the default first (the
    change is made to that copy), or a new one when there is no default either."""
    test = await _own(uow, kind, vacancy_id)
    if test is None and vacancy_id is not None:
        test = await copy_default_test(uow, kind, vacancy_id)
    if test is None:
        [test] = await uow.tests.add_many(
            [Test(kind=kind, vacancy_id=vacancy_id, questions=[], **TEST_DEFAULTS[kind])]
        )
    return test


async def find_question(
    uow: UnitOfWork, question_id: int, vacancy_id: int | None = None
) -> tuple[Test, TestQuestion] | None:
    """A question with its test (and the test's other questions); None when absent or not in
    the tests of `vacancy_id` (None: the default tests)."""
    found = await uow.tests.question_with_test(question_id)
    if found is None or found[0].vacancy_id != vacancy_id:
        return None
    return found


def _parent_in(question: TestQuestion, by_id: dict[int, TestQuestion]) -> int | None:
    """The parent as the tree sees it: one outside the test (never written by the editor)
    leaves the question at the top."""
    parent = question.parent_id
    return parent if parent in by_id and parent != question.id else None


def question_tree(questions: Sequence[TestQuestion]) -> list[tuple[TestQuestion, int]]:
    """Each question with its depth, parents before their branch questions, siblings in
    position order. Every question appears once, even in a loop the editor never writes."""
    by_id = {q.id: q for q in questions}
    children: dict[int | None, list[TestQuestion]] = defaultdict(list)
    ordered = sorted(questions, key=lambda q: (q.position, q.id))
    for question in ordered:
        children[_parent_in(question, by_id)].append(question)
    tree: list[tuple[TestQuestion, int]] = []
    placed: set[int] = set()

    def walk(parent: int, depth: int) -> None:
        for child in children.get(parent, []):
            if child.id not in placed:
                placed.add(child.id)
                tree.append((child, depth))
                walk(child.id, depth + 1)

    for question in [*children.get(None, []), *ordered]:
        if question.id not in placed:
            placed.add(question.id)
            tree.append((question, 0))
            walk(question.id, 1)
    return tree


def _renumber(questions: Sequence[TestQuestion]) -> None:
    for position, (question, _) in enumerate(question_tree(questions), start=1):
        question.position = position


def descendants(questions: Sequence[TestQuestion], question_id: int) -> set[int]:
    """The ids of the branch questions under a question, at any depth."""
    found: set[int] = set()
    frontier = {question_id}
    while frontier:
        frontier = {q.id for q in questions if q.parent_id in frontier and q.id not in found}
        found |= frontier
    return found


def possible_parents(
    questions: Sequence[TestQuestion], question: TestQuestion | None
) -> list[TestQuestion]:
    """The questions a question may branch from: single-choice ones, neither itself nor one
    of its own branch questions."""
    excluded = set() if question is None else {question.id, *descendants(questions, question.id)}
    return [
        q
        for q, _ in question_tree(questions)
        if q.kind is QuestionKind.SINGLE_CHOICE and q.id not in excluded
    ]


def _values(options: Sequence[dict[str, Any]]) -> list[str]:
    return [str(o["value"]) for o in options]


def _check(
    fields: dict[str, Any], question: TestQuestion | None, questions: Sequence[TestQuestion]
) -> InvalidField | None:
    """The rules a question keeps with the rest of its test."""
    by_id = {q.id: q for q in questions}
    others = [q for q in questions if q is not question]
    if any(q.key == fields["key"] for q in others):
        return InvalidField("key", "reason.question.key_taken")
    parent_id = fields.get("parent_id")
    if parent_id is not None:
        parent = by_id.get(parent_id)
        if parent is None:
            return InvalidField("parent_id", "reason.question.parent_elsewhere")
        if question is not None and parent_id == question.id:
            return InvalidField("parent_id", "reason.question.own_parent")
        if parent.kind is not QuestionKind.SINGLE_CHOICE:
            return InvalidField("parent_id", "reason.question.parent_not_choice")
        answers = _values(parent.options)
        if fields.get("show_if_answer") not in answers:
            return refusal(
                "show_if_answer", "reason.question.not_a_parent_value", values=", ".join(answers)
            )
        if question is not None and parent_id in descendants(questions, question.id):
            return InvalidField("parent_id", "reason.question.own_ancestor")
    if question is None:
        return None
    branches = [q for q in others if q.parent_id == question.id]
    if branches and fields["kind"] is not QuestionKind.SINGLE_CHOICE:
        return refusal("kind", "reason.question.has_branches", question=branches[0].key)
    kept = set(_values(fields.get("options", [])))
    for branch in branches:
        if branch.show_if_answer not in kept:
            return refusal(
                "options",
                "reason.question.answer_opens",
                answer=branch.show_if_answer,
                question=branch.key,
            )
    return None


def _audit(
    uow: UnitOfWork,
    action: str,
    question: TestQuestion,
    details: dict[str, Any],
    actor: str,
    admin_user_id: int | None,
) -> None:
    uow.audit.record(
        actor=actor,
        admin_user_id=admin_user_id,
        action=action,
        entity=ENTITY,
        entity_id=question.id,
        details={"test_id": question.test_id, "key": question.key, **details},
    )


async def save_question(
    uow: UnitOfWork,
    kind: TestKind,
    fields: dict[str, Any],
    *,
    actor: str,
    admin_user_id: int | None = None,
    question_id: int | None = None,
    vacancy_id: int | None = None,
) -> Result[TestQuestion, InvalidField | NotFound]:
    """Add a question at the end of its branch (or of the test), or change one, given
    `QuestionIn.to_fields()`. The test is created when it does not exist yet. Commits."""
    test = await _test(uow, kind, vacancy_id)
    question = None
    if question_id is not None:
        question = next((q for q in test.questions if q.id == question_id), None)
        if question is None:
            if await uow.tests.get_question(question_id) is None:
                return Failure(NotFound(f"question {question_id}"))
            return Failure(InvalidField("test", "reason.question.other_test"))
    refusal = _check(fields, question, test.questions)
    if refusal is not None:
        return Failure(refusal)
    if question is None:
        last = max((q.position for q in test.questions), default=0)
        # Written at once: the tree it is renumbered in knows questions by id.
        question = await uow.tests.add_question(test, TestQuestion(position=last + 1, **fields))
        action = "create"
    else:
        for name, value in fields.items():
            setattr(question, name, value)
        action = "update"
    _renumber(test.questions)
    _audit(uow, action, question, fields, actor, admin_user_id)
    await uow.commit()
    return Success(question)


async def move_question(
    uow: UnitOfWork,
    question_id: int,
    direction: Literal["up", "down"],
    *,
    actor: str,
    admin_user_id: int | None = None,
    vacancy_id: int | None = None,
) -> Result[TestQuestion, NotFound]:
    """Swap a question (with its branch questions) with the sibling before or after it.
    At either end nothing changes. Commits."""
    found = await find_question(uow, question_id, vacancy_id)
    if found is None:
        return Failure(NotFound(f"question {question_id}"))
    test, question = found
    by_id = {q.id: q for q in test.questions}
    parent = _parent_in(question, by_id)
    siblings = [q for q, _ in question_tree(test.questions) if _parent_in(q, by_id) == parent]
    index = siblings.index(question)
    other = index - 1 if direction == "up" else index + 1
    if not 0 <= other < len(siblings):
        return Success(question)
    _renumber(test.questions)  # positions as shown, before swapping two of them
    neighbour = siblings[other]
    question.position, neighbour.position = neighbour.position, question.position
    _renumber(test.questions)
    _audit(
        uow, f"move_{direction}", question, {"position": question.position}, actor, admin_user_id
    )
    await uow.commit()
    return Success(question)


async def set_question_active(
    uow: UnitOfWork,
    question_id: int,
    active: bool,
    *,
    actor: str,
    admin_user_id: int | None = None,
    vacancy_id: int | None = None,
) -> Result[TestQuestion, NotFound]:
    """Switch a question off (the bot stops asking it, and its branch questions, whose parent
    is no longer answered) or on again; answers given to it stay. Commits."""
    found = await find_question(uow, question_id, vacancy_id)
    if found is None:
        return Failure(NotFound(f"question {question_id}"))
    _, question = found
    if question.active != active:
        question.active = active
        _audit(uow, "activate" if active else "deactivate", question, {}, actor, admin_user_id)
        await uow.commit()
    return Success(question)


async def save_test_settings(
    uow: UnitOfWork,
    kind: TestKind,
    fields: dict[str, Any],
    *,
    actor: str,
    admin_user_id: int | None = None,
    vacancy_id: int | None = None,
) -> Test:
    """A test's title, pass percentage and (test 2) default attempts and time limit, given
    `SettingsIn.model_dump()`; other fields are ignored. Commits."""
    test = await _test(uow, kind, vacancy_id)
    changed = {name: fields[name] for name in SETTINGS[kind] if name in fields}
    for name, value in changed.items():
        setattr(test, name, value)
    uow.audit.record(
        actor=actor,
        admin_user_id=admin_user_id,
        action="update",
        entity="test",
        entity_id=test.id,
        details={"kind": kind.value, **changed},
    )
    await uow.commit()
    return test
