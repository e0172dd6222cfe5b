"""Issue 20.3: busy intervals read from an iCalendar file (domain.calendars.busy)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from domain.calendars.busy import (
    MAX_INTERVALS,
    CalendarUnreadable,
    TooManyBusyTimes,
    busy_intervals,
    overlaps,
)

START = datetime(2027, 3, 1, tzinfo=UTC)
END = datetime(2027, 5, 1, tzinfo=UTC)


def utc(month: int, day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2027, month, day, hour, minute, tzinfo=UTC)


def calendar(*events: str) -> bytes:
    body = "".join(
        f"BEGIN:VEVENT\r\nUID:{i}@t\r\nDTSTAMP:20270101T000000Z\r\n{e.strip()}\r\nEND:VEVENT\r\n"
        for i, e in enumerate(events)
    )
    text = f"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//t//t//EN\r\n{body}END:VCALENDAR\r\n"
    return text.encode()


def read(*events: str, zone: str = "Europe/Berlin") -> list[tuple[datetime, datetime]]:
    return busy_intervals(calendar(*events), START, END, zone)


def test_a_floating_time_is_in_the_recruiters_zone() -> None:
    busy = read("DTSTART:20270310T100000\r\nDTEND:20270310T110000")
    assert busy == [(utc(3, 10, 9), utc(3, 10, 10))]  # 10:00 in Berlin, winter
    moscow = read("DTSTART:20270310T100000\r\nDTEND:20270310T110000", zone="Europe/Moscow")
    assert moscow == [(utc(3, 10, 7), utc(3, 10, 8))]


def test_a_duration_instead_of_an_end() -> None:
    busy = read("DTSTART:20270310T100000Z\r\nDURATION:PT90M")
    assert busy == [(utc(3, 10, 10), utc(3, 10, 11, 30))]


def test_a_free_event_is_not_busy() -> None:
    busy = read(
        "DTSTART:20270310T100000Z\r\nDTEND:20270310T110000Z\r\nTRANSP:TRANSPARENT",
        "DTSTART:20270311T100000Z\r\nDTEND:20270311T110000Z\r\nTRANSP:OPAQUE",
    )
    assert busy == [(utc(3, 11, 10), utc(3, 11, 11))]


def test_a_cancelled_event_is_not_busy() -> None:
    busy = read("DTSTART:20270310T100000Z\r\nDTEND:20270310T110000Z\r\nSTATUS:CANCELLED")
    assert busy == []


def test_a_moved_occurrence_is_busy_at_its_new_time_only() -> None:
    weekly = (
        "DTSTART;TZID=Europe/Berlin:20270301T100000\r\n"
        "DTEND;TZID=Europe/Berlin:20270301T110000\r\nRRULE:FREQ=WEEKLY;COUNT=3"
    )
    moved = (
        "RECURRENCE-ID;TZID=Europe/Berlin:20270308T100000\r\n"
        "DTSTART;TZID=Europe/Berlin:20270309T140000\r\nDTEND;TZID=Europe/Berlin:20270309T150000"
    )
    # The moved occurrence shares the series' UID.
    text = calendar(weekly, moved).replace(b"UID:1@t", b"UID:0@t")
    busy = busy_intervals(text, START, END, "Europe/Berlin")
    assert busy == [
        (utc(3, 1, 9), utc(3, 1, 10)),
        (utc(3, 9, 13), utc(3, 9, 14)),  # Monday 8 March's meeting, on Tuesday afternoon
        (utc(3, 15, 9), utc(3, 15, 10)),
    ]


def test_a_weekly_meeting_keeps_its_local_time_across_the_dst_change() -> None:
    busy = read(
        "DTSTART;TZID=Europe/Berlin:20270323T100000\r\n"
        "DTEND;TZID=Europe/Berlin:20270323T110000\r\nRRULE:FREQ=WEEKLY;COUNT=2"
    )
    assert busy == [(utc(3, 23, 9), utc(3, 23, 10)), (utc(3, 30, 8), utc(3, 30, 9))]


def test_an_all_day_event_spans_the_recruiters_day() -> None:
    busy = read("DTSTART;VALUE=DATE:20270401\r\nDTEND;VALUE=DATE:20270403")
    assert busy == [(datetime(2027, 3, 31, 22, tzinfo=UTC), datetime(2027, 4, 2, 22, tzinfo=UTC))]
    alone = read("DTSTART;VALUE=DATE:20270401")  # no end: one day
    assert alone == [(datetime(2027, 3, 31, 22, tzinfo=UTC), datetime(2027, 4, 1, 22, tzinfo=UTC))]


def test_overlapping_events_are_merged() -> None:
    busy = read(
        "DTSTART:20270310T100000Z\r\nDTEND:20270310T110000Z",
        "DTSTART:20270310T103000Z\r\nDTEND:20270310T120000Z",
    )
    assert busy == [(utc(3, 10, 10), utc(3, 10, 12))]


@pytest.mark.parametrize("content", [b"<html>Sign in</html>", b"\xff\xfe\x00garbage"])
def test_what_is_not_a_calendar_is_unreadable(content: bytes) -> None:
    with pytest.raises(CalendarUnreadable):
        busy_intervals(content, START, END, "UTC")


def test_a_slot_touching_a_busy_time_does_not_overlap_it() -> None:
    busy = [(utc(3, 10, 10), utc(3, 10, 11))]
    assert not overlaps(utc(3, 10, 9, 30), 30, busy)
    assert not overlaps(utc(3, 10, 11), 30, busy)
    assert overlaps(utc(3, 10, 10, 45), 30, busy)


# --- limits (review of issue 20.3) -----------------------------------------------------------


def test_rules_repeating_every_second_or_minute_count_once() -> None:
    """No real busy time repeats each second or minute; expanded, such rules take minutes (or,
    from long ago with no end, never end). The event counts once, as written."""
    busy = read(
        "DTSTART:20270310T100000Z\r\nDURATION:PT1M\r\nRRULE:FREQ=MINUTELY;INTERVAL=5;COUNT=10",
        "DTSTART:20270311T100000Z\r\nDURATION:PT1S\r\nRRULE:FREQ=SECONDLY;INTERVAL=2;COUNT=10",
        "DTSTART:20270312T100000Z\r\nDURATION:PT1H\r\nRRULE:FREQ=DAILY;COUNT=2",
    )
    assert busy == [
        (utc(3, 10, 10), utc(3, 10, 10, 1)),
        (utc(3, 11, 10), datetime(2027, 3, 11, 10, 0, 1, tzinfo=UTC)),
        (utc(3, 12, 10), utc(3, 12, 11)),
        (utc(3, 13, 10), utc(3, 13, 11)),
    ]


def test_a_minutely_rule_from_long_ago_is_not_expanded() -> None:
    busy = read("DTSTART:19900101T000000Z\r\nDURATION:PT1M\r\nRRULE:FREQ=MINUTELY")
    assert busy == []  # its one occurrence, in 1990, is outside the window


def test_our_own_events_are_not_busy() -> None:
    """A recruiter who subscribed our feed into the calendar given us: its bookings and free
    slots would otherwise hide themselves."""
    text = (
        calendar(
            "DTSTART:20270310T100000Z\r\nDTEND:20270310T110000Z",
            "DTSTART:20270311T100000Z\r\nDTEND:20270311T110000Z",
            "DTSTART:20270312T100000Z\r\nDTEND:20270312T110000Z\r\nRRULE:FREQ=DAILY;COUNT=3",
            "DTSTART:20270320T100000Z\r\nDTEND:20270320T110000Z",
        )
        .replace(b"UID:0@t", b"UID:booking-17@recruiting-bot")
        .replace(b"UID:1@t", b"UID:slot-4@Recruiting-Bot")
        .replace(b"UID:2@t", b"UID:0f6e4f2c-8f1e-4d7b-a4b4-3c1f0e2d9a11@recruiting-bot")
    )
    assert busy_intervals(text, START, END, "UTC") == [(utc(3, 20, 10), utc(3, 20, 11))]


def test_more_busy_times_than_kept_are_refused() -> None:
    daily = "DTSTART:20270310T100000Z\r\nDURATION:PT1H\r\nRRULE:FREQ=DAILY;COUNT={count}"
    assert len(busy_intervals(calendar(daily.format(count=3)), START, END, "UTC", 3)) == 3
    with pytest.raises(TooManyBusyTimes) as refused:
        busy_intervals(calendar(daily.format(count=4)), START, END, "UTC", 3)
    assert refused.value.limit == 3
    half_hours = "DTSTART:20270301T000000Z\r\nDURATION:PT5M\r\nRRULE:FREQ=HOURLY;BYMINUTE=0,30"
    with pytest.raises(TooManyBusyTimes) as refused:  # twice an hour for four months: 5,856
        busy_intervals(calendar(half_hours), START, END + timedelta(days=60), "UTC")
    assert refused.value.limit == MAX_INTERVALS == 5000
