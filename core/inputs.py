"""What may come in from outside (the chat, the panel, the API) before it reaches the domain
and the database: ids within the database's integer columns, no NUL characters (PostgreSQL
refuses them in text, so a name carrying one could not be stored), JSON nested only so deep.
Each entry point applies these where its input arrives; the rules themselves live here."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

MAX_ID = 2**31 - 1  # ids are 32-bit INTEGER columns (PostgreSQL's, and the same on SQLite)
NUL = "\x00"
NUL_REASON = "must not contain NUL (\\u0000) characters"
MAX_JSON_DEPTH = 32  # far beyond any body the API takes; deeper is refused, never recursed into


def without_nul(text: str) -> str:
    """`text` with its NUL characters taken out (what a Telegram name or answer becomes)."""
    return text.replace(NUL, "") if NUL in text else text


def _nodes(value: Any) -> Iterator[tuple[str, Any, int]]:
    """Every value inside parsed JSON with its path ("a.0.b") and depth, without recursion."""
    stack: list[tuple[str, Any, int]] = [("", value, 0)]
    while stack:
        path, item, depth = stack.pop()
        yield path, item, depth
        if isinstance(item, dict):
            children: Any = item.items()
        elif isinstance(item, list):
            children = enumerate(item)
        else:
            continue
        for key, child in children:
            name = f"{path}.{key}" if path else str(key)
            if isinstance(key, str) and NUL in key:
                yield name, key, depth + 1
            stack.append((name, child, depth + 1))


def json_problem(value: Any, max_depth: int = MAX_JSON_DEPTH) -> tuple[str, str] | None:
    """Why parsed JSON cannot be taken, as (the path of the first bad part, the reason): nested
    deeper than `max_depth`, or text with a NUL character. None when it is fine."""
    for path, item, depth in _nodes(value):
        if depth > max_depth:
            return path or "body", f"nested deeper than {max_depth} levels"
        if isinstance(item, str) and NUL in item:
            return path or "body", NUL_REASON
    return None
