"""The feeds kept written: served while their fingerprint holds, the least recently read going
first when more are kept than allowed."""

from __future__ import annotations

from domain.calendars.feeds import WrittenFeeds


def test_a_feed_is_served_again_only_while_what_it_shows_is_unchanged() -> None:
    written = WrittenFeeds()
    written.put((1, None), b"v1", b"BEGIN:VCALENDAR one")
    assert written.get((1, None), b"v1") == b"BEGIN:VCALENDAR one"
    assert written.get((1, None), b"v2") is None  # its data changed
    assert written.get((1, 7), b"v1") is None  # another city's feed of the same account


def test_the_least_recently_read_feed_goes_first() -> None:
    written = WrittenFeeds(kept=2)
    written.put((1, None), b"a", b"one")
    written.put((2, None), b"b", b"two")
    assert written.get((1, None), b"a") == b"one"  # read: now the most recent
    written.put((3, None), b"c", b"three")
    assert written.get((2, None), b"b") is None
    assert written.get((1, None), b"a") == b"one" and written.get((3, None), b"c") == b"three"
