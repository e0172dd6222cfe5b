"""Test 2: multiple choice with attempts and a time limit per question, and a star rating."""

from __future__ import annotations

from dataclasses import dataclass

from core.clock import Clock
from core.enums import CandidateStatus, TestKind, TestResultStatus
from domain.pipeline.status import move_candidate
from domain.screening.answers import option_flags
from domain.screening.taken import which_test_and_result
from storage.dto import QuestionDTO, TestDTO
from storage.models import Candidate, TestAnswer, TestResult
from storage.uow import UnitOfWork


@dataclass(frozen=True)
class Test2Question:
    __test__ = False
    question: QuestionDTO
    number: int
    total: int
    attempt: int
    attempts: int
    seconds: int


@dataclass(frozen=True)
class Test2Wrong:
    __test__ = False
    attempts_left: int
    step: Test2Question


@dataclass(frozen=True)
class Test2TimeUp:
    __test__ = False
    next: Test2Question | Test2Finished


@dataclass(frozen=True)
class Test2Finished:
    __test__ = False
    passed: bool
    percent: int
    stars: int


Test2Step = Test2Question | Test2Finished


@dataclass(frozen=True)
class Test2Outdated:
    """An answer to a question that is not the one asked now (an old button, a repeated update
    or a forged one): nothing changes; `step` is where the candidate is."""

    __test__ = False
    step: Test2Step | None


def stars_for(percent: float) -> int:
    """1 star at 0 %, one more for each quarter, 5 at 100 %."""
    return min(5, 1 + int(percent // 25))


def _limits(test: TestDTO, question: QuestionDTO) -> tuple[int, int]:
    attempts = question.max_attempts or test.default_max_attempts or 1
    seconds = question.time_limit_seconds or test.default_time_limit_seconds or 120
    return attempts, seconds


async def _open_result(
    uow: UnitOfWork, candidate: Candidate, test: TestDTO, result: TestResult | None, clock: Clock
) -> TestResult:
    if result is None:
        # Flushed at once: what follows reads its status (a column default) and its answers.
        [result] = await uow.test_results.add_many(
            [
                TestResult(
                    candidate_id=candidate.id, test_id=test.id, started_at=clock.now(), answers=[]
                )
            ]
        )
        uow.test_results.remember(result, TestKind.KNOWLEDGE)
    return result


async def current_step(
    uow: UnitOfWork, candidate: Candidate, clock: Clock
) -> tuple[Test2Step | None, bool]:
    """The question to show (its row created when first shown), and whether a time limit ran
    out on the way. None when no knowledge test is configured. Commits."""
    test, started = await which_test_and_result(uow, candidate, TestKind.KNOWLEDGE)
    if test is None or not test.questions:
        return None, False
    result = await _open_result(uow, candidate, test, started, clock)
    if result.status is not TestResultStatus.IN_PROGRESS:
        return _finished(result), False
    rows = {a.question_id: a for a in result.answers}
    timed_out = False
    now = clock.now()
    for number, question in enumerate(test.questions, start=1):
        row = rows.get(question.id)
        if row is not None and row.is_correct is not None:
            continue
        attempts, seconds = _limits(test, question)
        if row is None:
            row = TestAnswer(question_id=question.id, answer="", attempts=0, created_at=now)
            result.answers.append(row)
        elif (now - row.created_at).total_seconds() > seconds:
            row.is_correct = False
            row.seconds_spent = float(seconds)
            timed_out = True
            continue
        await uow.commit()
        step = Test2Question(
            question, number, len(test.questions), row.attempts + 1, attempts, seconds
        )
        return step, timed_out
    finished = await _finish(candidate, test, result, clock, uow)
    await uow.commit()
    return finished, timed_out


async def submit_answer(
    uow: UnitOfWork, candidate: Candidate, question_id: int, value: str, clock: Clock
) -> Test2Step | Test2Wrong | Test2TimeUp | Test2Outdated | None:
    step, timed_out = await current_step(uow, candidate, clock)
    if timed_out and step is not None:
        return Test2TimeUp(step)
    if not isinstance(step, Test2Question) or step.question.id != question_id:
        return Test2Outdated(step)
    _, result = await which_test_and_result(uow, candidate, TestKind.KNOWLEDGE)
    assert result is not None
    row = next(a for a in result.answers if a.question_id == question_id)
    row.attempts += 1
    row.answer = value
    row.seconds_spent = (clock.now() - row.created_at).total_seconds()
    if option_flags(step.question, value).get("correct"):
        row.is_correct = True
    elif row.attempts >= step.attempts:
        row.is_correct = False
    else:
        await uow.commit()
        retry = Test2Question(
            step.question, step.number, step.total, row.attempts + 1, step.attempts, step.seconds
        )
        return Test2Wrong(step.attempts - row.attempts, retry)
    following, _ = await current_step(uow, candidate, clock)
    return following


def _finished(result: TestResult) -> Test2Finished:
    percent = round(100 * result.score / result.max_score) if result.max_score else 0
    return Test2Finished(
        passed=result.status is TestResultStatus.PASSED, percent=percent, stars=result.stars or 1
    )


async def _finish(
    candidate: Candidate, test: TestDTO, result: TestResult, clock: Clock, uow: UnitOfWork
) -> Test2Finished:
    correct = sum(1 for a in result.answers if a.is_correct)
    total = len(test.questions)
    percent = 100 * correct / total if total else 0.0
    passed = percent >= test.pass_percent
    result.score, result.max_score = float(correct), float(total)
    result.stars = stars_for(percent)
    result.finished_at = clock.now()
    result.status = TestResultStatus.PASSED if passed else TestResultStatus.FAILED
    if candidate.status is CandidateStatus.INTERVIEWED_PASSED:
        await move_candidate(
            uow,
            candidate,
            CandidateStatus.TEST2_PASSED if passed else CandidateStatus.TEST2_FAILED,
            actor="candidate",
            reason=f"{round(percent)}%",
            tell=None,
        )
    return Test2Finished(passed=passed, percent=round(percent), stars=result.stars)
