"""Quiet hours: no automatic message between 22:00 and 08:00 in the recipient's zone (by
default). A reminder that would fall inside moves earlier, to just before they begin."""

from __future__ import annotations

from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo


def in_quiet_hours(moment: datetime, zone: str, start: time, end: time) -> bool:
    local = moment.astimezone(ZoneInfo(zone)).time()
    if start == end:
        return False
    if start < end:
        return start <= local < end
    return local >= start or local < end  # the usual case: across midnight


def earlier_if_quiet(moment: datetime, zone: str, start: time, end: time) -> datetime:
    """The same moment, or the last minute before the quiet hours it falls into began."""
    if not in_quiet_hours(moment, zone, start, end):
        return moment
    tz = ZoneInfo(zone)
    local = moment.astimezone(tz)
    day = local.date()
    if start > end and local.time() < end:  # after midnight: the quiet hours began yesterday
        day -= timedelta(days=1)
    began = datetime.combine(day, start, tzinfo=tz)
    return (began - timedelta(minutes=1)).astimezone(moment.tzinfo)
