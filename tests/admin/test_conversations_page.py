"""The panel's side of the conversation with a candidate: the thread on their page (both
directions, status changes, bookings, notes) and opening it reads it; the inbox of unread
conversations and the menu's count; notes and tags; the list and the export by tag; media
opened through the Bot API; and a recruiter's account kept to its cities."""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass
from datetime import timedelta

import pytest
from sqlalchemy import select

from admin.deps import DEPS
from admin.telegram_files import DownloadedFile, FileUnavailable
from core.clock import FrozenClock
from core.enums import InboundKind
from core.result import Success
from domain.bookings.booking import Messaging, book_slot
from domain.conversations.inbox import Inbound, record_inbound
from domain.messaging.outbox import queue_message
from domain.messaging.texts import Catalog
from domain.scheduling.picker import BookingRules
from storage.models import AuditLogEntry, InboundMessage
from tests.admin.conftest import Panel
from tests.support.factories import NOW, make_candidate, make_slot
from tests.support.languages import RUSSIAN


@dataclass
class Thread:
    ivan: int  # Kazan (the recruiter account's city), booked with Anna
    sam: int  # Samara
    nomad: int  # no city
    question: int  # Ivan's text
    photo: int  # Ivan's photo
    document: int  # Ivan's document
    sams_photo: int


async def _wrote(panel: Panel, candidate_id: int, minutes_ago: int, received: Inbound) -> int:
    async with panel.storage.uow() as uow:
        candidate = await uow.candidates.get(candidate_id)
        assert candidate is not None
        clock = FrozenClock(NOW - timedelta(minutes=minutes_ago))
        message = await record_inbound(uow, clock, candidate, received)
        await uow.commit()
        return message.id


async def _thread(panel: Panel) -> Thread:
    async with panel.storage.uow() as uow:
        kazan = await uow.cities.get(panel.kazan_id)
        samara = await uow.cities.get(panel.samara_id)
        anna = await uow.recruiters.get(panel.anna_id)
        assert kazan and samara and anna
        ivan = await make_candidate(uow, kazan, full_name="Ivan Kazan")
        sam = await make_candidate(uow, samara, full_name="Sam Samara")
        nomad = await make_candidate(uow, None, full_name="No City")
        slot = await make_slot(uow, anna, kazan)
        # The bot's own message, with Telegram's formatting and a link a page must not run.
        await queue_message(
            uow,
            FrozenClock(NOW - timedelta(minutes=200)),
            chat_id=ivan.telegram_id,
            kind="reminder",
            dedupe_key="reminder:1",
            text='<b>Tomorrow</b> at 10 <a href="javascript:alert(1)">map</a> &lt;ok&gt;',
            candidate_id=ivan.id,
        )
        await uow.commit()
    messaging = Messaging(Catalog.load("en"), FrozenClock(NOW), BookingRules())
    async with panel.storage.uow() as uow:
        booked = await book_slot(uow, messaging, candidate_id=ivan.id, slot_id=slot.id)
    assert isinstance(booked, Success)
    question = await _wrote(
        panel, ivan.id, 120, Inbound(InboundKind.TEXT, "Can I come at 9 <b>instead</b>?")
    )
    photo = await _wrote(panel, ivan.id, 90, Inbound(InboundKind.PHOTO, file_id="ph-1"))
    document = await _wrote(
        panel,
        ivan.id,
        60,
        Inbound(
            InboundKind.DOCUMENT,
            "my cv",
            file_id="doc-1",
            file_name="cv <1>.pdf",
            mime_type="application/pdf",
        ),
    )
    sams_photo = await _wrote(panel, sam.id, 300, Inbound(InboundKind.PHOTO, file_id="ph-sam"))
    await _wrote(panel, nomad.id, 400, Inbound(InboundKind.TEXT, "hello?"))
    return Thread(ivan.id, sam.id, nomad.id, question, photo, document, sams_photo)


def _inbox_count(page: str) -> int:
    found = re.search(r">Inbox(?: \((\d+)\))?</a>", page)
    assert found is not None
    return int(found.group(1) or 0)


def _threads(page: str) -> list[tuple[int, int]]:
    """The inbox's unread conversations: (candidate id, unread count), in order."""
    return [
        (int(cid), int(n))
        for cid, n in re.findall(
            r'<tr id="thread-(\d+)">.*?<td class="unread">(\d+)</td>', page, re.S
        )
    ]


async def test_the_thread_shows_both_directions_status_bookings_and_notes_newest_last(
    panel: Panel,
) -> None:
    t = await _thread(panel)
    await panel.login()
    replied = await panel.post(
        f"/candidates/{t.ivan}/message", {"text": "Yes, <9> works"}, allow_redirects=False
    )
    assert replied.status == 303
    noted = await panel.post(f"/candidates/{t.ivan}/notes", {"text": "Prefers <mornings>"})
    assert noted.status == 200
    page = await (await panel.client.get(f"/candidates/{t.ivan}")).text()

    order = re.findall(
        r'<li class="entry (?:in|out|event booking|note)[^"]*" id="([a-z-]+\d+)', page
    )
    reminder = next(i for i in order if i.startswith("out-"))
    assert order.index(reminder) < order.index(f"in-{t.question}")  # sent 200 minutes ago
    assert order.index(f"in-{t.question}") < order.index(f"in-{t.photo}")
    assert order.index(f"in-{t.photo}") < order.index(f"in-{t.document}")
    reply = order[-1] if order[-1].startswith("out-") else order[-2]
    assert order.index(f"in-{t.document}") < order.index(reply)  # newest last
    assert any(i.startswith("note-") for i in order)
    assert any(i.startswith("booking-event-") for i in order)
    assert "booked" in page

    # What the candidate wrote, as text; media as links to the view route.
    assert "Can I come at 9 &lt;b&gt;instead&lt;/b&gt;?" in page
    assert f'href="/candidates/{t.ivan}/messages/{t.photo}/file" class="file">photo</a>' in page
    assert (
        f'href="/candidates/{t.ivan}/messages/{t.document}/file" class="file">'
        "document: cv &lt;1&gt;.pdf</a>" in page
    )
    # The bot's message formatted, its javascript link inert; the reply under the writer's name.
    assert "<b>Tomorrow</b> at 10" in page and "&lt;ok&gt;" in page
    assert "javascript:" not in page
    assert "<strong>boss</strong> wrote" in page
    assert "Yes, &lt;9&gt; works" in page and "<9>" not in page
    assert '<span class="delivery">pending</span>' in page
    assert "Prefers &lt;mornings&gt;" in page and "(private, never sent)" in page
    assert 'id="message-form"' in page and 'id="note-form"' in page


async def test_opening_the_thread_reads_it_and_the_inbox_and_menu_count_drop(
    panel: Panel,
) -> None:
    t = await _thread(panel)
    await panel.login()
    inbox = await (await panel.client.get("/inbox")).text()
    # Who waited longest first; an admin sees every city's, and a candidate with no city.
    assert _threads(inbox) == [(t.nomad, 1), (t.sam, 1), (t.ivan, 3)]
    assert f'href="/candidates/{t.ivan}#thread"' in inbox
    assert _inbox_count(inbox) == 5
    assert 'id="inbox"' in inbox  # the contact requests stay on the page

    first = await (await panel.client.get(f"/candidates/{t.ivan}")).text()
    assert first.count('<span class="badge">new</span>') == 3  # shown as new this once
    assert _inbox_count(first) == 2
    again = await (await panel.client.get(f"/candidates/{t.ivan}")).text()
    assert '<span class="badge">new</span>' not in again
    inbox = await (await panel.client.get("/inbox")).text()
    assert _threads(inbox) == [(t.nomad, 1), (t.sam, 1)]
    async with panel.storage.uow() as uow:
        read = await uow.session.scalars(
            select(InboundMessage.read_by).where(InboundMessage.candidate_id == t.ivan)
        )
        assert set(read.all()) == {"admin:1"}


async def test_a_recruiters_inbox_and_count_hold_its_cities_only(panel: Panel) -> None:
    t = await _thread(panel)
    await panel.login("rec")
    inbox = await (await panel.client.get("/inbox")).text()
    assert _threads(inbox) == [(t.ivan, 3)]
    assert _inbox_count(inbox) == 3
    await panel.client.get(f"/candidates/{t.ivan}")
    inbox = await (await panel.client.get("/inbox")).text()
    assert _threads(inbox) == [] and "No unread messages." in inbox
    assert _inbox_count(inbox) == 0


async def test_a_recruiter_cannot_read_or_write_to_another_citys_candidate(panel: Panel) -> None:
    t = await _thread(panel)
    await panel.login("rec")
    assert (await panel.client.get(f"/candidates/{t.sam}")).status == 404
    assert (await panel.client.get(f"/candidates/{t.nomad}")).status == 404
    file = f"/candidates/{t.sam}/messages/{t.sams_photo}/file"
    assert (await panel.client.get(file)).status == 404
    for path, data in (
        (f"/candidates/{t.sam}/message", {"text": "hi"}),
        (f"/candidates/{t.sam}/notes", {"text": "hi"}),
        (f"/candidates/{t.sam}/tags", {"tags": "x"}),
        (f"/candidates/{t.sam}/tags/remove", {"tag": "x"}),
    ):
        assert (await panel.post(path, data)).status == 404, path
    async with panel.storage.uow() as uow:
        assert await uow.inbound_messages.unread_of(t.sam) == 1  # not read by looking
        assert await uow.notes.of_candidate(t.sam, 10) == []
        assert await uow.tags.of_candidate(t.sam) == []
        assert (
            await uow.candidate_profiles.messages(
                (await uow.candidates.get(t.sam)).telegram_id,  # type: ignore[union-attr]
                10,
            )
            == []
        )


async def _audited(panel: Panel, action: str) -> list[AuditLogEntry]:
    async with panel.storage.uow() as uow:
        stmt = select(AuditLogEntry).where(AuditLogEntry.action == action)
        return list((await uow.session.scalars(stmt)).all())


async def test_notes_are_kept_private_and_audited_and_a_blank_one_is_refused(
    panel: Panel,
) -> None:
    t = await _thread(panel)
    await panel.login("rec")
    blank = await panel.post(f"/candidates/{t.ivan}/notes", {"text": "   "})
    assert blank.status == 422
    assert '<div class="error" id="note-error">' in await blank.text()
    added = await panel.post(
        f"/candidates/{t.ivan}/notes", {"text": "Called, <b>will come</b>"}, allow_redirects=False
    )
    assert added.status == 303
    page = await (await panel.client.get(f"/candidates/{t.ivan}")).text()
    assert "Called, &lt;b&gt;will come&lt;/b&gt;" in page
    assert "The note is added." in page
    [entry] = await _audited(panel, "add_note")
    assert entry.entity_id == str(t.ivan) and entry.actor == "admin:2"
    async with panel.storage.uow() as uow:
        candidate = await uow.candidates.get(t.ivan)
        assert candidate is not None
        sent = await uow.candidate_profiles.messages(candidate.telegram_id, 10)
        assert all("will come" not in str(n.payload) for n in sent)  # never sent


async def test_tags_are_given_several_at_once_and_taken_away(panel: Panel) -> None:
    t = await _thread(panel)
    await panel.login()
    given = await panel.post(
        f"/candidates/{t.ivan}/tags", {"tags": "Night shift, driver,, <b>x</b>"}
    )
    assert given.status == 200
    page = await given.text()
    names = re.findall(r'<span class="tag-name">([^<]*)</span>', page)
    assert names == ["&lt;b&gt;x&lt;/b&gt;", "driver", "Night shift"]
    assert len(await _audited(panel, "add_tag")) == 3
    again = await panel.post(f"/candidates/{t.ivan}/tags", {"tags": "night SHIFT"})
    assert re.findall(r'<span class="tag-name">([^<]*)</span>', await again.text()) == names
    assert len(await _audited(panel, "add_tag")) == 3  # the same tag: nothing new

    too_long = await panel.post(f"/candidates/{t.ivan}/tags", {"tags": "ok, " + "y" * 60})
    assert too_long.status == 422
    said = await too_long.text()
    assert 'id="tags-error"' in said and "y" * 50 + "&#34;: at most 50 characters" in said
    assert len(await _audited(panel, "add_tag")) == 3  # "ok" was not given either
    in_russian = await panel.post(
        f"/candidates/{t.ivan}/tags", {"tags": "ok, " + "y" * 60}, headers=RUSSIAN
    )
    assert "«" + "y" * 50 + "»: не длиннее 50 символов" in await in_russian.text()

    removed = await panel.post(f"/candidates/{t.ivan}/tags/remove", {"tag": "driver"})
    assert removed.status == 200
    assert re.findall(r'<span class="tag-name">([^<]*)</span>', await removed.text()) == [
        "&lt;b&gt;x&lt;/b&gt;",
        "Night shift",
    ]
    [entry] = await _audited(panel, "remove_tag")
    assert entry.details == {"tag": "driver"}


async def test_the_list_and_the_export_filter_by_tag_and_show_tags(panel: Panel) -> None:
    t = await _thread(panel)
    await panel.login()
    await panel.post(f"/candidates/{t.ivan}/tags", {"tags": "driver, night"})
    await panel.post(f"/candidates/{t.nomad}/tags", {"tags": "night"})
    async with panel.storage.uow() as uow:
        driver = await uow.tags.by_key("driver")
        assert driver is not None
    everyone = await (await panel.client.get("/candidates")).text()
    assert f'<option value="{driver.id}">driver (1)</option>' in everyone
    assert '<td class="tags">driver, night</td>' in everyone
    listed = await (await panel.client.get("/candidates", params={"tag_id": driver.id})).text()
    assert re.findall(r'<a href="/candidates/(\d+)">', listed) == [str(t.ivan)]
    assert f'<option value="{driver.id}" selected>' in listed
    link = re.search(r'href="([^"]+)" id="export-csv"', listed)
    assert link is not None and f"tag_id={driver.id}" in link.group(1)

    body = await (await panel.client.get(link.group(1).replace("&amp;", "&"))).text()
    rows = list(csv.reader(io.StringIO(body.lstrip("\ufeff"))))
    tags = rows[0].index("tags")
    assert [(int(r[0]), r[tags]) for r in rows[1:]] == [(t.ivan, "driver, night")]
    whole = await (await panel.client.get("/candidates.csv")).text()
    tagged = {int(r[0]): r[tags] for r in list(csv.reader(io.StringIO(whole.lstrip("\ufeff"))))[1:]}
    assert tagged == {t.ivan: "driver, night", t.sam: "", t.nomad: "night"}


class FakeFiles:
    """The Bot API's files, as the panel asks for them."""

    def __init__(self, files: dict[str, DownloadedFile]) -> None:
        self.files = files
        self.asked: list[str] = []
        self.why = "Bad Request: wrong file_id or the file is temporarily unavailable"

    async def download(self, file_id: str) -> DownloadedFile:
        self.asked.append(file_id)
        if file_id not in self.files:
            raise FileUnavailable(self.why)
        return self.files[file_id]


@pytest.fixture
def files(panel: Panel) -> FakeFiles:
    fake = FakeFiles(
        {
            "ph-1": DownloadedFile(b"\xff\xd8jpeg", "photos/file_1.jpg"),
            "doc-1": DownloadedFile(b"%PDF-1.4", "documents/file_2.pdf"),
            "ph-sam": DownloadedFile(b"\xff\xd8sam", "photos/file_3.jpg"),
        }
    )
    panel.client.server.app[DEPS].files = fake
    return fake


async def test_media_opens_through_the_bot_api_pictures_inline_the_rest_as_downloads(
    panel: Panel, files: FakeFiles
) -> None:
    t = await _thread(panel)
    await panel.login()
    photo = await panel.client.get(f"/candidates/{t.ivan}/messages/{t.photo}/file")
    assert photo.status == 200 and await photo.read() == b"\xff\xd8jpeg"
    assert photo.content_type == "image/jpeg"
    assert photo.headers["Content-Disposition"].startswith(
        f'inline; filename="photo-{t.photo}.jpg"'
    )
    assert "sandbox" in photo.headers["Content-Security-Policy"]
    assert photo.headers["X-Content-Type-Options"] == "nosniff"

    document = await panel.client.get(f"/candidates/{t.ivan}/messages/{t.document}/file")
    assert document.status == 200 and await document.read() == b"%PDF-1.4"
    assert document.content_type == "application/octet-stream"
    assert document.headers["Content-Disposition"] == (
        "attachment; filename=\"cv_1_.pdf\"; filename*=UTF-8''cv%20%3C1%3E.pdf"
    )
    assert files.asked == ["ph-1", "doc-1"]


async def test_media_that_is_not_there_is_404_and_a_bot_api_refusal_a_page(
    panel: Panel, files: FakeFiles
) -> None:
    t = await _thread(panel)
    await panel.login()
    # A text has no file; another candidate's message is not this candidate's.
    assert (
        await panel.client.get(f"/candidates/{t.ivan}/messages/{t.question}/file")
    ).status == 404
    wrong = f"/candidates/{t.ivan}/messages/{t.sams_photo}/file"
    assert (await panel.client.get(wrong)).status == 404
    assert (await panel.client.get(f"/candidates/{t.ivan}/messages/999/file")).status == 404
    assert files.asked == []

    del files.files["doc-1"]
    refused = await panel.client.get(f"/candidates/{t.ivan}/messages/{t.document}/file")
    assert refused.status == 502
    page = await refused.text()
    assert 'id="file-unavailable"' in page and "wrong file_id" in page
    assert f'href="/candidates/{t.ivan}"' in page
    files.why = "panel.file.why.unreachable"  # our own words, said in the page's language
    path = f"/candidates/{t.ivan}/messages/{t.document}/file"
    assert (
        "не удалось связаться с Telegram"
        in await (await panel.client.get(path, headers=RUSSIAN)).text()
    )


async def test_without_a_bot_media_is_a_clear_page_too(panel: Panel) -> None:
    t = await _thread(panel)
    await panel.login()
    response = await panel.client.get(f"/candidates/{t.ivan}/messages/{t.photo}/file")
    assert response.status == 502
    assert "not connected to a bot" in await response.text()


async def test_a_booking_made_and_cancelled_shows_in_the_thread_with_who(panel: Panel) -> None:
    t = await _thread(panel)
    async with panel.storage.uow() as uow:
        [booking] = await uow.candidate_profiles.bookings(t.ivan)
        booking_id = booking[0].id
    await panel.login()
    cancelled = await panel.post(
        f"/candidates/{t.ivan}/bookings/{booking_id}/cancel", {"reason": "Anna is <ill>"}
    )
    assert cancelled.status == 200
    page = await cancelled.text()
    events = re.findall(
        rf'<li class="entry event booking" id="booking-event-{booking_id}-\d+">(.*?)</li>',
        page,
        re.S,
    )
    assert len(events) == 2
    assert "<strong>booked</strong>" in events[0]
    assert "<strong>canceled</strong>" in events[1]
    assert "boss" in events[1] and "Anna is &lt;ill&gt;" in events[1]
