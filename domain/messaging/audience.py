"""Who an auto-message writes to: its audience checked field by field, the filter the run
reads recipients by, and the count of people it will reach. The count and the run share the
filter and the rule "one message per person" (a person's applications share their Telegram
id), so what the panel counts before sending is what the run queues."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from core.enums import CandidateStatus
from core.errors import InvalidField
from core.result import Failure, Result, Success
from domain.privacy.states import AGREED, PRIOR
from storage.repositories.auto_messages import RecipientFilter
from storage.uow import UnitOfWork

# Who an auto-message may write to: those who agreed to the processing of their data, and those
# met before the bot asked (it asks them at their next contact); never one who declined or who
# has not answered yet.
WRITTEN_TO = (AGREED, PRIOR)


class InvalidAutoMessage(InvalidField):
    """One field of an auto-message's definition breaks a rule."""


def checked_audience(audience: Any) -> Result[dict[str, Any], InvalidAutoMessage]:
    """The audience as stored (cities, statuses, source, registration bounds), or the field
    that breaks a rule."""
    audience = audience or {}
    if not isinstance(audience, dict):
        return Failure(InvalidAutoMessage("audience", "reason.auto_message.audience"))
    try:
        statuses = [CandidateStatus(s).value for s in audience.get("statuses") or []]
    except (ValueError, TypeError):
        return Failure(InvalidAutoMessage("audience.statuses", "reason.auto_message.statuses"))
    city_ids = audience.get("city_ids") or []
    if not isinstance(city_ids, list) or not all(
        isinstance(c, int) and not isinstance(c, bool) for c in city_ids
    ):
        return Failure(InvalidAutoMessage("audience.city_ids", "reason.auto_message.city_ids"))
    source = audience.get("source")
    if source is not None and not isinstance(source, str):
        return Failure(InvalidAutoMessage("audience.source", "reason.validation.string_type"))
    registered = {}
    for bound in ("registered_from", "registered_to"):
        if audience.get(bound):
            try:
                registered[bound] = datetime.fromisoformat(str(audience[bound])).isoformat()
            except ValueError:
                return Failure(
                    InvalidAutoMessage(f"audience.{bound}", "reason.auto_message.date_time")
                )
    bounds = registered.get("registered_from"), registered.get("registered_to")
    if bounds[0] and bounds[1] and bounds[1] < bounds[0]:
        return Failure(
            InvalidAutoMessage("audience.registered_to", "reason.auto_message.dates_order")
        )
    return Success(
        {
            "city_ids": city_ids,
            "statuses": statuses,
            "source": audience.get("source") or None,
            **registered,
        }
    )


def _when(value: Any) -> datetime | None:
    return datetime.fromisoformat(value) if value else None


def audience_filter(audience: Mapping[str, Any]) -> RecipientFilter:
    """The reachable candidates in a stored audience (every bound the admin gave)."""
    return RecipientFilter(
        consents=WRITTEN_TO,
        city_ids=audience.get("city_ids") or (),
        statuses=audience.get("statuses") or (),
        source=audience.get("source") or None,
        registered_from=_when(audience.get("registered_from")),
        registered_to=_when(audience.get("registered_to")),
    )


def recipient_key(message_id: int, telegram_id: int) -> str:
    """An auto-message's outbox dedupe key: one message per person, however many of their
    applications the audience matches."""
    return f"auto:{message_id}:{telegram_id}"


async def count_audience(uow: UnitOfWork, audience: Any) -> Result[int, InvalidAutoMessage]:
    """How many people a broadcast to `audience` would write to now: the run's filter, each
    person once."""
    checked = checked_audience(audience)
    if isinstance(checked, Failure):
        return checked
    return Success(await uow.auto_messages.count_people(audience_filter(checked.value)))
