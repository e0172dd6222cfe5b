"""Telegram's HTML parse mode: the tags it accepts, and the errors it gives for the rest."""

from __future__ import annotations

import html
import re

from sandbox.errors import ApiError, bad_request

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


def _parse_error(reason: str) -> ApiError:
    return bad_request(f"can't parse entities: {reason}")


def html_to_text(source: str) -> str:
    """The text a user sees; raises ApiError(400) where Telegram would refuse the markup."""
    out: list[str] = []
    stack: list[str] = []
    i = 0
    while i < len(source):
        char = source[i]
        if char == "<":
            match = _TAG.match(source, i)
            offset = len(source[:i].encode("utf-8"))
            if match is None:
                raise _parse_error(f"unexpected end of name token at byte offset {offset}")
            closing, name, _attrs, _self = match.groups()
            name = name.lower()
            if name not in ALLOWED_TAGS:
                kind = "end" if closing else "start"
                raise _parse_error(f'unsupported {kind} tag "{name}" at byte offset {offset}')
            if closing:
                if not stack:
                    raise _parse_error(f"unexpected end tag at byte offset {offset}")
                if stack[-1] != name:
                    raise _parse_error(
                        f'unmatched end tag at byte offset {offset}, expected "</{stack[-1]}>", '
                        f'found "</{name}>"'
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
        raise _parse_error(f'can\'t find end tag corresponding to start tag "{stack[-1]}"')
    return "".join(out)


def utf16_length(text: str) -> int:
    """Telegram measures text in UTF-16 code units."""
    return len(text.encode("utf-16-le")) // 2
