"""Telegram's HTML parse mode: the tags it accepts, and the errors it gives for the rest. A
fact about Telegram that the product (checking templates) and the sandbox (standing in for
Telegram) both need."""

from __future__ import annotations

import html
import re

ALLOWED_TAGS = {
    "b",
    "strong",
    "i",
    "em",
    "u",
    "ins",
    "s",
    "strike",
    "del",
    "span",
    "tg-spoiler",
    "a",
    "tg-emoji",
    "code",
    "pre",
    "blockquote",
}
_TAG = re.compile(
    r"<(/?)([a-zA-Z][a-zA-Z0-9-]*)((?:\s+[a-zA-Z-]+(?:\s*=\s*(?:\"[^\"]*\"|'[^']*'|[^\s>]+))?)*)\s*(/?)>"
)
_ENTITY = re.compile(r"&(?:lt|gt|amp|quot|#\d{1,7}|#x[0-9a-fA-F]{1,6});")


class MarkupRefused(ValueError):
    """Markup Telegram would refuse; `reason` in Telegram's own words."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def html_to_text(source: str) -> str:
    """The text a user sees; raises MarkupRefused where Telegram would refuse the markup."""
    out: list[str] = []
    stack: list[str] = []
    i = 0
    while i < len(source):
        char = source[i]
        if char == "<":
            match = _TAG.match(source, i)
            if match is None:
                raise MarkupRefused(
                    f"unexpected end of name token at byte offset {_offset(source, i)}"
                )
            closing, name, _attrs, _self = match.groups()
            name = name.lower()
            if name not in ALLOWED_TAGS:
                kind = "end" if closing else "start"
                raise MarkupRefused(
                    f'unsupported {kind} tag "{name}" at byte offset {_offset(source, i)}'
                )
            if closing:
                if not stack:
                    raise MarkupRefused(f"unexpected end tag at byte offset {_offset(source, i)}")
                if stack[-1] != name:
                    raise MarkupRefused(
                        f"unmatched end tag at byte offset {_offset(source, i)}, "
                        f'expected "</{stack[-1]}>", found "</{name}>"'
                    )
                stack.pop()
            else:
                stack.append(name)
            i = match.end()
        elif char == "&":
            match = _ENTITY.match(source, i)
            if match is None:
                out.append(char)
                i += 1
            else:
                out.append(html.unescape(match.group(0)))
                i = match.end()
        else:
            out.append(char)
            i += 1
    if stack:
        raise MarkupRefused(f'can\'t find end tag corresponding to start tag "{stack[-1]}"')
    return "".join(out)


def _offset(source: str, i: int) -> int:
    """Where `i` falls in the UTF-8 bytes of `source`: counted only for an error, since doing it
    at every tag makes a long text with many tags take quadratic time."""
    return len(source[:i].encode("utf-8"))


def utf16_length(text: str) -> int:
    """Telegram measures text in UTF-16 code units."""
    return len(text.encode("utf-16-le")) // 2
