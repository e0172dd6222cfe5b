"""The template preview (and a candidate's thread) shows Telegram HTML as Telegram does, and
nothing a body holds can put a script, an event handler or a foreign link on the page."""

from __future__ import annotations

from html.parser import HTMLParser

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from domain.messaging.telegram_view import safe_link, telegram_view

# What may reach the page: these tags, with these attributes and values, and nothing else.
ALLOWED_CLASSES = {
    "span": {None, "tg-spoiler", "tg-emoji"},
    "blockquote": {"tg-quote", "tg-quote expandable"},
    "a": {None, "muted"},
}
PLAIN = {"b", "i", "u", "s", "code", "pre"}


class _Checker(HTMLParser):
    """Parses the output as a browser would and fails on anything outside the whitelist."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.open: list[str] = []
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if tag in PLAIN:
            assert not attrs, (tag, attrs)
        elif tag in ("span", "blockquote"):
            assert set(values) <= {"class"}, attrs
            assert values.get("class") in ALLOWED_CLASSES[tag], attrs
        elif tag == "a":
            assert set(values) <= {"href", "rel", "target", "class"}, attrs
            if "href" in values:
                assert safe_link(values["href"]) == values["href"], attrs
                assert values["rel"] == "noopener noreferrer nofollow"
                assert values["target"] == "_blank"
            else:
                assert values.get("class") in ALLOWED_CLASSES["a"], attrs
        else:
            raise AssertionError(f"tag {tag} reached the page")
        self.open.append(tag)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        raise AssertionError(f"empty tag {tag} reached the page")

    def handle_endtag(self, tag: str) -> None:
        assert self.open and self.open[-1] == tag, (tag, self.open)
        self.open.pop()

    def handle_data(self, data: str) -> None:
        self.text.append(data)

    def handle_comment(self, data: str) -> None:
        raise AssertionError("a comment reached the page")

    def handle_decl(self, decl: str) -> None:
        raise AssertionError("a declaration reached the page")

    def handle_pi(self, data: str) -> None:
        raise AssertionError("a processing instruction reached the page")

    def unknown_decl(self, data: str) -> None:
        raise AssertionError("a declaration reached the page")


def _check(shown: str) -> str:
    checker = _Checker()
    checker.feed(shown)
    checker.close()
    assert checker.open == [], "every tag is closed"
    return "".join(checker.text)


FORMATTED = [
    ("<b>Hi</b> Anna\nsee you", "<b>Hi</b> Anna\nsee you"),
    (
        "<strong>a</strong><em>b</em><ins>c</ins><strike>d</strike>",
        "<b>a</b><i>b</i><u>c</u><s>d</s>",
    ),
    (
        '<span class="tg-spoiler">x</span><tg-spoiler>y</tg-spoiler>',
        '<span class="tg-spoiler">x</span><span class="tg-spoiler">y</span>',
    ),
    (
        "<blockquote expandable>q</blockquote>",
        '<blockquote class="tg-quote expandable">q</blockquote>',
    ),
    ('<tg-emoji emoji-id="5368324170671202286">👍</tg-emoji>', '<span class="tg-emoji">👍</span>'),
    ('<pre><code class="language-python">x = 1</code></pre>', "<pre><code>x = 1</code></pre>"),
    (
        '<a href="tg://user?id=1">me</a>',
        '<a href="tg://user?id=1" rel="noopener noreferrer nofollow" target="_blank">me</a>',
    ),
]


@pytest.mark.parametrize(("telegram", "shown"), FORMATTED)
def test_telegrams_formatting_is_applied(telegram: str, shown: str) -> None:
    assert telegram_view(telegram) == shown
    _check(shown)


HOSTILE = [
    "<script>alert(1)</script>",
    "<SCRIPT SRC=//evil.example/x.js></SCRIPT>",
    '<img src=x onerror="alert(1)">',
    '<b onmouseover="alert(1)" style="position:fixed">x</b>',
    '<a href="javascript:alert(1)">x</a>',
    '<a href="JaVaScRiPt:alert(1)">x</a>',
    '<a href=" java\tscript:alert(1)">x</a>',
    '<a href="&#106;avascript:alert(1)">x</a>',
    '<a href="data:text/html,<script>alert(1)</script>">x</a>',
    '<a href="//evil.example">x</a>',
    '<a href="https:evil">x</a>',
    '<a href="https://ok.example" onclick="alert(1)">x</a>',
    '<a href="https://ok.example/"><img src=x onerror=alert(1)></a>',
    "<b><i>unclosed",
    "</b></i>stray ends",
    "<b",
    '<a href="https://x',
    "&amp;lt;script&amp;gt;alert(1)&amp;lt;/script&amp;gt;",
    "&lt;script&gt;alert(1)&lt;/script&gt;",
    "<!-- <script>alert(1)</script> -->",
    "<![CDATA[<script>alert(1)</script>]]>",
    "<?xml version='1.0'?><svg onload=alert(1)>",
    "<style>body{display:none}</style>",
    "<iframe srcdoc='<script>alert(1)</script>'></iframe>",
    "<textarea><script>alert(1)</script></textarea>",
    "<scr<script>ipt>alert(1)</scr</script>ipt>",
    '<span class="tg-spoiler" onclick="alert(1)">x</span>',
    '<blockquote cite="javascript:alert(1)" expandable>x</blockquote>',
    "<b/><i/>",
]


@pytest.mark.parametrize("telegram", HOSTILE)
def test_hostile_markup_stays_text(telegram: str) -> None:
    shown = telegram_view(telegram)
    _check(shown)  # only whitelisted tags and attributes, all closed
    lowered = shown.lower()
    assert "<script" not in lowered and "<img" not in lowered and "<iframe" not in lowered


def test_an_entity_stays_what_telegram_shows() -> None:
    # Telegram shows "&lt;b&gt;" as the text "<b>": the page too, never as a tag.
    assert telegram_view("&lt;b&gt;x&lt;/b&gt; &amp;amp;") == "&lt;b&gt;x&lt;/b&gt; &amp;amp;"


def test_links_keep_only_web_and_telegram_addresses() -> None:
    assert safe_link("https://example.com/a?b=1") == "https://example.com/a?b=1"
    assert safe_link("tg://resolve?domain=our_bot") == "tg://resolve?domain=our_bot"
    for href in ("javascript:alert(1)", "vbscript:x", "data:,x", "/relative", "//host", "", None):
        assert safe_link(href) is None, href


PIECES = st.sampled_from(
    [
        "<", ">", "&", '"', "'", "=", "/", " ", "\n", "<b>", "</b>", "<i>", "</i>", "<a ",
        'href="', "javascript:", "https://x.example", "tg://x", "onerror=", "<script>",
        "</script>", "<!--", "-->", "<pre>", "</pre>", "<span class=tg-spoiler>", "</span>",
        "<blockquote expandable>", "</blockquote>", "&lt;", "&amp;", "&#60;", "<img src=x ",
        "<![CDATA[", "]]>", "<tg-emoji emoji-id=1>", "</a>", "<style>", "<svg/onload=x>",
    ]
)  # fmt: skip


@settings(max_examples=400, deadline=None)
@given(st.lists(st.one_of(PIECES, st.text(max_size=5)), max_size=40))
def test_no_input_gets_past_the_whitelist(pieces: list[str]) -> None:
    source = "".join(pieces)
    _check(telegram_view(source))
