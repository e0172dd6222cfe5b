"""The screening test ("test 1"): one question at a time, every answer stored as it is given."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from core.clock import Clock
from core.enums import CandidateStatus, QuestionKind, TestKind, TestResultStatus
from domain.messaging.outbox import queue_message
from domain.messaging.texts import Catalog, render_message
from domain.pipeline.cities import city_name
from domain.pipeline.status import move_candidate
from domain.screening.answers import (
    Accepted,
    Rejected,
    check_answer,
    check_phone,
    option_flags,
    option_label,
    prompt_text,
)
from domain.screening.taken import which_test_and_result
from domain.vacancies.catalog import title_of_application
from storage.dto import QuestionDTO, TestDTO
from storage.models import Candidate, TestAnswer, TestResult
from storage.uow import UnitOfWork

# Asked before the test by the city picker, so the test's own "city" question is answered from it.
CITY_KEY = "city"

# The history's reason for a status test 1 decided by a knock-out answer (stored as written;
# the panel says it in the reader's language).
KNOCKED_OUT_REASON = "knock-out answer"


@dataclass(frozen=True)
class QuestionStep:
    question: QuestionDTO
    number: int
    total: int


@dataclass(frozen=True)
class InvalidAnswer:
    reason_key: str
    values: dict[str, Any]
    step: QuestionStep


@dataclass(frozen=True)
class ScreeningFinished:
    passed: bool
    knocked_out: bool = False
    answers: list[tuple[str, str]] = field(default_factory=list)


ScreeningStep = QuestionStep | ScreeningFinished


def visible_questions(test: TestDTO, answers: dict[int, str]) -> list[QuestionDTO]:
    """Top-level questions, plus branch questions whose parent got the answer they wait for."""
    return [
        q
        for q in test.questions
        if q.parent_id is None or answers.get(q.parent_id) == q.show_if_answer
    ]


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
        uow.test_results.remember(result, TestKind.SCREENING)
        if candidate.status is CandidateStatus.NEW:
            await move_candidate(
                uow, candidate, CandidateStatus.SCREENING, actor="candidate", tell=None
            )
    return result


def _next(test: TestDTO, result: TestResult, *, city_known: bool) -> QuestionStep | None:
    answers = {a.question_id: a.answer for a in result.answers}
    questions = visible_questions(test, answers)
    if city_known:  # answered by the city picker: neither asked nor counted
        questions = [q for q in questions if q.key != CITY_KEY or q.id not in answers]
    for number, question in enumerate(questions, start=1):
        if question.id not in answers:
            return QuestionStep(question, number, len(questions))
    return None


async def current_step(
    uow: UnitOfWork, candidate: Candidate, clock: Clock, catalog: Catalog
) -> ScreeningStep:
    """Where the candidate is in the test; answers the city question from the city picker."""
    test, started = await which_test_and_result(uow, candidate, TestKind.SCREENING)
    if test is None or not test.questions:
        return await _finish(uow, candidate, None, None, clock, catalog)
    result = await _open_result(uow, candidate, test, started, clock)
    if result.status is not TestResultStatus.IN_PROGRESS:
        return ScreeningFinished(
            passed=result.status is TestResultStatus.PASSED,
            knocked_out=result.status is TestResultStatus.KNOCKED_OUT,
        )
    answered = {a.question_id for a in result.answers}
    if candidate.city_id is not None:
        city = await uow.cities.get_dto(candidate.city_id)
        for question in test.questions:
            if question.key == CITY_KEY and question.id not in answered:
                result.answers.append(
                    TestAnswer(question_id=question.id, answer=city.name if city else "")
                )
    step = _next(test, result, city_known=candidate.city_id is not None)
    if step is None:
        return await _finish(uow, candidate, test, result, clock, catalog)
    await uow.commit()
    return step


async def submit_answer(
    uow: UnitOfWork,
    candidate: Candidate,
    question_id: int,
    raw: str,
    clock: Clock,
    catalog: Catalog,
    *,
    is_contact: bool = False,
) -> ScreeningStep | InvalidAnswer:
    """Check and store one answer, then say what comes next. An answer to a question that is
    not the current one (an old button, a repeated update) changes nothing."""
    step = await current_step(uow, candidate, clock, catalog)
    if not isinstance(step, QuestionStep) or step.question.id != question_id:
        return step
    question = step.question
    if question.kind is QuestionKind.PHONE and not is_contact:
        checked: Accepted | Rejected = check_phone(raw)
    else:
        checked = check_answer(question, raw, candidate.locale)
    if isinstance(checked, Rejected):
        return InvalidAnswer(checked.reason_key, checked.values, step)

    test, result = await which_test_and_result(uow, candidate, TestKind.SCREENING)
    assert test is not None
    assert result is not None
    result.answers.append(TestAnswer(question_id=question.id, answer=checked.value))
    if question.key == "full_name":
        candidate.full_name = checked.value[:200]
    if question.kind is QuestionKind.PHONE:
        candidate.phone = checked.value
    if option_flags(question, checked.value).get("knockout"):
        return await _finish(uow, candidate, test, result, clock, catalog, knocked_out=True)
    return await current_step(uow, candidate, clock, catalog)


async def _finish(
    uow: UnitOfWork,
    candidate: Candidate,
    test: TestDTO | None,
    result: TestResult | None,
    clock: Clock,
    catalog: Catalog,
    *,
    knocked_out: bool = False,
) -> ScreeningFinished:
    answers: list[tuple[str, str]] = []
    given: list[tuple[QuestionDTO, str]] = []  # for the recruiters, in their own language
    passed = not knocked_out
    if test is not None and result is not None:
        by_id = {q.id: q for q in test.questions}
        score = 0.0
        for answer in result.answers:
            question = by_id.get(answer.question_id)
            if question is None:
                continue
            shown = answer.answer
            if question.kind is QuestionKind.SINGLE_CHOICE:
                shown = option_label(question, answer.answer, candidate.locale)
                score += float(option_flags(question, answer.answer).get("score", 0))
            answers.append((prompt_text(question, candidate.locale), shown))
            given.append((question, answer.answer))
        max_score = sum(
            max((float(o.get("score", 0)) for o in q.options), default=0.0) for q in test.questions
        )
        percent = 100 * score / max_score if max_score else 100.0
        passed = passed and percent >= test.pass_percent
        result.score, result.max_score = score, max_score
        result.finished_at = clock.now()
        result.status = (
            TestResultStatus.KNOCKED_OUT
            if knocked_out
            else TestResultStatus.PASSED
            if passed
            else TestResultStatus.FAILED
        )
    target = CandidateStatus.SCREENING_PASSED if passed else CandidateStatus.SCREENING_FAILED
    if candidate.status in (CandidateStatus.NEW, CandidateStatus.SCREENING):
        await move_candidate(
            uow,
            candidate,
            target,
            actor="candidate",
            reason=KNOCKED_OUT_REASON if knocked_out else None,
            tell=None,
        )
        await _tell_recruiters(uow, candidate, given, passed, clock, catalog)
    await uow.commit()
    return ScreeningFinished(passed=passed, knocked_out=knocked_out, answers=answers)


def _summary_lines(given: list[tuple[QuestionDTO, str]], locale: str) -> str:
    """Each answer under its question, both in the reader's language (a choice by its label);
    the city question is left out, the summary names the city above."""
    lines = []
    for question, value in given:
        if question.key == CITY_KEY:
            continue
        shown = (
            option_label(question, value, locale)
            if question.kind is QuestionKind.SINGLE_CHOICE
            else value
        )
        lines.append(f"• {prompt_text(question, locale)}\n   {shown}")
    return "\n".join(lines)


async def _tell_recruiters(
    uow: UnitOfWork,
    candidate: Candidate,
    given: list[tuple[QuestionDTO, str]],
    passed: bool,
    clock: Clock,
    catalog: Catalog,
) -> None:
    if candidate.city_id is None:
        return
    city = await uow.cities.get_dto(candidate.city_id)
    recruiters = await uow.recruiters.list_active_for_city(candidate.city_id)
    for recruiter in recruiters:
        if recruiter.telegram_chat_id is None:
            continue
        locale = catalog.locale_for(recruiter.locale)
        text = await render_message(
            uow,
            catalog,
            "screening_summary",
            locale,
            candidate.city_id,
            name=candidate.full_name or str(candidate.telegram_id),
            username=candidate.username,
            city=city_name(city, locale) if city else "",
            vacancy=await title_of_application(uow, candidate.vacancy_id, locale),
            phone=candidate.phone,
            source=candidate.source,
            result="✅" if passed else "❌",
            answers=_summary_lines(given, locale),
        )
        await queue_message(
            uow,
            clock,
            chat_id=recruiter.telegram_chat_id,
            kind="screening_summary",
            dedupe_key=f"screening_summary:{candidate.id}:{recruiter.id}",
            text=text[:4096],
            candidate_id=candidate.id,
        )
