"""Deep links to a vacancy: `/start v<id>_<source>`, or `/start <slug>_<source>`; the source tag
is optional. A payload naming no vacancy is a source tag alone, as before vacancies."""

from __future__ import annotations

import re
from dataclasses import dataclass

from core.errors import InvalidField
from domain.organisation.invites import invite_link
from storage.dto import VacancyDTO
from storage.uow import UnitOfWork

SLUG = re.compile(r"^[a-z0-9](?:[a-z0-9-]{0,38}[a-z0-9])?$")
SOURCE = re.compile(r"^[A-Za-z0-9_-]{1,64}$")
_BY_ID = re.compile(r"^v([0-9]{1,9})$")
# Telegram's limit for a /start payload.
MAX_PAYLOAD = 64


@dataclass(frozen=True)
class Arrival:
    """What a link says: the vacancy it leads to (if it names one) and the source tag."""

    vacancy: VacancyDTO | None
    source: str | None


def valid_source(source: str) -> bool:
    return bool(SOURCE.match(source))


def reserved_slug(slug: str) -> bool:
    """`v7` would read as the link to vacancy #7: a slug never looks like an id."""
    return bool(_BY_ID.match(slug))


TOO_LONG = "reason.vacancy.source_too_long"  # a catalog key: said in the reader's language


class SourceTooLong(InvalidField):
    message_key = "panel.vacancies.source_too_long"

    def __init__(self, longest: int) -> None:
        super().__init__("source", TOO_LONG)
        self.values = {"max": longest}


def source_refusal(vacancy: VacancyDTO, source: str | None) -> InvalidField | None:
    """Why a link to `vacancy` cannot carry this source tag (None: it can): Telegram keeps at
    most 64 characters of a /start payload, and drops the whole of a longer one."""
    if source is None:
        return None
    if not valid_source(source):
        return InvalidField("source", "reason.vacancy.source_form")
    longest = MAX_PAYLOAD - len(payload(vacancy)) - 1
    if len(source) > longest:
        return SourceTooLong(longest)
    return None


def payload(vacancy: VacancyDTO, source: str | None = None) -> str:
    """The /start payload leading to the vacancy, tagged with `source`."""
    head = vacancy.slug or f"v{vacancy.id}"
    return f"{head}_{source}" if source else head


def deep_link(bot_username: str, vacancy: VacancyDTO, source: str | None = None) -> str:
    return invite_link(bot_username, payload(vacancy, source))


async def read_payload(uow: UnitOfWork, raw: str | None) -> Arrival:
    """The vacancy and the source a `/start` payload names. A vacancy that does not exist (or no
    longer does) leaves the link a plain source tag, so nobody is turned away by an old link."""
    if not raw or len(raw) > MAX_PAYLOAD or not SOURCE.match(raw):
        return Arrival(None, None)
    head, _, tail = raw.partition("_")
    vacancy = await _vacancy(uow, head)
    if vacancy is None:
        return Arrival(None, raw)
    return Arrival(vacancy, tail or None)


async def _vacancy(uow: UnitOfWork, head: str) -> VacancyDTO | None:
    by_id = _BY_ID.match(head)
    if by_id:
        return await uow.vacancies.get_dto(int(by_id.group(1)))
    if SLUG.match(head):
        found = await uow.vacancies.id_by_slug(head)
        return await uow.vacancies.get_dto(found) if found is not None else None
    return None
