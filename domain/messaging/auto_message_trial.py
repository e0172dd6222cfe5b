"""A test send of an auto-message before it goes to anyone: once, to the Telegram chat of the
panel account that asks (its linked recruiter's chat), in the account's language, with the
account's own name. Through the outbox like every message, and not one of the message's own
(its progress counts only what it sent to its audience)."""

from __future__ import annotations

import uuid
from typing import Any

from core.clock import Clock
from core.result import Failure, Result, Success
from domain.messaging.audience import InvalidAutoMessage
from domain.messaging.auto_messages import body_in, checked_body
from domain.messaging.outbox import queue_message
from domain.messaging.rendering import render
from domain.messaging.template_samples import sample_for
from domain.messaging.texts import Catalog
from storage.uow import UnitOfWork

TEST_KIND = "auto_message_test"
# Where the refusal is shown: next to the test-send button.
TEST_FIELD = "test_send"
NO_CHAT = "reason.auto_message.no_chat"


async def send_test(
    uow: UnitOfWork,
    catalog: Catalog,
    clock: Clock,
    spec: dict[str, Any],
    *,
    admin_user_id: int,
    locale: str,
    actor: str,
) -> Result[int, InvalidAutoMessage]:
    """Queue the message `spec` defines (its text checked as creating it would) to the account's
    own chat; the chat id it goes to. Audited; commits."""
    body = await checked_body(catalog, spec, locale)
    if isinstance(body, Failure):
        return body
    own_text, template_key = body.value
    account = await uow.admin_users.get(admin_user_id)
    linked = account.recruiter_id if account is not None else None
    recruiter = await uow.recruiters.get(linked) if linked is not None else None
    if recruiter is None or recruiter.telegram_chat_id is None:
        return Failure(InvalidAutoMessage(TEST_FIELD, NO_CHAT))
    chat_id = recruiter.telegram_chat_id
    name = recruiter.name or str(sample_for("name", locale))
    await queue_message(
        uow,
        clock,
        chat_id=chat_id,
        kind=TEST_KIND,
        # Every press is a send of its own.
        dedupe_key=f"auto-test:{admin_user_id}:{uuid.uuid4().hex}",
        text=render(body_in(catalog, own_text, template_key, locale), {"name": name}),
    )
    uow.audit.record(
        actor=actor,
        admin_user_id=admin_user_id,
        action="test_send",
        entity="auto_message",
        details={"name": str(spec.get("name") or ""), "chat_id": chat_id, "locale": locale},
    )
    await uow.commit()
    return Success(chat_id)
