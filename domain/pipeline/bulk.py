"""What a person does to a selection of candidates at once (the pipeline board's bulk actions):
change their status with a reason, give them tags, write to them. Each candidate goes through
the one function that does it to one candidate (its rules, scope, audit and commit), in its own
transaction, so one that is refused (a move the rules forbid, one who blocked the bot, one out
of the account's cities) stops none of the others; the outcome counts what was done and names
each refusal."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass
from typing import Any

from core.clock import Clock
from core.enums import CandidateStatus
from core.errors import AppError, InvalidField, NotFound
from core.result import Failure, Result
from domain.conversations.replies import send_reply
from domain.conversations.tags import add_tags
from domain.messaging.texts import Catalog
from domain.pipeline.actions import change_status
from domain.pipeline.directory import in_scope
from domain.pipeline.status import Teller
from storage.uow import UnitOfWork

OneError = InvalidField | NotFound  # what the one-candidate functions refuse with
MAX_SELECTION = 200
SELECTION_EMPTY = "reason.board.selection_empty"
SELECTION_TOO_BIG = "reason.board.selection_too_big"  # {limit}


@dataclass(frozen=True)
class Refused:
    candidate_id: int
    name: str | None  # None: not one the account may see
    error: AppError


@dataclass(frozen=True)
class BulkOutcome:
    asked: int
    done: int
    refused: tuple[Refused, ...]


def selection(ids: Iterable[int]) -> tuple[int, ...] | InvalidField:
    """The chosen candidates once each, in the order given; refused when none or too many."""
    chosen = tuple(dict.fromkeys(ids))
    if not chosen:
        return InvalidField("ids", SELECTION_EMPTY)
    if len(chosen) > MAX_SELECTION:
        return InvalidField("ids", SELECTION_TOO_BIG, limit=MAX_SELECTION)
    return chosen


@dataclass(frozen=True)
class Who:
    """Who acts, as the one-candidate functions take it."""

    actor: str
    admin_user_id: int | None
    city_ids: frozenset[int] | None

    def as_kwargs(self) -> dict[str, Any]:
        return {"actor": self.actor, "admin_user_id": self.admin_user_id, "city_ids": self.city_ids}


async def _each(
    uow: UnitOfWork,
    ids: tuple[int, ...],
    who: Who,
    act: Callable[[int], Awaitable[Result[Any, OneError]]],
) -> BulkOutcome:
    refused: list[Refused] = []
    for candidate_id in ids:
        try:
            result = await act(candidate_id)
            error: AppError | None = result.error if isinstance(result, Failure) else None
        except AppError as raised:  # refused part-way (a race lost): its writes undone
            await uow.rollback()
            await uow.reload_expired()  # what the rollback expired is read again
            error = raised
        if error is not None:
            # Each one-candidate function refuses before it writes: nothing to undo here.
            candidate = await uow.candidates.get(candidate_id)
            seen = candidate is not None and in_scope(candidate.city_id, who.city_ids)
            name = (candidate.full_name or f"#{candidate_id}") if candidate and seen else None
            refused.append(Refused(candidate_id, name, error))
    return BulkOutcome(len(ids), len(ids) - len(refused), tuple(refused))


async def change_statuses(
    uow: UnitOfWork,
    ids: tuple[int, ...],
    status: CandidateStatus,
    reason: str,
    *,
    tell: Teller,
    who: Who,
) -> BulkOutcome:
    """Move each to `status` with the same reason (`change_status`, one by one)."""

    async def act(candidate_id: int) -> Result[Any, OneError]:
        return await change_status(uow, candidate_id, status, reason, tell=tell, **who.as_kwargs())

    return await _each(uow, ids, who, act)


async def tag_all(uow: UnitOfWork, ids: tuple[int, ...], written: str, *, who: Who) -> BulkOutcome:
    """Give each the tags written (several separated by commas: `add_tags`, one by one)."""

    async def act(candidate_id: int) -> Result[Any, OneError]:
        return await add_tags(uow, candidate_id, written, **who.as_kwargs())

    return await _each(uow, ids, who, act)


async def write_to_all(
    uow: UnitOfWork,
    ids: tuple[int, ...],
    text: str,
    *,
    catalog: Catalog,
    clock: Clock,
    who: Who,
) -> BulkOutcome:
    """Queue the same words to each (`send_reply`, one by one: each in their own thread)."""

    async def act(candidate_id: int) -> Result[Any, OneError]:
        return await send_reply(uow, catalog, clock, candidate_id, text, **who.as_kwargs())

    return await _each(uow, ids, who, act)
