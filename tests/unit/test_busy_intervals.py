"""Issue 20.3: busy intervals read from an iCalendar file (domain.calendars.busy)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from domain.calendars.busy import CalendarUnreadable, busy_intervals, overlaps

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
