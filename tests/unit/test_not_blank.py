"""The API document's "not blank" and the server's are the same rule: whatever Python's strip
would leave empty (spaces, but also the separators \\x1c-\\x1f and \\x85) the pattern refuses too,
so a request the document allows is never refused as blank (found by the contract fuzzing)."""

from __future__ import annotations

import re
import sys

import pytest

from admin.schemas.common import NOT_BLANK, not_blank

EVERY_SPACE = [chr(c) for c in range(sys.maxunicode + 1) if chr(c).isspace()]
# What `\s` means to a JSON Schema validator or generator (ECMA-262 WhiteSpace and
# LineTerminator), which is not Python's: tools reading the document read it this way.
ECMA_SPACE = "\t\n\v\f\r \u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000\ufeff"


def as_ecma(pattern: str) -> str:
    """The pattern with its space classes spelled out as ECMA reads them."""
    return pattern.replace("\\S", f"[^{ECMA_SPACE}]").replace("\\s", ECMA_SPACE)


@pytest.mark.parametrize("space", EVERY_SPACE, ids=[f"U+{ord(c):04X}" for c in EVERY_SPACE])
def test_a_name_of_spaces_alone_is_refused_by_the_document_and_the_server(space: str) -> None:
    assert re.search(NOT_BLANK, space * 2) is None
    assert re.search(as_ecma(NOT_BLANK), space * 2) is None
    with pytest.raises(ValueError, match="must not be blank"):
        not_blank(space * 2)


def test_a_name_with_a_letter_passes_both() -> None:
    assert re.search(NOT_BLANK, "\x1f a ")
    assert re.search(as_ecma(NOT_BLANK), "\x1f a ")
    assert not_blank("\x1f a ") == "a"
