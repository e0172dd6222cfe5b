"""Queueing messages the system sends on its own: a row first, sent by the delivery job."""

from __future__ import annotations

import base64
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from core.clock import Clock
from domain.messaging.texts import Catalog
from storage.uow import UnitOfWork


def document_payload(file_name: str, mime_type: str, content: bytes) -> dict[str, str]:
    return {
        "file_name": file_name,
        "mime_type": mime_type,
        "content_b64": base64.b64encode(content).decode("ascii"),
    }


def pick_time_button(catalog: Catalog, locale: str, purpose: str) -> list[list[dict[str, Any]]]:
    """A "choose a time" button that opens the picker for the purpose."""
    return [
        [
            {
                "text": catalog.text("button.pick_time", locale),
                "action": "pick_time",
                "purpose": purpose,
            }
        ]
    ]


async def queue_message(
    uow: UnitOfWork,
    clock: Clock,
    *,
    chat_id: int,
    kind: str,
    dedupe_key: str,
    text: str,
    buttons: list[list[dict[str, Any]]] | None = None,
    document: dict[str, str] | None = None,
    due_at: datetime | None = None,
    candidate_id: int | None = None,
    booking_id: int | None = None,
    author: dict[str, Any] | None = None,
    copy: dict[str, Any] | None = None,
    subjects: Sequence[int] = (),
) -> bool:
    """Queue one message in the caller's transaction. False if its dedupe key was queued before.
    `author`: who wrote it, when a person did (the thread shows their name). `copy`: a message
    to copy to the chat ({"from_chat_id", "message_id"}: a candidate's media relayed to a
    recruiter), sent before the text, if there is one. `subjects`: the candidates a message to
    someone else names (a digest of several): erasure takes their names out of its text."""
    payload: dict[str, Any] = {"text": text}
    if author is not None:
        payload["author"] = author
    if buttons is not None:
        # Intents, not callback data: the bot turns each {"text", "action", ...} into a button.
        payload["buttons"] = buttons
    if document is not None:
        payload["document"] = document
    if copy is not None:
        payload["copy"] = copy
    added = await uow.notifications.enqueue(
        [
            {
                "kind": kind,
                "recipient_chat_id": chat_id,
                "payload": payload,
                "due_at": due_at or clock.now(),
                "dedupe_key": dedupe_key,
                "candidate_id": candidate_id,
                "booking_id": booking_id,
            }
        ]
    )
    if added == 1 and subjects:
        queued = await uow.notifications.id_by_dedupe_key(dedupe_key)
        assert queued is not None
        await uow.notifications.name_subjects(queued, subjects)
    return added == 1
