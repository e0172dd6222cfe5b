"""The Unit of Work: one transaction per update, request or job; rolls back unless committed."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator, Callable
from types import TracebackType
from typing import Any, Generic, Self, TypeVar, overload

import structlog
from sqlalchemy import event, inspect
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from sqlalchemy.orm import Session

from core.clock import Clock, SystemClock
from core.errors import DatabaseUnavailable
from storage.availability import as_unavailable
from storage.cache.tagged import Cache
from storage.engine import UnitSession
from storage.models import (
    Booking,
    CandidateTag,
    City,
    CityName,
    MessageTemplate,
    Recruiter,
    RecruiterInvite,
    Slot,
    Test,
    TestQuestion,
)
from storage.repositories.accounts import (
    AdminSessionRepository,
    AdminUserRepository,
    ApiTokenRepository,
    LoginFailureRepository,
)
from storage.repositories.audit import AuditLogRepository
from storage.repositories.auto_messages import AutoMessageRepository
from storage.repositories.board import PipelineBoardRepository
from storage.repositories.booking_lists import BookingListRepository
from storage.repositories.bookings import BookingRepository
from storage.repositories.calendar_feed_rows import CalendarFeedRowRepository
from storage.repositories.calendars import BusyTimeRepository, CalendarFeedRepository
from storage.repositories.candidate_profiles import CandidateProfileRepository
from storage.repositories.candidate_search import CandidateSearchRepository
from storage.repositories.candidates import CandidateRepository
from storage.repositories.cities import CityRepository
from storage.repositories.contact_requests import ContactRequestRepository
from storage.repositories.conversations import (
    InboundMessageRepository,
    NoteRepository,
    TagRepository,
)
from storage.repositories.notifications import NotificationRepository
from storage.repositories.personal_data import PersonalDataRepository
from storage.repositories.recruiters import RecruiterRepository
from storage.repositories.reports import ReportRepository
from storage.repositories.screening import TestRepository, TestResultRepository
from storage.repositories.slots import SlotRepository
from storage.repositories.templates import TemplateRepository
from storage.repositories.vacancies import VacancyRepository
from storage.repositories.waitlist import WaitlistRepository

log = structlog.get_logger(__name__)
R = TypeVar("R")

# Which cached reads a write to a model makes stale (the default is the model's table).
_TAGS_BY_MODEL: dict[type[Any], tuple[str, ...]] = {
    City: ("cities", "recruiters"),
    CityName: ("cities",),  # a city's name per locale is part of the cached city
    Recruiter: ("recruiters",),
    RecruiterInvite: ("recruiters",),
    Slot: ("slots",),
    Booking: ("bookings", "slots"),
    Test: ("tests",),
    TestQuestion: ("tests",),
    MessageTemplate: ("templates",),
    # The candidate list's cached count filters by tag.
    CandidateTag: ("candidate_tags", "candidates"),
}


def tags_for_model(cls: type[Any]) -> tuple[str, ...]:
    return _TAGS_BY_MODEL.get(cls) or (getattr(cls, "__tablename__", cls.__name__),)


def tags_for(instance: object) -> tuple[str, ...]:
    return tags_for_model(type(instance))


class _Repository(Generic[R]):
    """A unit's repository, made at its first use in the unit (an update uses a few of the
    thirty), then an attribute of the unit like any other, until the unit is entered again."""

    def __init__(self, make: Callable[[UnitOfWork], R]) -> None:
        self._make = make
        self._name = ""

    def __set_name__(self, owner: type[UnitOfWork], name: str) -> None:
        self._name = name

    @overload
    def __get__(self, unit: None, owner: type[UnitOfWork]) -> Self: ...

    @overload
    def __get__(self, unit: UnitOfWork, owner: type[UnitOfWork]) -> R: ...

    def __get__(self, unit: UnitOfWork | None, owner: type[UnitOfWork]) -> R | Self:
        if unit is None:
            return self
        repository = self._make(unit)
        unit.__dict__[self._name] = repository  # later reads find it without this descriptor
        unit._made.append(self._name)
        return repository


class UnitOfWork:
    session: AsyncSession
    cities = _Repository(CityRepository)
    recruiters = _Repository(RecruiterRepository)
    candidates = _Repository(CandidateRepository)
    candidate_search = _Repository(CandidateSearchRepository)
    board = _Repository(PipelineBoardRepository)
    candidate_profiles = _Repository(CandidateProfileRepository)
    tests = _Repository(TestRepository)
    test_results = _Repository(TestResultRepository)
    slots = _Repository(SlotRepository)
    bookings = _Repository(BookingRepository)
    booking_lists = _Repository(BookingListRepository)
    templates = _Repository(TemplateRepository)
    notifications = _Repository(NotificationRepository)
    reports = _Repository(ReportRepository)
    auto_messages = _Repository(AutoMessageRepository)
    waitlist = _Repository(WaitlistRepository)
    vacancies = _Repository(VacancyRepository)
    contact_requests = _Repository(ContactRequestRepository)
    inbound_messages = _Repository(InboundMessageRepository)
    notes = _Repository(NoteRepository)
    tags = _Repository(TagRepository)
    admin_users = _Repository(AdminUserRepository)
    admin_sessions = _Repository(AdminSessionRepository)
    login_failures = _Repository(LoginFailureRepository)
    api_tokens = _Repository(ApiTokenRepository)
    audit = _Repository(AuditLogRepository)
    personal_data = _Repository(PersonalDataRepository)
    calendar_feeds = _Repository(CalendarFeedRepository)
    calendar_feed_rows = _Repository(CalendarFeedRowRepository)
    busy_times = _Repository(BusyTimeRepository)

    def __init__(
        self,
        session_factory: async_sessionmaker[AsyncSession],
        cache: Cache | None = None,
        after_commit: Callable[[set[str]], None] | None = None,
        clock: Clock | None = None,
    ) -> None:
        self._session_factory = session_factory
        self.cache = cache
        # Rows are stamped by the application's clock, the one its rules compare them with.
        self.clock: Clock = clock or SystemClock()
        self._after_commit = after_commit
        self._written: set[str] = set()
        self._made: list[str] = []  # the repositories made in this entry of the unit

    async def __aenter__(self) -> Self:
        self.session = self._session_factory()
        self._written = set()
        sync_session = self.session.sync_session
        if isinstance(sync_session, UnitSession):  # the class's listeners find the unit here
            sync_session.info[_UNIT] = self
        else:
            event.listen(sync_session, "before_flush", self._before_flush)
            event.listen(sync_session, "do_orm_execute", self._on_execute)
        self._wrote_sql = False
        for name in self._made:  # each entry starts with fresh ones, as the session is
            self.__dict__.pop(name, None)
        self._made = []
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        # close() rolls back whatever was not committed and detaches the objects without
        # expiring them, so DTOs and entities read here stay usable after the block.
        self._written = set()
        self._wrote_sql = False
        try:
            await self.session.close()
        except Exception as close_error:
            # Closing a connection the database dropped fails too; the first error tells more.
            if exc is None:
                translated = as_unavailable(close_error)
                if translated is close_error:
                    raise
                raise translated from close_error
        if exc is not None and not isinstance(exc, DatabaseUnavailable):
            translated = as_unavailable(exc)
            if translated is not exc:
                raise translated

    async def commit(self) -> None:
        if not self._has_changes():
            # Nothing to write: no COMMIT sent. A read transaction goes on to the unit's end
            # (or to `release`), so an update's reads and writes share one transaction.
            return
        await self.session.commit()
        self._wrote_sql = False
        written, self._written = self._written, set()
        if self.cache is not None and written:
            await self.cache.invalidate(sorted(written))
        if self._after_commit is not None and written:
            self._after_commit(written)

    async def rollback(self) -> None:
        await self.session.rollback()
        self._written = set()
        self._wrote_sql = False
        self._forget_test_results()

    def _forget_test_results(self) -> None:
        if "test_results" in self._made:  # made in this entry: it may remember some
            self.test_results.forget()

    def _has_changes(self) -> bool:
        return self._wrote_sql or self._pending_writes()

    def _pending_writes(self) -> bool:
        session = self.session
        if self._written or session.new or session.deleted:
            return True
        # An attribute set to the value it had leaves its object in `dirty`, unmodified.
        return any(session.is_modified(obj) for obj in session.dirty)

    def _on_execute(self, state: Any) -> None:
        # A statement sent through session.execute that is not a SELECT (an UPDATE, a DELETE,
        # text): something to commit, even if no entity changed.
        if not state.is_select:
            self._wrote_sql = True

    async def release(self) -> None:
        """End the current read transaction without expiring loaded objects, so nothing holds
        a database lock during network I/O. Uncommitted writes here are a bug: dropped, loudly."""
        if not self.session.in_transaction():
            return
        if self._pending_writes():
            log.error("uow.uncommitted_writes_dropped", tags=sorted(self._written))
            await self.rollback()
            return
        await self.session.commit()  # read-only: commits nothing; expire_on_commit is off
        self._wrote_sql = False

    @contextlib.asynccontextmanager
    async def savepoint(self) -> AsyncIterator[None]:
        """A nested transaction: an exception inside rolls back only this block, forgets the
        cache tags it wrote, and reloads what the rollback expired; then it propagates."""
        written = set(self._written)
        try:
            async with self.session.begin_nested():
                yield
        except BaseException:
            self._written = written
            self._forget_test_results()
            await self.reload_expired()
            raise

    async def reload_expired(self) -> None:
        """Reload what a rolled-back savepoint expired, so objects the caller holds stay
        readable (an expired attribute would otherwise be lazy-loaded outside async I/O)."""
        for obj in list(self.session.identity_map.values()):
            if inspect(obj).expired_attributes:
                await self.session.refresh(obj)

    def mark_written(self, *tags: str) -> None:
        """For writes that bypass the ORM's change tracking (bulk UPDATE/INSERT)."""
        self._written.update(tags)

    def has_writes_to(self, tag: str) -> bool:
        if tag in self._written:
            return True
        if self.session.sync_session._is_clean():  # nothing added, changed or deleted
            return False
        pending = (*self.session.new, *self.session.dirty, *self.session.deleted)
        return any(tag in tags_for(obj) for obj in pending)

    def _before_flush(self, session: Session, _context: Any, _instances: Any) -> None:
        # An object in `dirty` whose attributes were set to what they were writes nothing.
        modified = [obj for obj in session.dirty if session.is_modified(obj)]
        for obj in (*session.new, *modified, *session.deleted):
            self._written.update(tags_for(obj))
        self._stamp(session)

    def _stamp(self, session: Session) -> None:
        """created_at / updated_at from this unit's clock, not the machine's: expiry, test 2's
        time limit and the auto-messages compare them with the clock's "now"."""
        now = self.clock.now()
        for obj in session.new:
            if hasattr(obj, "created_at") and obj.created_at is None:
                obj.created_at = now
            if hasattr(obj, "updated_at") and obj.updated_at is None:
                obj.updated_at = now
        for obj in session.dirty:
            if hasattr(obj, "updated_at") and session.is_modified(obj, include_collections=False):
                obj.updated_at = now


UnitOfWorkFactory = Callable[[], UnitOfWork]

_UNIT = "unit_of_work"  # the key of a UnitSession's unit in its `info`


@event.listens_for(UnitSession, "before_flush")
def _unit_before_flush(session: Session, context: Any, instances: Any) -> None:
    unit = session.info.get(_UNIT)
    if unit is not None:
        unit._before_flush(session, context, instances)


@event.listens_for(UnitSession, "do_orm_execute")
def _unit_on_execute(state: Any) -> None:
    unit = state.session.info.get(_UNIT)
    if unit is not None:
        unit._on_execute(state)


def uow_factory(
    session_factory: async_sessionmaker[AsyncSession],
    cache: Cache | None,
    after_commit: Callable[[set[str]], None] | None = None,
    clock: Clock | None = None,
) -> UnitOfWorkFactory:
    return lambda: UnitOfWork(session_factory, cache, after_commit, clock)
