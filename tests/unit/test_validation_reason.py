"""One wording of a form's or a body's bad field, for the panel and the API alike: pydantic's own
English in English, the catalog's words by the error's type in Russian (never English there)."""

from __future__ import annotations

import contextvars
from typing import Any

import pytest

from admin.errors import validation_reason
from admin.locale import use_locale
from domain.messaging.texts import Catalog

CATALOG = Catalog.load("ru")


def _in(locale: str, error: dict[str, Any]) -> str:
    def said() -> str:
        use_locale(locale)
        return validation_reason(error, CATALOG)

    return contextvars.copy_context().run(said)


@pytest.mark.parametrize(
    ("error", "english", "russian"),
    [
        ({"type": "missing", "msg": "Field required"}, "Field required", "Обязательное поле"),
        (
            {"type": "less_than_equal", "msg": "Input should be ≤ 5", "ctx": {"le": 5}},
            "Input should be ≤ 5",
            "Должно быть не больше 5",
        ),
        (
            {"type": "uuid_parsing", "msg": "Input should be a valid UUID"},
            "Input should be a valid UUID",
            "Неверное значение",
        ),
        (
            {
                "type": "enum",
                "msg": "Input should be 'a' or 'b'",
                "ctx": {"expected": "'a' or 'b'"},
            },
            "Input should be 'a' or 'b'",
            "Выберите одно из допустимых значений",
        ),
        (
            {"type": "value_error", "msg": "Value error, reason.required"},
            CATALOG.text("reason.required", "en"),
            CATALOG.text("reason.required", "ru"),
        ),
    ],
)
def test_a_bad_field_is_said_in_the_requests_language(
    error: dict[str, Any], english: str, russian: str
) -> None:
    assert _in("en", error) == english
    assert _in("ru", error) == russian


def test_a_context_the_text_does_not_name_falls_back_to_the_general_words() -> None:
    # A Russian text needing {le} given an error without it: the general words, not English.
    error = {"type": "less_than_equal", "msg": "Input should be small"}
    assert _in("ru", error) == "Неверное значение"
    assert _in("en", error) == "Input should be small"
