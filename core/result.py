"""A small Result type for expected outcomes (found / not found, booked / taken)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Generic, NoReturn, TypeAlias, TypeVar

from core.errors import AppError

T = TypeVar("T")
E = TypeVar("E", bound=AppError)


@dataclass(frozen=True, slots=True)
class Success(Generic[T]):
    value: T

    @property
    def ok(self) -> bool:
        return True

    def unwrap(self) -> T:
        return self.value


@dataclass(frozen=True, slots=True)
class Failure(Generic[E]):
    error: E

    @property
    def ok(self) -> bool:
        return False

    def unwrap(self) -> NoReturn:
        """The error raised: entry points translate AppErrors in one place each."""
        raise self.error


Result: TypeAlias = Success[T] | Failure[E]
