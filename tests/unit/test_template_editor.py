"""Template overrides: the variables each message knows, the checks a body must pass before it
can reach a candidate, and saving and resetting overrides."""

from __future__ import annotations

import pytest

from core.errors import InvalidField, NotFound
from core.result import Failure, Success
from domain.messaging.template_samples import SAMPLES
from domain.messaging.templates import (
    TELEGRAM_LIMIT,
    known_variables,
    preview_body,
    reset_template,
    save_template,
    template_keys,
    used_variables,
    validate_body,
)
from domain.messaging.texts import Catalog, render_message
from storage.models import AuditLogEntry, MessageTemplate
from tests.conftest import Storage
from tests.support.factories import make_city

CATALOG = Catalog.load("ru")


def test_every_variable_of_the_shipped_templates_has_a_sample() -> None:
    used = {
        name
        for templates in CATALOG.templates.values()
        for body in templates.values()
        for name in used_variables(body)
    }
    assert used  # the catalog does use variables
    assert used <= set(SAMPLES), used - set(SAMPLES)


def test_every_shipped_template_passes_the_editors_checks() -> None:
    for locale, templates in CATALOG.templates.items():
        for key, body in templates.items():
            assert validate_body(CATALOG, key, body) is None, (locale, key)


def test_a_messages_variables_come_from_its_shipped_bodies_in_every_locale() -> None:
    assert known_variables(CATALOG, "welcome") == {"name"}
    assert known_variables(CATALOG, "choose_language") == frozenset()
    assert known_variables(CATALOG, "booking_confirmed") == {
        "city",
        "date",
        "place",
        "recruiter",
        "time",
        "vacancy",
        "what",
    }
    catalog = Catalog(
        ui=CATALOG.ui,
        templates={"ru": {"hi": "Привет, {{ name }}"}, "en": {"hi": "Hi {{ first }}"}},
        default_locale="ru",
    )
    assert known_variables(catalog, "hi") == {"name", "first"}
    assert template_keys(catalog) == ["hi"]
    with pytest.raises(NotFound):
        known_variables(catalog, "bye")


def test_the_preview_fills_in_samples_escaped_for_telegram() -> None:
    preview = preview_body(CATALOG, "booking_moved", "<b>{{ what }}</b>: {{ date }}")
    assert preview.error is None
    assert preview.html == "<b>interview</b>: Tue, 1 Dec"
    assert preview.length == len("interview: Tue, 1 Dec")  # markup is not counted
    assert preview_body(CATALOG, "choose_day", "{{ recruiter }} & co").html == "Julia Weber & co"
    looped = preview_body(CATALOG, "welcome", "{% for i in range(2) %}{{ name }} {% endfor %}")
    assert looped.html == "Anna Ivanova Anna Ivanova "


@pytest.mark.parametrize(
    ("body", "reason"),
    [
        ("Hi {{ nmae }}", "unknown variable nmae: this message knows name"),
        ("{{ city }} {{ date }}", "unknown variables city, date: this message knows name"),
        ("Hi {% if name %}", "line 1: Unexpected end of template"),
        ("{{ name.__class__.__mro__ }}", "access to attribute '__class__'"),
        ("{{ name + 1 }}", "TypeError"),
        ('{{ "a" * 200000 }}', "far too long"),
        ("{{ 10 ** 100000 }}", "far too large"),
        ("<div>{{ name }}</div>", 'unsupported start tag "div"'),
        ("<b>{{ name }}</i>", 'expected "</b>", found "</i>"'),
        ("{% if false %}{{ name }}{% endif %}", "the message would be empty"),
        ("x" * (TELEGRAM_LIMIT + 1), "4097 characters with the sample values"),
    ],
)
def test_bodies_the_bot_could_not_send_are_refused(body: str, reason: str) -> None:
    problem = validate_body(CATALOG, "welcome", body)
    assert problem is not None
    assert reason in problem


def test_the_length_limit_counts_what_telegram_shows() -> None:
    assert validate_body(CATALOG, "welcome", "<b>" + "x" * TELEGRAM_LIMIT + "</b>") is None
    assert validate_body(CATALOG, "welcome", "😀" * (TELEGRAM_LIMIT // 2)) is None  # 2 units each
    assert validate_body(CATALOG, "welcome", "😀" * (TELEGRAM_LIMIT // 2 + 1)) is not None


async def test_saving_counts_versions_and_audits(sqlite_storage: Storage) -> None:
    async with sqlite_storage.uow() as uow:
        city = await make_city(uow, "Kazan")
        await uow.commit()
    async with sqlite_storage.uow() as uow:
        first = await save_template(
            uow, CATALOG, "welcome", "en", city.id, "Hi {{ name }}", actor="tester"
        )
    assert isinstance(first, Success)
    assert first.value.version == 1
    async with sqlite_storage.uow() as uow:
        row = await uow.templates.get_exact("welcome", "en", city.id)
        assert row is not None
        row.active = False  # switched off meanwhile: saving switches it on again
        await uow.commit()
    async with sqlite_storage.uow() as uow:
        second = await save_template(
            uow, CATALOG, "welcome", "en", city.id, "Hey {{ name }}", actor="tester"
        )
    assert isinstance(second, Success)
    assert (second.value.id, second.value.version, second.value.active) == (
        first.value.id,
        2,
        True,
    )
    async with sqlite_storage.uow() as uow:
        assert await render_message(uow, CATALOG, "welcome", "en", city.id, name="Ann") == (
            "Hey Ann"
        )
        entries = await uow.audit.list(AuditLogEntry.entity == "message_template")
    assert [(e.action, e.actor, e.details["version"]) for e in entries] == [
        ("create", "tester", 1),
        ("update", "tester", 2),
    ]


async def test_saving_refuses_unknown_places_and_bad_bodies(sqlite_storage: Storage) -> None:
    cases = [
        (("welcome", "de", None, "Hi"), "locale"),
        (("welcome", "en", 999, "Hi"), "city_id"),
        (("welcome", "en", None, "Hi {{ nmae }}"), "body"),
    ]
    for (key, locale, city_id, body), field in cases:
        async with sqlite_storage.uow() as uow:
            result = await save_template(uow, CATALOG, key, locale, city_id, body, actor="t")
        assert isinstance(result, Failure)
        assert isinstance(result.error, InvalidField)
        assert result.error.field == field
    async with sqlite_storage.uow() as uow:
        result = await save_template(uow, CATALOG, "nope", "en", None, "Hi", actor="t")
        assert isinstance(result, Failure)
        assert isinstance(result.error, NotFound)
        assert await uow.templates.count() == 0


async def test_reset_deletes_only_that_override(sqlite_storage: Storage) -> None:
    async with sqlite_storage.uow() as uow:
        city = await make_city(uow, "Kazan")
        uow.templates.add(MessageTemplate(key="welcome", locale="en", body="Global {{ name }}"))
        uow.templates.add(
            MessageTemplate(key="welcome", locale="en", city_id=city.id, body="City {{ name }}")
        )
        await uow.commit()
    async with sqlite_storage.uow() as uow:
        assert await reset_template(uow, "welcome", "en", city.id, actor="tester")
    async with sqlite_storage.uow() as uow:
        assert not await reset_template(uow, "welcome", "en", city.id, actor="tester")
        text = await render_message(uow, CATALOG, "welcome", "en", city.id, name="Ann")
        entries = await uow.audit.list(AuditLogEntry.entity == "message_template")
    assert text == "Global Ann"  # back to the override for all cities
    assert [(e.action, e.details["body"]) for e in entries] == [("reset", "City {{ name }}")]
