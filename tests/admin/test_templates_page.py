"""The panel's Templates page: every shipped message with its overrides, an override saved for
a locale and a city (checked against the message's variables, the sandbox and Telegram's
limits), previewed live and without the script, and reset back to the shipped text."""

from __future__ import annotations

import html
import re
from typing import Any

from markupsafe import escape
from sqlalchemy import select

from domain.messaging.texts import Catalog, render_message
from storage.models import AuditLogEntry, MessageTemplate
from tests.admin.conftest import Panel

CATALOG = Catalog.load("ru")


async def _override(panel: Panel, key: str, locale: str, city_id: int | None) -> Any:
    async with panel.storage.uow() as uow:
        return await uow.templates.get_exact(key, locale, city_id)


async def _render(panel: Panel, key: str, locale: str, city_id: int | None, **values: Any) -> str:
    async with panel.storage.uow() as uow:
        return await render_message(uow, CATALOG, key, locale, city_id, **values)


def _field_error(page: str, field: str) -> str:
    match = re.search(rf'<div class="error" id="{field}-error">([^<]*)</div>', page)
    assert match, page
    return html.unescape(match.group(1))


def _bubble(page: str) -> str:
    bubble = r'<div class="tg-bubble" id="preview-shown" lang="\w+">(.*?)</div>'
    match = re.search(bubble, page, re.S)
    assert match, page
    return match.group(1)


def _textarea(page: str) -> str:
    match = re.search(r'<textarea id="f-body" name="body"[^>]*>(.*?)</textarea>', page, re.S)
    assert match, page
    return match.group(1)


async def test_the_list_names_every_shipped_message_and_its_overrides(panel: Panel) -> None:
    await panel.login()
    await panel.post(
        "/templates/welcome",
        {"locale": "en", "city_id": str(panel.kazan_id), "body": "Hi {{ name }}"},
    )
    response = await panel.client.get("/templates")
    assert response.status == 200
    page = await response.text()
    for key in CATALOG.templates["ru"]:
        assert f'<a href="/templates/{key}">{key}</a>' in page
    row = page.split('id="template-welcome"')[1].split("</tr>")[0]
    assert f'href="/templates/welcome?locale=en&amp;city_id={panel.kazan_id}">en · Kazan</a>' in row
    assert "<code>name</code>" in row
    untouched = page.split('id="template-choose_city"')[1].split("</tr>")[0]
    assert "Kazan" not in untouched


async def test_the_editor_shows_the_default_the_variables_and_a_preview(panel: Panel) -> None:
    await panel.login()
    response = await panel.client.get("/templates/booking_confirmed?locale=en")
    assert response.status == 200
    page = await response.text()
    shipped = CATALOG.templates["en"]["booking_confirmed"]
    assert f'<pre class="preview" id="shipped"><code>{escape(shipped)}</code></pre>' in page
    for name in ("city", "date", "place", "recruiter", "time", "what"):
        assert f"<code>{{{{ {name} }}}}</code>" in page
    # the source is Telegram HTML shown as text: its tags are escaped, never markup
    preview = re.search(r'<pre class="preview" id="preview">(.*?)</pre>', page, re.S)
    assert preview
    assert preview.group(1).startswith("&lt;b&gt;Your interview is confirmed&lt;/b&gt;")
    # the bubble shows it as Telegram does: bold is bold, the lines are lines
    assert _bubble(page).startswith("<b>Your interview is confirmed</b>\n")
    assert '<script src="/static/template_preview.js' in page
    script = await panel.client.get("/static/template_preview.js")
    assert script.status == 200
    assert "/templates/preview" in await script.text()


async def test_an_override_for_a_city_is_what_the_bot_then_sends(panel: Panel) -> None:
    await panel.login()
    response = await panel.post(
        "/templates/welcome",
        {
            "locale": "en",
            "city_id": str(panel.kazan_id),
            "body": "Welcome to Kazan, {{ name }}!\r\nLet's start.",
            "action": "save",
        },
        allow_redirects=False,
    )
    assert response.status == 303
    assert response.headers["Location"] == f"/templates/welcome?locale=en&city_id={panel.kazan_id}"
    assert (
        await _render(panel, "welcome", "en", panel.kazan_id, name="Ann")
        == "Welcome to Kazan, Ann!\nLet's start."
    )
    # other cities and the other language keep the shipped text
    assert (await _render(panel, "welcome", "en", panel.samara_id, name="Ann")).startswith(
        "Hello, Ann!"
    )
    assert (await _render(panel, "welcome", "ru", panel.kazan_id, name="Ann")).startswith(
        "Здравствуйте"
    )
    page = await (await panel.client.get(response.headers["Location"])).text()
    assert "Saved welcome (en), version 1." in page
    assert "the bot now sends this override" in page

    await panel.post(
        "/templates/welcome",
        {"locale": "en", "city_id": str(panel.kazan_id), "body": "Hi {{ name }}"},
    )
    row = await _override(panel, "welcome", "en", panel.kazan_id)
    assert (row.body, row.version) == ("Hi {{ name }}", 2)
    async with panel.storage.uow() as uow:
        entries = (
            await uow.session.scalars(
                select(AuditLogEntry).where(AuditLogEntry.entity == "message_template")
            )
        ).all()
    assert [(e.action, e.details["version"]) for e in entries] == [("create", 1), ("update", 2)]
    assert all(e.admin_user_id is not None and e.actor.startswith("admin:") for e in entries)


async def test_a_global_override_applies_to_every_city(panel: Panel) -> None:
    await panel.login()
    response = await panel.post(
        "/templates/choose_city",
        {"locale": "ru", "body": "Выберите город"},
        allow_redirects=False,
    )
    assert response.status == 303
    assert await _render(panel, "choose_city", "ru", panel.samara_id) == "Выберите город"
    assert await _override(panel, "choose_city", "ru", None) is not None


async def test_an_unknown_variable_is_refused_next_to_the_text(panel: Panel) -> None:
    await panel.login()
    response = await panel.post(
        "/templates/welcome", {"locale": "en", "body": "Hi {{ nmae }}", "action": "save"}
    )
    assert response.status == 422
    page = await response.text()
    assert _field_error(page, "body") == "unknown variable nmae: this message knows name"
    assert _textarea(page) == "Hi {{ nmae }}"  # what was typed is kept
    assert await _override(panel, "welcome", "en", None) is None


async def test_bodies_the_bot_could_not_send_are_refused(panel: Panel) -> None:
    await panel.login()
    cases = {
        "Hi {% if name %}": "line 1:",
        "{{ 1 / 0 }} {{ name }}": "ZeroDivisionError",
        "<div>{{ name }}</div>": 'Telegram would refuse the markup: unsupported start tag "div"',
        "<b>{{ name }}": "Telegram would refuse the markup",
        "{{ name }} " * 400: "characters with the sample values; Telegram allows 4096",
        '{{ "x" * 1000000000 }}': "far too long",
    }
    for body, reason in cases.items():
        response = await panel.post("/templates/welcome", {"locale": "en", "body": body})
        assert response.status == 422, body[:40]
        assert reason in _field_error(await response.text(), "body"), body[:40]
    assert await _override(panel, "welcome", "en", None) is None


async def test_the_live_preview_answers_json(panel: Panel) -> None:
    await panel.login()
    ok = await panel.post(
        "/templates/preview",
        {"key": "booking_moved", "body": "<b>{{ what }}</b> at {{ time }}", "locale": "en"},
    )
    assert ok.status == 200
    assert ok.content_type == "application/json"
    assert await ok.json() == {
        "html": "<b>interview</b> at 10:30",
        "shown": "<b>interview</b> at 10:30",
        "length": 18,
    }
    bad = await panel.post("/templates/preview", {"key": "booking_moved", "body": "{{ nmae }}"})
    assert bad.status == 422
    answer = await bad.json()
    assert set(answer) == {"error"}
    assert answer["error"].startswith("unknown variable nmae: this message knows city, date")
    unknown = await panel.post("/templates/preview", {"key": "no_such_key", "body": "x"})
    assert unknown.status == 404
    assert await unknown.json() == {"error": "no such template"}
    async with panel.storage.uow() as uow:
        assert await uow.templates.count() == 0  # previews save nothing


async def test_the_preview_button_works_without_the_script(panel: Panel) -> None:
    await panel.login()
    response = await panel.post(
        "/templates/welcome",
        {"locale": "en", "body": "<i>Hi</i> {{ name }}", "action": "preview"},
    )
    assert response.status == 200
    page = await response.text()
    assert '<pre class="preview" id="preview">&lt;i&gt;Hi&lt;/i&gt; Anna Ivanova</pre>' in page
    assert _bubble(page) == "<i>Hi</i> Anna Ivanova"
    assert _textarea(page) == "&lt;i&gt;Hi&lt;/i&gt; {{ name }}"
    assert await _override(panel, "welcome", "en", None) is None


async def test_reset_goes_back_to_the_shipped_text(panel: Panel) -> None:
    await panel.login()
    place = {"locale": "en", "city_id": str(panel.kazan_id)}
    await panel.post("/templates/welcome", {**place, "body": "Hi {{ name }}"})
    assert await _render(panel, "welcome", "en", panel.kazan_id, name="Ann") == "Hi Ann"
    response = await panel.post("/templates/welcome/reset", place, allow_redirects=False)
    assert response.status == 303
    assert await _override(panel, "welcome", "en", panel.kazan_id) is None
    assert (await _render(panel, "welcome", "en", panel.kazan_id, name="Ann")).startswith(
        "Hello, Ann!"
    )
    page = await (await panel.client.get(response.headers["Location"])).text()
    assert "Back to the default text." in page
    assert 'id="reset-form"' not in page  # nothing left to reset
    async with panel.storage.uow() as uow:
        actions = [
            e.action for e in await uow.audit.list(AuditLogEntry.entity == "message_template")
        ]
    assert actions == ["create", "reset"]


async def test_html_in_a_stored_body_is_escaped_in_the_page(panel: Panel) -> None:
    async with panel.storage.uow() as uow:
        uow.templates.add(
            MessageTemplate(
                key="welcome",
                locale="ru",
                city_id=None,
                body="</textarea><script>alert(1)</script>",
            )
        )
        await uow.commit()
    await panel.login()
    page = await (await panel.client.get("/templates/welcome?locale=ru")).text()
    assert "<script>alert(1)" not in page
    assert "&lt;/textarea&gt;&lt;script&gt;alert(1)&lt;/script&gt;" in _textarea(page)
    assert "Telegram would refuse the markup: unsupported end tag" in html.unescape(page)


async def test_unknown_messages_places_and_cities_are_not_found(panel: Panel) -> None:
    await panel.login()
    assert (await panel.client.get("/templates/no_such_key")).status == 404
    assert (await panel.client.get("/templates/welcome?locale=de")).status == 404
    assert (await panel.client.get("/templates/welcome?city_id=99999")).status == 404
    assert (await panel.client.get("/templates/welcome?city_id=abc")).status == 404
    response = await panel.post("/templates/no_such_key", {"locale": "en", "body": "x"})
    assert response.status == 404


async def test_a_recruiter_account_gets_403(panel: Panel) -> None:
    await panel.login("rec")
    assert (await panel.client.get("/templates")).status == 403
    assert (await panel.client.get("/templates/welcome")).status == 403
    saved = await panel.post("/templates/welcome", {"locale": "en", "body": "Hi"})
    assert saved.status == 403
    previewed = await panel.post("/templates/preview", {"key": "welcome", "body": "Hi"})
    assert previewed.status == 403
    reset = await panel.post("/templates/welcome/reset", {"locale": "en"})
    assert reset.status == 403
    assert await _override(panel, "welcome", "en", None) is None


async def test_posts_without_the_forms_token_get_403(panel: Panel) -> None:
    await panel.login()
    client = panel.client
    saved = await client.post("/templates/welcome", data={"locale": "en", "body": "Hi"})
    assert saved.status == 403
    previewed = await client.post("/templates/preview", data={"key": "welcome", "body": "Hi"})
    assert previewed.status == 403
    await panel.post("/templates/welcome", {"locale": "en", "body": "Hi"})
    reset = await client.post("/templates/welcome/reset", data={"locale": "en"})
    assert reset.status == 403
    assert await _override(panel, "welcome", "en", None) is not None


async def test_a_message_shown_before_a_city_is_chosen_has_no_city_override(
    panel: Panel,
) -> None:
    await panel.login()
    page = await (await panel.client.get("/templates/consent?locale=en")).text()
    assert 'id="f-city_id"' not in page and 'id="no-city-choice"' in page
    assert 'id="f-city_id"' in await (await panel.client.get("/templates/welcome")).text()
    response = await panel.post(
        "/templates/consent",
        {"locale": "en", "city_id": str(panel.kazan_id), "body": "Agree? {{ policy_url }}"},
    )
    assert response.status == 422
    reason = _field_error(await response.text(), "city_id")
    assert "before the candidate has chosen a city" in reason
    assert await _override(panel, "consent", "en", panel.kazan_id) is None
