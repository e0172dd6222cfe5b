"""What a candidate's message holds, as the conversation keeps it: the kind, the text or caption,
and a media's file (by Telegram's file id, with its name and type)."""

from __future__ import annotations

from aiogram.types import Message

from bot.candidate.texts import text
from core.enums import InboundKind
from domain.bookings.booking import Messaging
from domain.conversations.inbox import Inbound
from domain.conversations.relay import relay_inbound
from domain.records import Candidate
from storage.uow import UnitOfWork


def _described(message: Message) -> str | None:
    """A contact, a location, a venue or a poll, as words (kept with kind OTHER)."""
    if message.contact is not None:
        c = message.contact
        return " ".join(p for p in (c.first_name, c.last_name or "", c.phone_number) if p)
    if message.venue is not None:
        return f"{message.venue.title}, {message.venue.address}"
    if message.location is not None:
        return f"{message.location.latitude:.6f}, {message.location.longitude:.6f}"
    if message.poll is not None:
        return message.poll.question
    return None


def inbound_of(message: Message) -> Inbound:
    said = message.text or message.caption
    kind, file_id, name, mime = InboundKind.OTHER, None, None, None
    if message.text is not None:
        kind = InboundKind.TEXT
    elif message.photo:
        kind, file_id = InboundKind.PHOTO, message.photo[-1].file_id
    elif message.animation is not None:  # before the document a GIF also comes as
        a = message.animation
        kind, file_id, name, mime = InboundKind.ANIMATION, a.file_id, a.file_name, a.mime_type
    elif message.document is not None:
        d = message.document
        kind, file_id, name, mime = InboundKind.DOCUMENT, d.file_id, d.file_name, d.mime_type
    elif message.voice is not None:
        kind, file_id, mime = InboundKind.VOICE, message.voice.file_id, message.voice.mime_type
    elif message.video is not None:
        v = message.video
        kind, file_id, name, mime = InboundKind.VIDEO, v.file_id, v.file_name, v.mime_type
    elif message.video_note is not None:
        kind, file_id = InboundKind.VIDEO_NOTE, message.video_note.file_id
    elif message.audio is not None:
        u = message.audio
        kind, file_id, name, mime = InboundKind.AUDIO, u.file_id, u.file_name, u.mime_type
    elif message.sticker is not None:
        kind, file_id, said = InboundKind.STICKER, message.sticker.file_id, message.sticker.emoji
    else:
        said = said or _described(message)
    return Inbound(
        kind,
        text=said,
        file_id=file_id,
        file_name=name,
        mime_type=mime,
        telegram_message_id=message.message_id,
    )


async def keep_and_relay(
    message: Message, uow: UnitOfWork, m: Messaging, candidate: Candidate
) -> str:
    """Keep the message in the candidate's thread and relay it to who answers for them; the
    acknowledgement to send them."""
    relayed = await relay_inbound(
        uow, m.catalog, m.clock, candidate, inbound_of(message), from_chat_id=message.chat.id
    )
    return await text(uow, m, candidate, relayed.acknowledgement)
