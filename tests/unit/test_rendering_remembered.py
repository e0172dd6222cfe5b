"""A template rendered with the same plain values as lately is answered from memory
(domain.messaging.rendering): the same text, no Jinja, and never an error remembered."""

from __future__ import annotations

import pytest
from markupsafe import Markup

from domain.messaging.rendering import TemplateLimit, _render_remembered, render


def _hits() -> int:
    return _render_remembered.cache_info().hits


def test_the_same_shared_values_are_rendered_once() -> None:
    body = "See {{ policy_url }}: {{ age }} ({{ ok }}, {{ none }}). #remembered-1"
    values = {"policy_url": "https://x.test/p", "age": 30, "ok": True, "none": None}
    first = render(body, values)
    hits = _hits()
    assert (
        render(body, dict(values))
        == first
        == "See https://x.test/p: 30 (True, None). #remembered-1"
    )
    assert _hits() == hits + 1
    assert render(body, {**values, "age": 31}).endswith(": 31 (True, None). #remembered-1")


def test_a_persons_words_are_rendered_each_time_and_kept_nowhere() -> None:
    body = "Hello, {{ name }}! {{ 0.0 }} #remembered-5"
    hits, size = _hits(), _render_remembered.cache_info().currsize
    for _ in range(2):
        assert render(body, {"name": "Ann"}) == "Hello, Ann! 0.0 #remembered-5"
        assert render(body, {"name": "Ann", "n": -0.0}).startswith("Hello, Ann!")
    assert (_hits(), _render_remembered.cache_info().currsize) == (hits, size)


def test_equal_values_of_other_types_are_not_mixed_up() -> None:
    body = "{{ x }} #remembered-4"
    assert [render(body, {"x": v}) for v in (1, True, 1.0, 0.0, -0.0)] == [
        "1 #remembered-4",
        "True #remembered-4",
        "1.0 #remembered-4",
        "0.0 #remembered-4",
        "-0.0 #remembered-4",
    ]


def test_values_that_are_not_plain_are_rendered_each_time() -> None:
    body = "{{ text }} #remembered-2"
    hits = _hits()
    assert render(body, {"text": Markup("<b>x</b>")}) == render(body, {"text": Markup("<b>x</b>")})
    assert render(body, {"text": ["a"]}).endswith(" #remembered-2")
    assert _hits() == hits


def test_an_error_is_raised_every_time_never_remembered() -> None:
    body = "{% for i in range(10**9) %}x{% endfor %} #remembered-3"
    for _ in range(2):
        with pytest.raises(TemplateLimit):
            render(body, {})
