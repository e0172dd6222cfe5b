"""Domain errors as the admin app answers them: the one table of status by error class, and
the one wording. The API's `json_errors` middleware and the panel's error middleware (or a
form, for the field an error names) read them; no handler translates an error itself."""

from __future__ import annotations

import re

from admin.locale import current_locale
from core.errors import AppError, Conflict, Forbidden, InvalidField, NotFound
from domain.messaging.texts import Catalog

# The most specific class first; a subclass answers as its base (InvalidAutoMessage is 422).
STATUS_BY_ERROR: tuple[tuple[type[AppError], int], ...] = (
    (InvalidField, 422),
    (NotFound, 404),
    (Forbidden, 403),
    (Conflict, 409),
)
# Any other refusal (a slot taken, a booking already there) contradicts the current state.
DEFAULT_STATUS = 409
# The database is away: 503, and when to try again (it is probed twice a second meanwhile).
UNAVAILABLE_STATUS = 503
RETRY_AFTER_SECONDS = 5
# The database is there but busy (a lock held past the wait): try again sooner.
BUSY_RETRY_AFTER_SECONDS = 2
UNAVAILABLE_REASON = "the database cannot be reached at the moment; try again in a few seconds"
_TRAILING_ID = re.compile(r"\s+(\d+|'[^']*')$")


def status_of(error: AppError) -> int:
    return next(
        (status for cls, status in STATUS_BY_ERROR if isinstance(error, cls)), DEFAULT_STATUS
    )


def field_of(error: AppError) -> str | None:
    """The input field the error is about, if it names one."""
    return error.field if isinstance(error, InvalidField) else None


def reason_of(error: AppError, catalog: Catalog | None = None) -> str:
    """Why, in words a client or a person can act on: the field's rule, what was not found
    ("no such slot"), the domain's own explanation, else the catalog's text for its key."""
    if isinstance(error, InvalidField):
        if catalog is not None and catalog.has(error.reason):  # a catalog key: in its words
            return catalog.text(error.reason, current_locale(), **error.values)
        return error.reason
    if isinstance(error, NotFound):
        what = _TRAILING_ID.sub("", error.detail)
        return f"no such {what}" if what else "not found"
    if error.detail or catalog is None:
        return error.detail or error.message_key
    return catalog.text(error.message_key, current_locale())
