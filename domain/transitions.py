"""What an explicit state machine is: a table of the moves each status allows, checked before
any change is written. The candidate's pipeline (`domain.pipeline.status`) and the booking's
life (`domain.bookings.status`) each have one."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Generic, TypeVar

from core.errors import Conflict

S = TypeVar("S", bound=StrEnum)


class IllegalTransition(Conflict):
    """A change its state machine does not allow (a replayed button, a stale page, a bug)."""

    message_key = "error.illegal_transition"

    def __init__(self, entity: str, from_status: StrEnum, to_status: StrEnum) -> None:
        super().__init__(f"{entity}: {from_status.value} → {to_status.value} is not allowed")
        self.entity = entity
        self.from_status = from_status
        self.to_status = to_status


@dataclass(frozen=True)
class TransitionTable(Generic[S]):
    """The moves each status allows; a status missing from the table allows none."""

    entity: str
    moves: Mapping[S, frozenset[S]]

    def allows(self, from_status: S, to_status: S) -> bool:
        return to_status in self.moves.get(from_status, frozenset())

    def check(self, from_status: S, to_status: S) -> None:
        if not self.allows(from_status, to_status):
            raise IllegalTransition(self.entity, from_status, to_status)
