"""Template bombs (issue 16, item 5): a message template renders in Jinja's sandbox with limits
on ranges, loop turns and calls, the size of every value it builds and of what it outputs, so
no body (previewed, saved, or already stored) can hold the event loop or fill the memory. A
body that breaks a limit is refused with the reason on save and in preview; one already
stored falls back to the shipped text at send time."""

from __future__ import annotations

import threading
from typing import Any

import pytest
from aiohttp.test_utils import TestClient
from jinja2 import TemplateError

from domain.messaging.rendering import MAX_OUTPUT, render
from domain.messaging.templates import preview_body
from domain.messaging.texts import Catalog, render_message
from storage.models import MessageTemplate
from tests.admin.conftest import Panel, api, bearer, panel  # noqa: F401  (fixtures)
from tests.conftest import Storage

CATALOG = Catalog.load("ru")
Api = tuple[TestClient, Storage, dict[str, str]]

# The probe of the issue: 10^8 turns of an empty loop held the process for 11 s.
NESTED_RANGES = (
    "{% for a in range(10000) %}{% for b in range(10000) %}{% endfor %}{% endfor %}{{ name }}"
)

# Each exceeds a limit many times over, yet finishes in about a second without the limits,
# so that this file can show the limits missing without freezing the machine running it.
BOMBS = {
    "a range over 100 items": "{% for i in range(101) %}{% endfor %}{{ name }}",
    "loops nested over repeated strings": (
        "{% for a in name * 10 %}{% for b in name * 10 %}{% for c in name * 10 %}"
        "{% endfor %}{% endfor %}{% endfor %}{{ name }}"
    ),
    "a string doubled in a loop": (
        "{% set ns = namespace(x=name) %}{% for i in range(16) %}{% set ns.x = ns.x ~ ns.x %}"
        "{% endfor %}{{ name }} {{ ns.x|length }}"
    ),
    "a list of long strings joined": "{{ name }} {{ ([name * 50] * 500)|join|length }}",
    "a huge padding width": "{{ name }} {{ name|center(100000)|length }}",
    "a huge format width": '{{ name }} {{ "{:>100000}".format(name)|length }}',
    "a huge printf width": '{{ name }} {{ "%100000s"|format(name)|length }}',
    "a power tower": "{{ name }} {{ ((9 ** 64) ** 64) ** 64 > 1 }}",
    "a product of huge numbers": "{{ name }} {{ (9 ** 64) * (9 ** 64) * (9 ** 64) > 1 }}",
    "a macro calling itself twice": (
        "{% macro f(n) %}{% if n %}{{ f(n - 1) }}{{ f(n - 1) }}{% endif %}{% endmacro %}"
        "{{ name }} {{ f(14)|length }}"
    ),
    "a recursive loop": (
        "{{ name }}{% for x in [1, 1] recursive %}{% if loop.depth < 14 %}{{ loop([1, 1]) }}"
        "{% endif %}{% endfor %}"
    ),
    "replace with an empty needle": (
        '{{ name }} {{ (name * 100)|replace("", name * 100)|length }}'
    ),
    "a long separator joined by a method": (
        "{{ name }} {{ (name * 300).join([name] * 300)|length }}"
    ),
    "a sum of lists": "{{ name }} {{ ([[1]] * 3000)|sum(start=[])|length }}",
    "lorem ipsum": "{{ name }} {{ lipsum(500)|length }}",
}


@pytest.mark.parametrize("body", list(BOMBS.values()), ids=list(BOMBS))
def test_a_template_bomb_is_refused_in_preview(body: str) -> None:
    preview = preview_body(CATALOG, "welcome", body)
    assert preview.html is None
    assert preview.error


@pytest.mark.parametrize("body", list(BOMBS.values()), ids=list(BOMBS))
def test_a_template_bomb_does_not_render(body: str) -> None:
    with pytest.raises(TemplateError):
        render(body, {"name": "Anna Ivanova"})


def test_an_output_beyond_the_internal_cap_is_refused_while_rendering() -> None:
    body = "{% for i in range(100) %}{{ name }}{% endfor %}"
    with pytest.raises(TemplateError):
        render(body, {"name": "x" * (MAX_OUTPUT // 50)})


def test_the_reason_names_the_limit() -> None:
    refused = preview_body(CATALOG, "welcome", BOMBS["a range over 100 items"])
    assert refused.error is not None and "range" in refused.error and "100" in refused.error


@pytest.mark.parametrize(
    ("body", "shown"),
    [
        ("{% for i in range(3) %}{{ i }}{% endfor %} {{ name }}", "012 Anna Ivanova"),
        ("{{ name|upper }}, {{ name|default('you') }}", "ANNA IVANOVA, Anna Ivanova"),
        (
            "{{ name ~ '!' }} {{ '%s' % name }} {{ '{}'.format(name) }}",
            "Anna Ivanova! Anna Ivanova Anna Ivanova",
        ),
        (
            "{% if name %}<b>{{ name[:4] }}</b>{% endif %} {{ [1, 2]|join(', ') }}",
            "<b>Anna</b> 1, 2",
        ),
    ],
)
def test_ordinary_templates_still_render(body: str, shown: str) -> None:
    preview = preview_body(CATALOG, "welcome", body)
    assert preview.error is None
    assert preview.html == shown.strip()


def test_every_shipped_template_renders_within_the_limits() -> None:
    for key in CATALOG.templates["ru"]:
        for locale in CATALOG.templates:
            assert preview_body(CATALOG, key, CATALOG.shipped_template(key, locale)).error is None


async def test_the_api_refuses_the_probe_of_the_issue(api: Api) -> None:  # noqa: F811
    client, _, tokens = api
    boss = bearer(tokens["boss"])
    preview = await client.post(
        "/api/v1/templates/welcome/preview", json={"body": NESTED_RANGES}, headers=boss
    )
    assert preview.status == 422
    answer = await preview.json()
    assert answer["field"] == "body" and "range" in answer["error"]
    saved = await client.put(
        "/api/v1/templates/welcome", json={"locale": "en", "body": NESTED_RANGES}, headers=boss
    )
    assert saved.status == 422
    assert (await saved.json())["field"] == "body"


async def test_the_panel_shows_the_reason_next_to_the_body(panel: Panel) -> None:  # noqa: F811
    await panel.login()
    response = await panel.post("/templates/welcome", {"locale": "en", "body": NESTED_RANGES})
    assert response.status == 422
    page = await response.text()
    assert 'id="body-error"' in page and "range" in page.split('id="body-error"')[1][:300]
    async with panel.storage.uow() as uow:
        assert await uow.templates.get_exact("welcome", "en", None) is None


@pytest.mark.parametrize(
    "body",
    [
        BOMBS["a range over 100 items"],
        BOMBS["a string doubled in a loop"],
        "{{ 1 / 0 }}",
        "{{ name.nope() }}",
    ],
)
async def test_a_stored_bomb_falls_back_to_the_shipped_text_at_send_time(
    sqlite_storage: Storage, body: str
) -> None:
    async with sqlite_storage.uow() as uow:  # as if saved before the limits, or by hand
        uow.session.add(MessageTemplate(key="welcome", locale="en", body=body, version=1))
        await uow.commit()
    values: dict[str, Any] = {"name": "Ann"}
    async with sqlite_storage.uow() as uow:
        text = await render_message(uow, CATALOG, "welcome", "en", None, **values)
    assert text.startswith("Hello, Ann!")


def _recording_thread(function: Any, threads: list[str]) -> Any:
    def recorded(*args: Any) -> Any:
        threads.append(threading.current_thread().name)
        return function(*args)

    return recorded


async def test_checks_and_first_compiles_run_off_the_event_loop(
    api: Api,  # noqa: F811
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Jinja takes about 100 ms to compile a 4,000-character body: previews, saves and a new
    override's first render compile in the templates' worker thread, never on the loop."""
    from domain.messaging import rendering, templates

    threads: list[str] = []
    monkeypatch.setattr(templates, "preview_body", _recording_thread(preview_body, threads))
    compile_ = rendering._sandbox.from_string
    monkeypatch.setattr(rendering._sandbox, "from_string", _recording_thread(compile_, threads))
    client, storage, tokens = api
    boss = bearer(tokens["boss"])
    body = "{{ name }} " * 300
    for call in (
        client.post("/api/v1/templates/welcome/preview", json={"body": body}, headers=boss),
        client.put("/api/v1/templates/welcome", json={"locale": "en", "body": body}, headers=boss),
    ):
        assert (await call).status == 200
    async with storage.uow() as uow:
        await render_message(uow, CATALOG, "welcome", "en", None, name="Ann")
    loop_thread = threading.current_thread().name
    assert threads and all(name.startswith("templates") for name in threads)
    assert loop_thread not in threads
