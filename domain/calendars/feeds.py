"""Secret calendar feeds: a recruiter's own coming bookings and free slots, and for a panel
account one feed per city, as iCalendar files that Google, Outlook and Apple subscribe to.
The token in the URL is the whole secret: renewing it ends the old URL at once."""

from __future__ import annotations

import hashlib
from collections import OrderedDict
from collections.abc import Sequence
from dataclasses import replace
from datetime import UTC, datetime, timedelta

from core.enums import AdminRole, SlotPurpose
from core.errors import NotFound
from domain.bookings.calendar_file import booking_event
from domain.bookings.texts import BookingView, booking_place
from domain.calendars.busy_sources import drop_busy
from domain.calendars.events import CalendarEvent, feed_file
from domain.messaging.texts import Catalog
from domain.pipeline.city_names import city_name
from storage.dto import CityDTO
from storage.repositories.calendar_feed_rows import FeedBookingRow, FeedSlotRow
from storage.uow import UnitOfWork

# What a feed holds: what starts from a week ago (today's and recent events stay visible) to
# two months ahead (further than anyone books).
FEED_PAST = timedelta(days=7)
FEED_AHEAD = timedelta(days=60)
# The DTSTAMP of an empty feed's events (none) and the oldest one written: a feed's bytes
# depend on its data only, so the same data gives the same ETag.
_EPOCH = datetime(2000, 1, 1, tzinfo=UTC)


class WrittenFeeds:
    """Writing a feed costs about 0.6 ms per event and calendars poll it every few minutes: the
    last file written per feed (and city) is kept, with a fingerprint of what it shows, and
    served again while that is unchanged. One per application; the least recently read go."""

    def __init__(self, kept: int = 512) -> None:
        self.kept = kept
        self._files: OrderedDict[tuple[int, int | None], tuple[bytes, bytes]] = OrderedDict()

    def get(self, key: tuple[int, int | None], fingerprint: bytes) -> bytes | None:
        found = self._files.get(key)
        if found is None or found[0] != fingerprint:
            return None
        self._files.move_to_end(key)
        return found[1]

    def put(self, key: tuple[int, int | None], fingerprint: bytes, body: bytes) -> None:
        self._files[key] = (fingerprint, body)
        self._files.move_to_end(key)
        while len(self._files) > self.kept:
            self._files.popitem(last=False)


def slot_uid(slot_id: int) -> str:
    return f"slot-{slot_id}@recruiting-bot"


# Holding a feed and renewing it.


async def feed_for_recruiter(uow: UnitOfWork, recruiter_id: int) -> str:
    """The recruiter's feed token, created on first request. Commits. Raises NotFound."""
    await _recruiter_exists(uow, recruiter_id)
    feed = await uow.calendar_feeds.ensure_live(recruiter_id=recruiter_id)
    await uow.commit()
    return feed.token


async def _recruiter_exists(uow: UnitOfWork, recruiter_id: int) -> None:
    if await uow.recruiters.get(recruiter_id) is None:
        raise NotFound(f"recruiter {recruiter_id}")


async def feed_for_account(uow: UnitOfWork, admin_user_id: int) -> str:
    """The panel account's feed token (one for all its city feeds), created on first request.
    Commits."""
    feed = await uow.calendar_feeds.ensure_live(admin_user_id=admin_user_id)
    await uow.commit()
    return feed.token


async def renew_recruiter_feed(
    uow: UnitOfWork, recruiter_id: int, now: datetime, *, actor: str
) -> str:
    """A new token for the recruiter's feed; the old URL stops working. Audited. Commits.
    Raises NotFound."""
    await _recruiter_exists(uow, recruiter_id)
    await uow.calendar_feeds.revoke(now, recruiter_id=recruiter_id)
    # Two renewals at once (a double click): the second takes the first one's new feed.
    feed = await uow.calendar_feeds.ensure_live(recruiter_id=recruiter_id)
    uow.audit.record(
        actor=actor, action="calendar_feed_renew", entity="recruiter", entity_id=recruiter_id
    )
    await uow.commit()
    return feed.token


async def renew_account_feed(
    uow: UnitOfWork, admin_user_id: int, now: datetime, *, actor: str
) -> str:
    """A new token for the account's city feeds; the old URLs stop working. Audited. Commits."""
    await uow.calendar_feeds.revoke(now, admin_user_id=admin_user_id)
    feed = await uow.calendar_feeds.ensure_live(admin_user_id=admin_user_id)
    uow.audit.record(
        actor=actor, action="calendar_feed_renew", entity="admin_user", entity_id=admin_user_id
    )
    await uow.commit()
    return feed.token


def recruiter_feed_path(token: str) -> str:
    return f"/calendar/{token}.ics"


def city_feed_path(token: str, city_id: int) -> str:
    return f"/calendar/{token}/city/{city_id}.ics"


def feed_url(public_url: str, path: str) -> str:
    return f"{public_url.rstrip('/')}{path}"


# What a feed serves.


async def feed_content(
    uow: UnitOfWork,
    catalog: Catalog,
    token: str,
    city_id: int | None,
    now: datetime,
    written: WrittenFeeds | None = None,
) -> bytes | None:
    """The feed this token (and city, for an account's feed) serves now; None when there is
    none to serve: an unknown or renewed token, an inactive recruiter, a deactivated account,
    a city the account does not cover, a recruiter's token asked for a city."""
    feed = await uow.calendar_feeds.live_by_token(token)
    if feed is None:
        return None
    start, end = now - FEED_PAST, now + FEED_AHEAD
    if feed.recruiter_id is not None:
        if city_id is not None:
            return None
        recruiter = await uow.recruiters.get_dto(feed.recruiter_id)
        if recruiter is None or not recruiter.active:
            return None
        locale = catalog.locale_for(recruiter.locale)
        name = catalog.text("calendar_feeds.recruiter_feed_name", locale, name=recruiter.name)
        bookings = await uow.calendar_feed_rows.bookings(start, end, recruiter_id=recruiter.id)
        slots = await uow.calendar_feed_rows.free_slots(start, end, recruiter_id=recruiter.id)
        with_recruiter = False
    else:
        if city_id is None or feed.admin_user_id is None:
            return None
        readable = await _account_locale(uow, catalog, feed.admin_user_id, city_id)
        city = await uow.cities.get_dto(city_id)
        if readable is None or city is None:
            return None
        locale = readable
        city_label = city_name(city, locale)
        name = catalog.text("calendar_feeds.city_feed_name", locale, city=city_label)
        bookings = await uow.calendar_feed_rows.bookings(start, end, city_id=city_id)
        slots = await uow.calendar_feed_rows.free_slots(start, end, city_id=city_id)
        with_recruiter = True
    slots = await drop_busy(uow, slots)  # not free: the recruiter's own calendar is busy then
    city_ids = sorted({r.city_id for r in bookings} | {r.city_id for r in slots})
    found = [await uow.cities.get_dto(i) for i in city_ids]
    cities = {c.id: c for c in found if c is not None}
    fingerprint = hashlib.sha256(
        repr((name, locale, bookings, slots, sorted(cities.items()))).encode()
    ).digest()
    if written is not None and (kept := written.get((feed.id, city_id), fingerprint)):
        return kept
    events = [
        *(
            _booking_event(row, cities[row.city_id], catalog, locale, with_recruiter)
            for row in _one_per_uid(bookings)
        ),
        *(_slot_event(row, cities[row.city_id], catalog, locale, with_recruiter) for row in slots),
    ]
    events.sort(key=lambda e: (e.starts_at, e.uid))
    body = feed_file(name, events, _stamp(bookings, slots))
    if written is not None:
        written.put((feed.id, city_id), fingerprint, body)
    return body


async def _account_locale(
    uow: UnitOfWork, catalog: Catalog, admin_user_id: int, city_id: int
) -> str | None:
    """The language of an account's city feed, when the account may read that city: an active
    admin any city, an active recruiter's account its active recruiter's cities."""
    account = await uow.admin_users.get(admin_user_id)
    if account is None or not account.active:
        return None
    if account.role is AdminRole.ADMIN:
        return catalog.default_locale
    if account.recruiter_id is None:
        return None
    recruiter = await uow.recruiters.get_dto(account.recruiter_id)
    if recruiter is None or not recruiter.active or city_id not in recruiter.city_ids:
        return None
    return catalog.locale_for(recruiter.locale)


def _one_per_uid(rows: Sequence[FeedBookingRow]) -> list[FeedBookingRow]:
    """A calendar holds one event per UID: where a move request carries on the UID of the
    booking it would replace, the booking held is shown."""
    chosen: dict[str, FeedBookingRow] = {}
    for row in rows:
        held = chosen.get(row.calendar_uid)
        if held is None or (
            held.replaces_booking_id is not None and row.replaces_booking_id is None
        ):
            chosen[row.calendar_uid] = row
    return [row for row in rows if chosen[row.calendar_uid] is row]


def _stamp(bookings: Sequence[FeedBookingRow], slots: Sequence[FeedSlotRow]) -> datetime:
    """The latest change among what the feed shows: the same data, the same DTSTAMPs."""
    moments = [r.updated_at for r in bookings] + [r.created_at for r in slots]
    return max([_EPOCH, *(m if m.tzinfo else m.replace(tzinfo=UTC) for m in moments)])


def _what(catalog: Catalog, purpose: SlotPurpose, locale: str) -> str:
    key = "what_intro_day" if purpose is SlotPurpose.INTRO_DAY else "what_interview"
    return catalog.shipped_template(key, locale).capitalize()


def _booking_event(
    row: FeedBookingRow, city: CityDTO, catalog: Catalog, locale: str, with_recruiter: bool
) -> CalendarEvent:
    """The booking's own event (its UID and sequence, as in the candidate's .ics), told from
    the recruiter's side: who comes, and how the booking stands."""
    view = BookingView(
        booking_id=row.booking_id,
        slot_id=row.slot_id,
        purpose=row.purpose,
        status=row.status.value,
        starts_at=row.starts_at,
        duration_minutes=row.duration_minutes,
        zone=row.zone,
        city_id=row.city_id,
        city_dto=city,
        recruiter=row.recruiter_name,
        own_place=booking_place(row.purpose, row.intro_day_address, row.meeting_link),
        calendar_uid=row.calendar_uid,
        calendar_sequence=row.calendar_sequence,
    )
    candidate = row.candidate_name or catalog.text("calendar_feeds.no_name", locale)
    what = _what(catalog, row.purpose, locale)
    status = catalog.text(f"calendar_feeds.status.{row.status.value}", locale)
    lines = [
        catalog.text("calendar_feeds.candidate_line", locale, name=candidate),
        catalog.text("calendar_feeds.status_line", locale, status=status),
    ]
    if row.replaces_booking_id is not None:
        lines.append(catalog.text("calendar_feeds.move_request_line", locale))
    lines.append(f"{what}, {city_name(city, locale)}")
    if with_recruiter:
        lines.append(catalog.text("calendar_feeds.recruiter_line", locale, name=row.recruiter_name))
    summary = catalog.text("calendar_feeds.booking_summary", locale, what=what, name=candidate)
    if with_recruiter:
        summary = f"{summary} · {row.recruiter_name}"
    return replace(
        booking_event(view, catalog, locale),
        summary=summary,
        description="\n".join(lines),
        alarm_before=None,  # the recruiter's own calendar decides their reminders
    )


def _slot_event(
    row: FeedSlotRow, city: CityDTO, catalog: Catalog, locale: str, with_recruiter: bool
) -> CalendarEvent:
    """An open slot: shown as free time, so it never blocks the recruiter's calendar."""
    what = _what(catalog, row.purpose, locale)
    seats_left = row.capacity - row.seats_taken
    summary = (
        catalog.text("calendar_feeds.free_summary", locale)
        if row.capacity == 1
        else catalog.text("calendar_feeds.free_seats_summary", locale, count=seats_left)
    )
    if with_recruiter:
        summary = f"{summary} · {row.recruiter_name}"
    lines = [f"{what}, {city_name(city, locale)}"]
    if with_recruiter:
        lines.append(catalog.text("calendar_feeds.recruiter_line", locale, name=row.recruiter_name))
    place = booking_place(row.purpose, row.intro_day_address, row.meeting_link)
    return CalendarEvent(
        uid=slot_uid(row.slot_id),
        sequence=0,
        starts_at=row.starts_at,
        duration_minutes=row.duration_minutes,
        zone=row.zone,
        summary=summary,
        description="\n".join(lines),
        location=place or city_name(city, locale),
        alarm_before=None,
        free=True,
    )
