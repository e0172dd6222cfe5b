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
    assert (
        f'href="/templates/welcome?locale=en&amp;city_id={panel.kazan_id}">English · Kazan</a>'
        in row
    )
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


def _stages(page: str) -> list[str]:
    return re.findall(r'<section class="template-stage" id="stage-(\w+)">', page)


def _stage(page: str, stage: str) -> str:
    return page.split(f'id="stage-{stage}"')[1].split("</section>")[0]


async def test_the_list_groups_messages_by_stage_of_the_journey(panel: Panel) -> None:
    await panel.login()
    page = await (await panel.client.get("/templates")).text()
    assert _stages(page) == [
        "start",
        "screening",
        "booking",
        "outcome",
        "test2",
        "intro_day",
        "recruiter",
        "other",
    ]
    start = _stage(page, "start")
    assert "<h2>Start and consent" in start
    assert 'id="template-welcome"' in start and 'id="template-reminder"' not in start
    assert 'id="template-reminder"' in _stage(page, "booking")
    assert 'id="template-agenda_today"' in _stage(page, "recruiter")
    for stage in _stages(page):
        section = _stage(page, stage)
        count = re.search(r'<span class="muted stage-count">\((\d+)\)</span>', section)
        assert count and int(count.group(1)) == section.count('<tr id="template-'), stage


async def test_the_search_finds_keys_shipped_texts_and_overrides(panel: Panel) -> None:
    await panel.login()
    await panel.post(
        "/templates/welcome", {"locale": "en", "body": "Bring your PASSPORT, {{ name }}"}
    )
    await panel.post("/templates/choose_city", {"locale": "ru", "body": "Паспорт и город"})

    by_key = await (await panel.client.get("/templates?q=WELCOME")).text()
    assert 'id="template-welcome"' in by_key and 'id="template-reminder"' not in by_key
    assert 'id="search-found"' in by_key and "“WELCOME”" in html.unescape(by_key)

    shipped = CATALOG.templates["en"]["booking_confirmed"].split("\n")[0][3:20]
    by_text = await (await panel.client.get("/templates", params={"q": shipped.upper()})).text()
    assert 'id="template-booking_confirmed"' in by_text
    assert _stages(by_text) == ["booking"]

    # an override's text in the page's language (English) is searched; the Russian one is not
    by_override = await (await panel.client.get("/templates?q=passport")).text()
    assert 'id="template-welcome"' in by_override
    assert 'id="template-choose_city"' not in by_override
    assert 'value="passport"' in by_override  # the box keeps what was typed

    nothing = await (await panel.client.get("/templates?q=zzz-no-such-words")).text()
    assert 'id="search-empty"' in nothing and "<table" not in nothing
    assert "No message matches “zzz-no-such-words”" in html.unescape(nothing)
    assert 'href="/templates" id="search-clear"' in nothing
    hostile = await panel.client.get("/templates", params={"q": "<script>alert(1)</script>"})
    page = await hostile.text()
    assert hostile.status == 200 and "<script>alert(1)" not in page
    assert 'value="&lt;script&gt;alert(1)&lt;/script&gt;"' in page


async def test_the_preview_is_the_message_as_telegram_shows_it_and_safe(panel: Panel) -> None:
    await panel.login()
    body = (
        '<a href="javascript:alert(1)">map</a> <b onclick="alert(1)">{{ name }}</b>\n'
        '<a href="https://example.com/x?a=1&amp;b=2">site</a> <span class="tg-spoiler">s</span>'
    )
    response = await panel.post(
        "/templates/welcome", {"locale": "en", "body": body, "action": "preview"}
    )
    assert response.status == 200
    bubble = _bubble(await response.text())
    assert bubble == (
        '<a class="muted">map</a> <b>Anna Ivanova</b>\n'
        '<a href="https://example.com/x?a=1&amp;b=2" rel="noopener noreferrer nofollow"'
        ' target="_blank">site</a> <span class="tg-spoiler">s</span>'
    )
    live = await panel.post("/templates/preview", {"key": "welcome", "body": body, "locale": "en"})
    answer = await live.json()
    assert answer["shown"] == bubble
    assert "javascript:" in answer["html"]  # the source is what the bot sends, shown as text
    # a sample value holding markup (the vacancies' list) is formatted, not shown as tags
    vacancies = await panel.post(
        "/templates/preview",
        {"key": "vacancies_overview", "body": "{{ vacancies }}", "locale": "en"},
    )
    assert (await vacancies.json())["shown"].startswith("<b>Sales manager</b>\n")


async def test_the_samples_are_in_the_templates_language(panel: Panel) -> None:
    await panel.login()  # the account reads English
    russian = await (await panel.client.get("/templates/welcome?locale=ru")).text()
    assert "Анна Иванова" in _bubble(russian)
    assert '<code class="sample">Анна Иванова</code>' in russian
    english = await (await panel.client.get("/templates/welcome?locale=en")).text()
    assert "Anna Ivanova" in _bubble(english)
    assert '<code class="sample">Anna Ivanova</code>' in english
    assert 'data-locale="ru"' in russian and 'data-locale="en"' in english
    previewed = await panel.post(
        "/templates/welcome", {"locale": "ru", "body": "<b>Hi</b> {{ name }}", "action": "preview"}
    )
    assert _bubble(await previewed.text()) == "<b>Hi</b> Анна Иванова"
    live = await panel.post(
        "/templates/preview", {"key": "welcome", "body": "Hi {{ name }}", "locale": "ru"}
    )
    assert (await live.json())["shown"] == "Hi Анна Иванова"
    wrong = await panel.post(
        "/templates/preview", {"key": "welcome", "body": "{{ nmae }}", "locale": "ru"}
    )
    assert (await wrong.json())["error"].startswith("unknown variable")  # said in English


async def test_an_override_equal_to_the_shipped_text_is_not_kept(panel: Panel) -> None:
    await panel.login()
    shipped = CATALOG.templates["en"]["welcome"]
    await panel.post("/templates/welcome", {"locale": "en", "body": "Hi {{ name }}"})
    assert await _override(panel, "welcome", "en", None) is not None
    response = await panel.post(
        "/templates/welcome",
        {"locale": "en", "body": shipped.replace("\n", "\r\n") + "\r\n", "action": "save"},
        allow_redirects=False,
    )
    assert response.status == 303
    assert await _override(panel, "welcome", "en", None) is None  # removed, not a copy
    page = await (await panel.client.get(response.headers["Location"])).text()
    assert "This is the shipped text: no override is kept" in page
    assert "the bot now sends the shipped text" in page
    async with panel.storage.uow() as uow:
        actions = [
            e.action for e in await uow.audit.list(AuditLogEntry.entity == "message_template")
        ]
    assert actions == ["create", "reset"]


async def test_a_stored_copy_of_the_shipped_text_is_not_shown_as_an_override(panel: Panel) -> None:
    shipped = CATALOG.templates["en"]["welcome"]
    async with panel.storage.uow() as uow:
        uow.templates.add(MessageTemplate(key="welcome", locale="en", city_id=None, body=shipped))
        await uow.commit()
    await panel.login()
    listed = await (await panel.client.get("/templates")).text()
    row = listed.split('id="template-welcome"')[1].split("</tr>")[0]
    assert "/templates/welcome?locale=en" not in row and '<span class="muted">—</span>' in row
    editor = await (await panel.client.get("/templates/welcome?locale=en")).text()
    assert "the bot now sends the shipped text (this override is the same as it)" in editor
    assert 'id="same-as-shipped"' in editor
    assert 'id="overrides"' not in editor  # no other override to list
