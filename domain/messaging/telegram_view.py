"""A message as Telegram shows it, for a page: the Telegram HTML the bot sends (or sent)
turned into HTML a browser may insert. A whitelist built on the standard library's parser:
Telegram's own tags become their plain-HTML look-alikes, links keep only an http, https or tg
address, and everything else (any other tag, any attribute, comments) is shown as the text it
is, escaped. Nothing a template or a stored message holds can add a script, an event handler
or a style to the panel. Line breaks stay newlines: the page shows them (white-space:
pre-wrap). The one sanitiser of the panel: the template preview and a candidate's thread."""

from __future__ import annotations

import html
from html.parser import HTMLParser
from urllib.parse import urlsplit

LINK_SCHEMES = frozenset({"http", "https", "tg"})
# Telegram's tag -> (the page's tag, its class or "").
_SIMPLE = {
    "b": ("b", ""),
    "strong": ("b", ""),
    "i": ("i", ""),
    "em": ("i", ""),
    "u": ("u", ""),
    "ins": ("u", ""),
    "s": ("s", ""),
    "strike": ("s", ""),
    "del": ("s", ""),
    "code": ("code", ""),
    "pre": ("pre", ""),
    "tg-spoiler": ("span", "tg-spoiler"),
    "tg-emoji": ("span", "tg-emoji"),
}


def safe_link(href: str | None) -> str | None:
    """The address a link may keep: absolute, http, https or tg, with no whitespace or control
    character a browser would skip over (``java\\tscript:``); else None."""
    if not href:
        return None
    href = href.strip()
    if any(ord(c) <= 0x20 or ord(c) == 0x7F for c in href):
        return None
    try:
        parts = urlsplit(href)
    except ValueError:
        return None
    if parts.scheme.lower() not in LINK_SCHEMES:
        return None
    if parts.scheme.lower() != "tg" and not parts.netloc:
        return None
    return href


class _View(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.out: list[str] = []
        self.open: list[tuple[str, str]] = []  # (Telegram's tag, the page's tag)

    def _text(self, raw: str) -> None:
        self.out.append(html.escape(raw))

    def _page_tag(self, tag: str, attrs: list[tuple[str, str | None]]) -> tuple[str, str] | None:
        """The page's opening tag and its name for a Telegram tag; None for any other."""
        values = dict(attrs)
        if tag in _SIMPLE:
            name, cls = _SIMPLE[tag]
            return (f'<{name} class="{cls}">' if cls else f"<{name}>"), name
        if tag == "span":
            spoiler = (values.get("class") or "").strip() == "tg-spoiler"
            return ('<span class="tg-spoiler">' if spoiler else "<span>"), "span"
        if tag == "blockquote":
            cls = "tg-quote expandable" if "expandable" in values else "tg-quote"
            return f'<blockquote class="{cls}">', "blockquote"
        if tag == "a":
            href = safe_link(values.get("href"))
            if href is None:  # the text stays, not the address
                return '<a class="muted">', "a"
            quoted = html.escape(href, quote=True)
            return f'<a href="{quoted}" rel="noopener noreferrer nofollow" target="_blank">', "a"
        return None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        shown = self._page_tag(tag, attrs)
        if shown is None:
            self._text(self.get_starttag_text() or "")
            return
        opening, name = shown
        self.out.append(opening)
        self.open.append((tag, name))

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._text(self.get_starttag_text() or "")  # Telegram has no empty tags: <b/> is text

    def handle_endtag(self, tag: str) -> None:
        if not any(opened == tag for opened, _ in self.open):
            self._text(f"</{tag}>")
            return
        while self.open:
            opened, name = self.open.pop()
            self.out.append(f"</{name}>")
            if opened == tag:
                break

    def handle_data(self, data: str) -> None:
        self._text(data)

    def handle_comment(self, data: str) -> None:
        self._text(f"<!--{data}-->")

    def handle_decl(self, decl: str) -> None:
        self._text(f"<!{decl}>")

    def handle_pi(self, data: str) -> None:
        self._text(f"<?{data}>")

    def unknown_decl(self, data: str) -> None:
        self._text(f"<![{data}]]>")

    def finish(self) -> str:
        self.close()
        while self.open:
            self.out.append(f"</{self.open.pop()[1]}>")
        return "".join(self.out)


def telegram_view(telegram_html: str) -> str:
    """The message as HTML a page can insert as is: Telegram's formatting applied, anything
    else escaped, newlines kept as they are."""
    view = _View()
    view.feed(telegram_html)
    return view.finish()
