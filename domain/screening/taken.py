"""Which test of a kind a candidate takes: one home for every reader (the steps, the answers,
the recruiter's card, test 2's invitation).

A test started is finished on the test it was started on, and a result finished is read
against its own questions, whatever the vacancy's test has become since (the panel's first
edit of a vacancy's test makes the vacancy its own copy, with new question ids). Only a
candidate with no result of that kind yet gets the vacancy's test as it is now.
"""

from __future__ import annotations

from core.enums import TestKind
from storage.dto import TestDTO
from storage.models import Candidate, TestResult
from storage.uow import UnitOfWork


async def which_test_and_result(
    uow: UnitOfWork, candidate: Candidate, kind: TestKind
) -> tuple[TestDTO | None, TestResult | None]:
    """The candidate's test of this kind and their latest result of it (None: not started).
    The result is read once per unit of work; the test comes from the cache."""
    result = await uow.test_results.latest_of_kind(candidate.id, kind)
    if result is not None:
        test = await uow.tests.get_dto(result.test_id)
        if test is not None:
            return test, result
    return await uow.tests.get_dto_by_kind(kind, candidate.vacancy_id), None


async def which_test(uow: UnitOfWork, candidate: Candidate, kind: TestKind) -> TestDTO | None:
    """The candidate's test of this kind: the one of their latest result, else the vacancy's
    own, else the default (None: no such test)."""
    test, _ = await which_test_and_result(uow, candidate, kind)
    return test
