"""Counted words on the panel's pages agree with their number in each language: "1 новый
слот", "3 новых слота", "5 новых слотов", "21 новый слот"; English "1 new slot", "2 new slots"."""

from __future__ import annotations

import pytest

from admin.panel.plurals import plural_form
from domain.messaging.texts import Catalog

CATALOG = Catalog.load("ru")


@pytest.mark.parametrize(
    ("n", "words"),
    [
        (1, "новый слот"),
        (3, "новых слота"),
        (5, "новых слотов"),
        (11, "новых слотов"),
        (14, "новых слотов"),
        (21, "новый слот"),
        (22, "новых слота"),
        (111, "новых слотов"),
        (0, "новых слотов"),
    ],
)
def test_russian_counts(n: int, words: str) -> None:
    key = f"panel.slots.new_slots.{plural_form('ru', n)}"
    assert CATALOG.text(key, "ru") == words


@pytest.mark.parametrize(("n", "words"), [(1, "Created 1 slot."), (2, "Created 2 slots.")])
def test_english_counts(n: int, words: str) -> None:
    key = f"panel.slots.created.{plural_form('en', n)}"
    assert CATALOG.text(key, "en", n=n) == words
