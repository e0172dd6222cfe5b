"""The one family of expected, user-explainable errors."""

from __future__ import annotations


class ConfigurationError(Exception):
    """A setting has a value the application cannot run with."""


class DatabaseUnavailable(Exception):
    """The database could not be reached (refused, cut off, restarting). Not the caller's
    fault and not for good: the work is to be done again once it answers (an update held and
    handled again, a request answered 503 with Retry-After)."""


class AppError(Exception):
    """A domain outcome the user should be told about politely.

    `message_key` names the locale catalog entry that explains it, and `values` fills that
    text's placeholders (say, how many days ahead candidates may book). A `detail` may be a
    catalog key too (the admin app says it in the reader's language, with `values`).
    """

    message_key = "error.generic"

    def __init__(self, detail: str = "", **values: object) -> None:
        super().__init__(detail or self.message_key)
        self.detail = detail
        self.values: dict[str, object] = dict(values)


class NotFound(AppError):
    message_key = "error.not_found"


class SlotTaken(AppError):
    message_key = "error.slot_taken"


class AlreadyBooked(AppError):
    message_key = "error.already_booked"


class SlotUnavailable(AppError):
    message_key = "error.slot_unavailable"


class Conflict(AppError):
    """The change contradicts the current state (a booked slot cannot be deleted)."""

    message_key = "error.conflict"


class Forbidden(AppError):
    """The account or token may not do this (an admin's page, for a recruiter's account)."""

    message_key = "error.forbidden"


class InvalidField(AppError):
    """One field of an admin's input breaks a rule the database or the domain keeps."""

    message_key = "error.invalid_field"

    def __init__(self, field: str, reason: str, **values: object) -> None:
        super().__init__(f"{field}: {reason}", **values)
        self.field = field
        self.reason = reason
