"""A message the bot sent, shown in the panel as Telegram showed it: its formatting kept,
everything else (tags Telegram does not know, attributes, script links) shown as text."""

from __future__ import annotations

import pytest

from admin.panel.filters import telegram_html


@pytest.mark.parametrize(
    ("sent", "shown"),
    [
        ("<b>Anna</b>: 9 &lt; 10 &amp; ok", "<b>Anna</b>: 9 &lt; 10 &amp; ok"),
        (
            "<strong>a</strong> <em>b</em> <ins>c</ins> <del>d</del>",
            "<b>a</b> <i>b</i> <u>c</u> <s>d</s>",
        ),
        ("<script>alert(1)</script>", "&lt;script&gt;alert(1)&lt;/script&gt;"),
        ('<b onclick="x">y</b>', "<b>y</b>"),
        ('<img src=x onerror="alert(1)">', "&lt;img src=x onerror=&quot;alert(1)&quot;&gt;"),
        ('<a href="javascript:alert(1)">map</a>', '<a class="muted">map</a>'),
        (
            '<a href="https://e.example/?q=1&amp;z=2">map</a>',
            '<a href="https://e.example/?q=1&amp;z=2" rel="noopener noreferrer nofollow"'
            ' target="_blank">map</a>',
        ),
        ("<i>left open", "<i>left open</i>"),
        ("<b><i>x</b>", "<b><i>x</i></b>"),
        ("a </b> b", "a &lt;/b&gt; b"),
        ("", ""),
    ],
)
def test_formatting_is_kept_and_the_rest_is_text(sent: str, shown: str) -> None:
    assert str(telegram_html(sent)) == shown
