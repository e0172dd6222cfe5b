"""Domain errors as the admin app answers them: the one table of status by error class, and
the one wording. The API's `json_errors` middleware and the panel's error middleware (or a
form, for the field an error names) read them; no handler translates an error itself."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

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
# "no such <thing>": a catalog key per thing (reason.no_such.slot), NOT_FOUND without one.
NO_SUCH = "reason.no_such."
NOT_FOUND = "reason.not_found"


def status_of(error: AppError) -> int:
    return next(
        (status for cls, status in STATUS_BY_ERROR if isinstance(error, cls)), DEFAULT_STATUS
    )


def field_of(error: AppError) -> str | None:
    """The input field the error is about, if it names one."""
    return error.field if isinstance(error, InvalidField) else None


def say(reason: str, catalog: Catalog | None, **values: object) -> str:
    """A reason given as a catalog key, in the request's language; any other text as it is."""
    if catalog is not None and catalog.has(reason):
        locale = current_locale()
        # A value that is a key itself (a booking's status) is said in the same language.
        said = {
            name: catalog.text(v, locale) if isinstance(v, str) and catalog.has(v) else v
            for name, v in values.items()
        }
        return catalog.text(reason, locale, **said)
    return reason


def no_such(what: str, catalog: Catalog | None) -> str:
    """ "no such slot", in the request's language: the catalog's words for the thing (by its
    name, else its first word: "template welcome" is a template), else the English name."""
    if catalog is None:
        return f"no such {what}" if what else "not found"
    for name in (what, what.split(" ")[0]):
        key = NO_SUCH + name.replace(" ", "_").replace("-", "_").lower()
        if name and catalog.has(key):
            return catalog.text(key, current_locale())
    if not what:
        return catalog.text(NOT_FOUND, current_locale())
    return catalog.text(NO_SUCH + "other", current_locale(), what=what)


def reason_of(error: AppError, catalog: Catalog | None = None) -> str:
    """Why, in words a client or a person can act on: the field's rule, what was not found
    ("no such slot"), the domain's own explanation, else the catalog's text for its key; in
    the request's language where the reason is a catalog key."""
    if isinstance(error, InvalidField):
        return say(error.reason, catalog, **error.values)
    if isinstance(error, NotFound):
        return no_such(_TRAILING_ID.sub("", error.detail), catalog)
    if error.detail or catalog is None:
        return say(error.detail, catalog, **error.values) if error.detail else error.message_key
    return catalog.text(error.message_key, current_locale(), **error.values)


# Pydantic's messages by error type, for a language other than English (pydantic speaks it).
VALIDATION = "reason.validation."
OTHER_VALIDATION = VALIDATION + "other"
ENGLISH = "en"


def validation_reason(error: Mapping[str, Any], catalog: Catalog | None) -> str:
    """One pydantic error's message in the request's language, for the API and the panel's
    forms alike: a message given as a catalog key (a validator's ValueError), else pydantic's
    own words in English, else the catalog's text for its type with its context (`{ge}`,
    `{max_length}`, ...), never English words in another language."""
    message = str(error["msg"]).removeprefix("Value error, ")
    if catalog is None:
        return message
    context = {
        k: v for k, v in (error.get("ctx") or {}).items() if isinstance(v, str | int | float)
    }
    locale = current_locale()
    try:
        if catalog.has(message):  # a validator's own reason, given as a catalog key
            return catalog.text(message, locale).format(**context)
        if locale == ENGLISH:
            return message
        key = VALIDATION + str(error.get("type", ""))
        return catalog.text(key if catalog.has(key) else OTHER_VALIDATION, locale).format(**context)
    except (KeyError, IndexError):  # a context this pydantic does not give
        return message if locale == ENGLISH else catalog.text(OTHER_VALIDATION, locale)
