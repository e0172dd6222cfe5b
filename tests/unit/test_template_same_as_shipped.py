"""An override equal to the shipped text changes nothing the bot sends: it is not kept (saving
it removes the one there was, audited as a reset), unless a broader override would otherwise
send something else. Line endings and the spaces around the whole text do not count."""

from __future__ import annotations

from sqlalchemy import select

from core.result import Success
from domain.messaging.templates import (
    drop_redundant_overrides,
    is_redundant,
    preview_body,
    same_text,
    save_template,
)
from domain.messaging.texts import Catalog, render_message
from storage.models import AuditLogEntry, MessageTemplate
from tests.conftest import Storage
from tests.support.factories import make_city, make_vacancy

CATALOG = Catalog.load("ru")
WELCOME_EN = CATALOG.templates["en"]["welcome"]


def _row(body: str, city_id: int | None = None, vacancy_id: int | None = None) -> MessageTemplate:
    return MessageTemplate(
        key="welcome", locale="en", city_id=city_id, vacancy_id=vacancy_id, body=body, active=True
    )


def test_line_endings_and_outer_spaces_do_not_count() -> None:
    assert same_text("a\r\nb  \n", "a\nb")
    assert same_text("\n a\rb", "a\nb")
    assert not same_text("a  b", "a b")  # inside, every character counts
    assert not same_text("A\nb", "a\nb")


def test_the_shipped_text_is_redundant_unless_a_broader_override_differs() -> None:
    crlf = WELCOME_EN.replace("\n", "\r\n") + "\n"
    assert is_redundant(CATALOG, "welcome", "en", None, None, crlf, [])
    assert not is_redundant(CATALOG, "welcome", "en", None, None, "Hi {{ name }}", [])
    # the other language's shipped text is not this one's
    assert not is_redundant(CATALOG, "welcome", "ru", None, None, WELCOME_EN, [])
    for_all = _row("Hi {{ name }}")
    # a city's copy of the shipped text stands in front of a different text for all cities
    assert not is_redundant(CATALOG, "welcome", "en", 7, None, WELCOME_EN, [for_all])
    # ... but not of one that is itself the shipped text
    same_for_all = _row(WELCOME_EN)
    assert is_redundant(CATALOG, "welcome", "en", 7, None, WELCOME_EN, [same_for_all])
    # one switched off still counts: switched on again, it would send its text to that city
    for_all.active = False
    assert not is_redundant(CATALOG, "welcome", "en", 7, None, WELCOME_EN, [for_all])
    # a vacancy's copy stands in front of any city's different text
    assert not is_redundant(
        CATALOG, "welcome", "en", None, 3, WELCOME_EN, [_row("Kazan: {{ name }}", city_id=7)]
    )


async def test_saving_the_shipped_text_keeps_no_override(sqlite_storage: Storage) -> None:
    async with sqlite_storage.uow() as uow:
        first = await save_template(uow, CATALOG, "welcome", "en", None, "Hi {{ name }}", actor="t")
        assert isinstance(first, Success) and first.value is not None
    async with sqlite_storage.uow() as uow:
        again = await save_template(
            uow, CATALOG, "welcome", "en", None, WELCOME_EN + "\n", actor="t"
        )
        assert isinstance(again, Success) and again.value is None
    async with sqlite_storage.uow() as uow:
        assert await uow.templates.count() == 0
        actions = [
            e.action for e in await uow.audit.list(AuditLogEntry.entity == "message_template")
        ]
        assert actions == ["create", "reset"]
        text = await render_message(uow, CATALOG, "welcome", "en", None, name="Ann")
        assert text.startswith("Hello, Ann!")
        nothing = await save_template(uow, CATALOG, "welcome", "en", None, WELCOME_EN, actor="t")
        assert isinstance(nothing, Success) and nothing.value is None
        assert await uow.templates.count() == 0  # nothing stored, nothing audited
        assert len(await uow.audit.list(AuditLogEntry.entity == "message_template")) == 2


async def test_a_citys_copy_of_the_shipped_text_is_kept_under_a_different_one_for_all(
    sqlite_storage: Storage,
) -> None:
    async with sqlite_storage.uow() as uow:
        city = await make_city(uow, "Kazan")
        vacancy = await make_vacancy(uow, city)
        await uow.commit()
        await save_template(uow, CATALOG, "welcome", "en", None, "Hi {{ name }}", actor="t")
        kept = await save_template(uow, CATALOG, "welcome", "en", city.id, WELCOME_EN, actor="t")
        assert isinstance(kept, Success) and kept.value is not None
        text = await render_message(uow, CATALOG, "welcome", "en", city.id, name="Ann")
        assert text.startswith("Hello, Ann!")
        on_vacancy = await save_template(
            uow, CATALOG, "welcome", "en", None, WELCOME_EN, actor="t", vacancy_id=vacancy.id
        )
        assert isinstance(on_vacancy, Success) and on_vacancy.value is not None


def test_the_preview_uses_the_samples_of_the_templates_language() -> None:
    english_reasons = preview_body(CATALOG, "welcome", "Hi {{ name }}", "en", "ru")
    assert english_reasons.html == "Hi Анна Иванова"
    assert preview_body(CATALOG, "welcome", "Hi {{ name }}", "ru", "en").html == "Hi Anna Ivanova"
    assert preview_body(CATALOG, "welcome", "Hi {{ name }}", "ru").html == "Hi Анна Иванова"
    refused = preview_body(CATALOG, "welcome", "{{ nmae }}", "en", "ru").error
    assert refused is not None and refused.startswith("unknown variable")  # reasons in English


async def test_stored_copies_of_the_shipped_text_go_at_start(sqlite_storage: Storage) -> None:
    """Copies older data wrote (the demo stored every shipped text) would hide a later
    release's change of the shipped text: the start removes them, and only them."""
    async with sqlite_storage.uow() as uow:
        kazan = await make_city(uow, "Kazan")
        samara = await make_city(uow, "Samara")
        uow.session.add_all(
            [
                MessageTemplate(key="welcome", locale="en", body=WELCOME_EN + "\n", version=1),
                MessageTemplate(key="welcome", locale="en", city_id=kazan.id, body="Kazan!"),
                # in front of a different text for all Russian readers: it changes something
                MessageTemplate(key="welcome", locale="ru", body="Привет, {{ name }}"),
                MessageTemplate(
                    key="welcome",
                    locale="ru",
                    city_id=samara.id,
                    body=CATALOG.templates["ru"]["welcome"],
                ),
            ]
        )
        await uow.commit()
    async with sqlite_storage.uow() as uow:
        assert await drop_redundant_overrides(uow, CATALOG) == 1
    async with sqlite_storage.uow() as uow:
        left = {(r.locale, r.city_id, r.body) for r in await uow.templates.list_overrides()}
        assert left == {
            ("en", kazan.id, "Kazan!"),
            ("ru", None, "Привет, {{ name }}"),
            ("ru", samara.id, CATALOG.templates["ru"]["welcome"]),
        }
        resets = (await uow.session.scalars(select(AuditLogEntry))).all()
        assert [(e.action, e.actor) for e in resets] == [("reset", "system")]
        assert await drop_redundant_overrides(uow, CATALOG) == 0
