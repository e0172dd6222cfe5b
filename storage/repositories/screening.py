"""Tests (screening and knowledge), their questions and the candidates' results."""

from __future__ import annotations

from typing import TYPE_CHECKING

from sqlalchemy import bindparam, or_, select
from sqlalchemy.orm import selectinload

from core.enums import TestKind
from storage.cache.decorators import cached
from storage.dto import QuestionDTO, TestDTO
from storage.models import Test, TestQuestion, TestResult
from storage.repositories.base import Repository

if TYPE_CHECKING:
    from storage.uow import UnitOfWork


class TestRepository(Repository[Test]):
    __test__ = False
    model = Test
    cache_tag = "tests"

    async def get_by_kind(self, kind: TestKind, vacancy_id: int | None = None) -> Test | None:
        """The vacancy's own test of this kind, else the default one (`vacancy_id` None: the
        default)."""
        stmt = (
            select(Test)
            .where(Test.kind == kind, or_(Test.vacancy_id.is_(None), Test.vacancy_id == vacancy_id))
            .options(selectinload(Test.questions))
            # Its own first: NULLs sort last on PostgreSQL and first on SQLite, so say it.
            .order_by(Test.vacancy_id.is_(None))
        )
        return (await self.session.scalars(stmt)).first()

    async def own_of(self, vacancy_id: int) -> list[Test]:
        """The vacancy's own tests (none: it uses the defaults)."""
        stmt = select(Test).where(Test.vacancy_id == vacancy_id).order_by(Test.kind)
        return list((await self.session.scalars(stmt)).all())

    @cached()
    async def get_dto_by_kind(
        self, kind: TestKind, vacancy_id: int | None = None
    ) -> TestDTO | None:
        """The test a candidate of the vacancy starts (see `domain.screening.taken`)."""
        return _dto(await self.get_by_kind(kind, vacancy_id))

    @cached()
    async def get_dto(self, test_id: int) -> TestDTO | None:
        """A test by its id: the one a candidate's result was started on."""
        stmt = select(Test).where(Test.id == test_id).options(selectinload(Test.questions))
        return _dto((await self.session.scalars(stmt)).first())

    # The question editor.

    async def get_question(self, question_id: int) -> TestQuestion | None:
        return await self.session.get(TestQuestion, question_id)

    async def question_with_test(self, question_id: int) -> tuple[Test, TestQuestion] | None:
        """A question with its test and all the test's questions (two queries)."""
        question = await self.get_question(question_id)
        if question is None:
            return None
        stmt = select(Test).where(Test.id == question.test_id).options(selectinload(Test.questions))
        test = (await self.session.scalars(stmt)).first()
        return (test, question) if test is not None else None

    async def add_question(self, test: Test, question: TestQuestion) -> TestQuestion:
        """Append the question to its test and write it now, so it has its id."""
        test.questions.append(question)
        await self.session.flush()
        return question


def _dto(test: Test | None) -> TestDTO | None:
    if test is None:
        return None
    return TestDTO(
        id=test.id,
        kind=test.kind,
        title=test.title,
        pass_percent=test.pass_percent,
        default_max_attempts=test.default_max_attempts,
        default_time_limit_seconds=test.default_time_limit_seconds,
        questions=tuple(QuestionDTO.model_validate(q) for q in test.questions if q.active),
    )


# Read at every screening step: the statement is built once, not per read.
_LATEST_RESULT = (
    select(TestResult)
    .join(Test, Test.id == TestResult.test_id)
    .where(TestResult.candidate_id == bindparam("candidate_id"), Test.kind == bindparam("kind"))
    .options(selectinload(TestResult.answers))
    .order_by(TestResult.started_at.desc(), TestResult.id.desc())
    .limit(1)
)


class TestResultRepository(Repository[TestResult]):
    __test__ = False
    model = TestResult
    cache_tag = "test_results"

    def __init__(self, uow: UnitOfWork) -> None:
        super().__init__(uow)
        # What this unit has read or added, so asking again costs no query (the same rows).
        self._latest: dict[tuple[int, TestKind], TestResult] = {}

    def forget(self) -> None:
        """After a rollback the rows read may be gone or changed: read them again."""
        self._latest.clear()

    async def latest_of_kind(self, candidate_id: int, kind: TestKind) -> TestResult | None:
        """The candidate's latest result of a test of this kind, whichever test it was (one
        statement, and one for its answers)."""
        known = self._latest.get((candidate_id, kind))
        if known is not None:
            return known
        found = await self.session.scalars(
            _LATEST_RESULT, {"candidate_id": candidate_id, "kind": kind}
        )
        result = found.first()
        if result is not None:
            self._latest[(candidate_id, kind)] = result
        return result

    def remember(self, result: TestResult, kind: TestKind) -> None:
        """A result this unit added is the latest for its candidate and its test's kind."""
        self._latest[(result.candidate_id, kind)] = result
