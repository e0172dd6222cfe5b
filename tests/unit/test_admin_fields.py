"""How the panel and the API read ids from paths and repeated values from forms and queries."""

from __future__ import annotations

import pytest

from admin.schemas.common import MAX_ID, is_list_field, parse_id


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("7", 7),
        (str(MAX_ID), MAX_ID),
        ("0", None),
        (str(MAX_ID + 1), None),
        ("-1", None),
        (" 7", None),
        ("+7", None),
        ("٣", None),
        ("²", None),
        ("7a", None),
        ("", None),
    ],
)
def test_only_plain_digits_in_range_are_ids(raw: str, expected: int | None) -> None:
    assert parse_id(raw) == expected


def test_optional_lists_take_several_values_too() -> None:
    assert is_list_field(list[int])
    assert is_list_field(list[int] | None)
    assert not is_list_field(int | None)
    assert not is_list_field(str)
