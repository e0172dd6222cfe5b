"""Template filters: instants are stored in UTC and shown in the zone of the city they belong to."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from markupsafe import Markup

from admin.locale import current_locale
from admin.panel.labels import (
    actor_label,
    booking_status_label,
    history_reason,
    label,
    ordered_statuses,
    sent_kind,
    stage_label,
    status_label,
)
from domain.messaging.dates import local, time_label


def local_time(moment: datetime | None, zone: str = "UTC") -> str:
    return time_label(moment, zone) if moment else "—"


# The panel's date and time per language (Babel's patterns); the product's English stays ISO.
DATETIME_PATTERNS = {"en": "yyyy-MM-dd HH:mm"}


def local_datetime(moment: datetime | None, zone: str = "UTC") -> str:
    """An instant in `zone` as the account's locale writes it (Babel: 2026-12-01 12:00 in
    English, 01.12.2026, 12:00 in Russian); Babel is imported at the first date shown."""
    if moment is None:
        return "—"
    from babel.dates import format_datetime  # at the first date: start-up memory

    locale = current_locale()
    shape = DATETIME_PATTERNS.get(locale, "short")
    return str(format_datetime(local(moment, zone), format=shape, locale=locale))


# To the second, for a log (the audit's): the same shapes with seconds.
SECONDS_PATTERNS = {"en": "yyyy-MM-dd HH:mm:ss", "ru": "dd.MM.yyyy, HH:mm:ss"}


def utc_datetime_seconds(moment: datetime) -> str:
    """An instant of the server's to the second, as the account's locale writes dates,
    labelled: 2026-12-01 09:00:05 UTC, 01.12.2026, 09:00:05 UTC."""
    from babel.dates import format_datetime  # at the first date: start-up memory

    locale = current_locale()
    shape = SECONDS_PATTERNS.get(locale, SECONDS_PATTERNS["en"])
    return f"{format_datetime(local(moment, 'UTC'), format=shape, locale=locale)} UTC"


def utc_time_seconds(moment: datetime) -> str:
    """A time of the server's, labelled: 09:00:00 UTC."""
    return local(moment, "UTC").strftime("%H:%M:%S") + " UTC"


def number(value: float | int | None, digits: int = 0) -> str:
    """A number as the account's locale writes it (Babel: 1,234.5 in English, 1 234,5 in
    Russian); Babel is imported at the first number shown, not at start-up."""
    if value is None:
        return "—"
    from babel.numbers import format_decimal  # at the first number: start-up memory

    shape = "#,##0" + ("." + "0" * digits if digits else "")
    return str(format_decimal(value, format=shape, locale=current_locale()))


def number_g(value: float | None) -> str:
    """A score: as many decimals as it has (up to 2), in the account's locale."""
    if value is None:
        return "—"
    digits = 0 if float(value).is_integer() else 2
    return number(value, digits).rstrip("0") if digits else number(value)


def percent(share: float | None) -> str:
    """A share as a whole percentage in the account's locale: 50 %."""
    if share is None:
        return "—"
    return f"{number(share * 100)} %"


def telegram_html(source: str | None) -> Markup:
    """A message as Telegram showed it: its formatting kept, anything else escaped (a stored
    message is never put on a page as it is); the one sanitiser, domain's telegram_view."""
    # Imported at the first page showing a message (html.parser with it), not at start-up.
    from domain.messaging.telegram_view import telegram_view

    return Markup(telegram_view(source or ""))  # sanitised by the whitelist


FILTERS: dict[str, Callable[..., Any]] = {
    "local_time": local_time,
    "local_datetime": local_datetime,
    "status_label": status_label,
    "booking_status": booking_status_label,
    "stage_label": stage_label,
    "number": number,
    "number_g": number_g,
    "label": label,
    "percent": percent,
    "utc_time_seconds": utc_time_seconds,
    "actor_label": actor_label,
    "ordered_statuses": ordered_statuses,
    "telegram_html": telegram_html,
    "history_reason": history_reason,
    "sent_kind": sent_kind,
}
