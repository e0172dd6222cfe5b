"""Dates and times as a candidate reads them, in their city's zone and their language."""

from __future__ import annotations

import functools
from datetime import date, datetime
from zoneinfo import ZoneInfo

_WEEKDAYS = {
    "en": ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"),
    "ru": ("пн", "вт", "ср", "чт", "пт", "сб", "вс"),
}
_MONTHS = {
    "en": ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"),
    "ru": ("янв", "фев", "мар", "апр", "мая", "июн", "июл", "авг", "сен", "окт", "ноя", "дек"),
}


@functools.cache
def zone_info(name: str) -> ZoneInfo:
    """The zone, read once per process: ZoneInfo keeps only its last 8 zones for sure and the
    cities use more, so pages read the zone files again on every view."""
    return ZoneInfo(name)


def local(moment: datetime, zone: str) -> datetime:
    return moment.astimezone(zone_info(zone))


def day_label(day: date, locale: str) -> str:
    weekdays = _WEEKDAYS.get(locale, _WEEKDAYS["en"])
    months = _MONTHS.get(locale, _MONTHS["en"])
    return f"{weekdays[day.weekday()]}, {day.day} {months[day.month - 1]}"


def time_label(moment: datetime, zone: str) -> str:
    return local(moment, zone).strftime("%H:%M")
