"""A recruiter's side of a conversation in the chat: the candidate a reply points at, the reply
itself (under their name; it marks the thread read), a note, and the thread shown on Open.
Who may read and answer is `routing.recruiter_may_see`."""

from __future__ import annotations

import contextlib

from core.clock import Clock
from core.errors import NotFound
from core.result import Failure, Result, Success
from core.telegram_html import MarkupRefused, html_to_text
from domain.conversations.buttons import conversation_buttons, note_button, panel_link
from domain.conversations.inbox import mark_read
from domain.conversations.notes import MAX_NOTE as MAX_NOTE
from domain.conversations.notes import NoteError, add_note
from domain.conversations.relay import candidate_label
from domain.conversations.replies import MAX_REPLY as MAX_REPLY
from domain.conversations.replies import ReplyError, send_reply
from domain.conversations.routing import recruiter_may_see
from domain.conversations.thread import ThreadMessage, thread_messages
from domain.messaging.dates import local
from domain.messaging.texts import Catalog, render_message
from domain.pipeline.city_names import city_name
from storage.dto import RecruiterDTO
from storage.models import Candidate, CandidateNote
from storage.uow import UnitOfWork

LINES_SHOWN = 10  # the latest messages Open shows
LINE_LIMIT = 300  # characters of each


def actor_of(recruiter: RecruiterDTO) -> str:
    return f"recruiter:{recruiter.id}"


async def candidate_for(
    uow: UnitOfWork, recruiter: RecruiterDTO, candidate_id: int
) -> Result[Candidate, NotFound]:
    """The candidate, when the recruiter may read and answer them (else NotFound)."""
    candidate = await uow.candidates.get(candidate_id)
    if candidate is None or not await recruiter_may_see(uow, recruiter.id, candidate):
        return Failure(NotFound(f"candidate {candidate_id}"))
    return Success(candidate)


async def replied_to(
    uow: UnitOfWork, recruiter: RecruiterDTO, message_id: int
) -> Result[Candidate, NotFound] | None:
    """The candidate a message the bot sent to the recruiter's chat was about (a relayed
    message, its media's copy, a booking's card): None when it was about no candidate (a
    reply to anything else), NotFound when that candidate is not the recruiter's."""
    assert recruiter.telegram_chat_id is not None
    sent = await uow.notifications.relayed_as(recruiter.telegram_chat_id, message_id)
    if sent is None or sent.candidate_id is None:
        return None
    return await candidate_for(uow, recruiter, sent.candidate_id)


async def reply_to_candidate(
    uow: UnitOfWork,
    catalog: Catalog,
    clock: Clock,
    recruiter: RecruiterDTO,
    candidate: Candidate,
    text: str,
) -> Result[int, ReplyError]:
    """Queue the recruiter's words to the candidate under the recruiter's name (refused as
    `send_reply` refuses: BLOCKED for a candidate who blocked the bot); a reply sent marks
    the candidate's thread read. Commits."""
    if not await recruiter_may_see(uow, recruiter.id, candidate):
        return Failure(NotFound(f"candidate {candidate.id}"))
    actor = actor_of(recruiter)
    sent = await send_reply(uow, catalog, clock, candidate.id, text, actor=actor)
    if isinstance(sent, Success):
        await mark_read(uow, clock, candidate.id, actor=actor)
    return sent


async def note_on_candidate(
    uow: UnitOfWork, clock: Clock, recruiter: RecruiterDTO, candidate: Candidate, text: str
) -> Result[CandidateNote, NoteError]:
    if not await recruiter_may_see(uow, recruiter.id, candidate):
        return Failure(NotFound(f"candidate {candidate.id}"))
    return await add_note(uow, clock, candidate.id, text, actor=actor_of(recruiter))


def _line(catalog: Catalog, locale: str, zone: str, who: str, m: ThreadMessage) -> str:
    words = m.text or ""
    if m.direction == "out":
        with contextlib.suppress(MarkupRefused):
            words = html_to_text(words)
    if m.direction == "in" and m.kind != "text":
        kind = catalog.text(f"conversation.kind.{m.kind}", locale)
        words = f"[{kind}{f': {m.file_name}' if m.file_name else ''}] {words}".strip()
    words = " ".join(words.split())
    if len(words) > LINE_LIMIT:
        words = words[: LINE_LIMIT - 1].rstrip() + "…"
    return f"{local(m.at, zone).strftime('%d.%m %H:%M')} · {who}: {words}"


async def thread_view(
    uow: UnitOfWork,
    catalog: Catalog,
    recruiter: RecruiterDTO,
    candidate: Candidate,
    public_url: str = "",
) -> tuple[str, list[list[dict[str, object]]]]:
    """What Open shows the recruiter: who the candidate is and the latest messages both ways
    (in the recruiter's language and zone), with Reply, Note and, when the panel is published
    over https, a link to the candidate's page."""
    locale = catalog.locale_for(recruiter.locale)
    name = candidate_label(candidate)
    lines = []
    for m in (await thread_messages(uow, candidate, LINES_SHOWN))[-LINES_SHOWN:]:
        who = (
            name
            if m.direction == "in"
            else (m.author_name or catalog.text("conversation.you", locale))
        )
        lines.append(_line(catalog, locale, recruiter.timezone, who, m))
    city = await uow.cities.get_dto(candidate.city_id) if candidate.city_id is not None else None
    text = await render_message(
        uow,
        catalog,
        "recruiter_thread",
        locale,
        candidate.city_id,
        name=name,
        city=city_name(city, locale) if city else "",
        phone=candidate.phone,
        username=candidate.username,
        lines="\n".join(lines) or catalog.text("conversation.nothing_yet", locale),
    )
    buttons = conversation_buttons(
        catalog, locale, candidate.id, panel_url=panel_link(public_url, candidate.id)
    )
    buttons[0] = [buttons[0][0], note_button(catalog, locale, candidate.id)]
    return text, buttons
