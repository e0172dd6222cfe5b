"""The panel's language from the browser's Accept-Language (admin.locale.negotiate)."""

from __future__ import annotations

import pytest

from admin.locale import negotiate

AVAILABLE = ("ru", "en")


@pytest.mark.parametrize(
    ("header", "chosen"),
    [
        ("ru-RU,ru;q=0.9,en-US;q=0.8,en;q=0.7", "ru"),
        ("en-GB,en;q=0.9,ru;q=0.8", "en"),
        ("de-DE,de;q=0.9,en;q=0.5,ru;q=0.4", "en"),  # the first one the panel speaks
        ("ru;q=0.3, en;q=0.8", "en"),  # by weight, not by order
        ("en, ru", "en"),  # equal weights: by order
        ("fr, de", "ru"),  # none the panel speaks: the product's default
        ("en;q=0", "ru"),  # "not English"
        ("en;q=oops, ru", "ru"),  # a broken weight counts as none
        ("", "ru"),
        (None, "ru"),
    ],
)
def test_the_browsers_preferred_language_the_panel_speaks(header: str | None, chosen: str) -> None:
    assert negotiate(header, AVAILABLE, "ru") == chosen
