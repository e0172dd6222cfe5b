"""Media a candidate sent: kept by Telegram file id; someone who may read the candidate's thread
may open it (downloaded through the Bot API by the entry point, on demand)."""

from __future__ import annotations

from dataclasses import dataclass

from core.enums import InboundKind
from domain.conversations.routing import visible_candidate
from storage.uow import UnitOfWork


@dataclass(frozen=True)
class InboundFile:
    kind: InboundKind
    file_id: str
    file_name: str | None
    mime_type: str | None


async def inbound_file(
    uow: UnitOfWork, candidate_id: int, message_id: int, city_ids: frozenset[int] | None
) -> InboundFile | None:
    """The file of the candidate's message; None when the candidate is absent or out of scope,
    the message is not theirs, or it carried no file."""
    candidate = await visible_candidate(uow, candidate_id, city_ids)
    if candidate is None:
        return None
    message = await uow.inbound_messages.get(message_id)
    if message is None or message.candidate_id != candidate.id or message.file_id is None:
        return None
    if message.kind is InboundKind.TEXT:
        return None
    return InboundFile(message.kind, message.file_id, message.file_name, message.mime_type)
