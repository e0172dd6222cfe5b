"""Texts: catalogs in both languages, templates rendered safely."""

from __future__ import annotations

import pytest
from jinja2.exceptions import SecurityError, UndefinedError

from domain.messaging.rendering import render
from domain.messaging.templates import check_body
from domain.messaging.texts import Catalog


@pytest.fixture
def catalog() -> Catalog:
    return Catalog.load("ru")


def test_every_key_exists_in_both_languages(catalog: Catalog) -> None:
    assert set(catalog.ui["ru"]) == set(catalog.ui["en"])
    assert set(catalog.templates["ru"]) == set(catalog.templates["en"])


def test_language_codes_map_to_supported_locales(catalog: Catalog) -> None:
    assert catalog.locale_for("en") == "en"
    assert catalog.locale_for("en-GB") == "en"
    assert catalog.locale_for("ru") == "ru"
    assert catalog.locale_for("de") == "ru"
    assert catalog.locale_for(None) == "ru"


def test_shipped_templates_render_in_each_language(catalog: Catalog) -> None:
    en = render(catalog.shipped_template("welcome", "en"), {"name": "Ann"})
    ru = render(catalog.shipped_template("welcome", "ru"), {"name": "Анна"})
    assert en.startswith("Hello, Ann!")
    assert ru.startswith("Здравствуйте, Анна!")


def test_values_are_escaped_for_telegram_html() -> None:
    assert render("Hi {{ name }}", {"name": "<b>x</b> & y"}) == "Hi &lt;b&gt;x&lt;/b&gt; &amp; y"


def test_templates_cannot_reach_python_internals() -> None:
    with pytest.raises(SecurityError):
        render("{{ name.__class__.__mro__ }}", {"name": "x"})


def test_unknown_variables_are_reported_not_silently_blank() -> None:
    with pytest.raises(UndefinedError):
        render("Hi {{ nmae }}", {"name": "x"})
    catalog = Catalog.load("ru")
    assert check_body(catalog, "Hi {{ nmae }}", frozenset({"name"})).error is not None
    assert check_body(catalog, "Hi {{ name }}", frozenset({"name"})).error is None
