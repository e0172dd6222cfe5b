"""`python -m bench.template_limits`: how long one template render can hold the event loop.

Every template bomb of tests/security/test_template_limits.py (and the issue's probe: two
nested `range(10000)` loops, 11 s before the limits) is rendered, compiled once beforehand as
the bot's cache keeps it, until it is refused; and the heaviest body the limits still let
through (loop turns, calls and characters just under the budgets). Each beside the render of
a shipped template (`welcome`), measured in the same run: the figures are the slowest of the
runs and their median in milliseconds (on a busy machine the slowest includes the moments the
process was not running at all), and the median as a multiple of the ordinary render."""

from __future__ import annotations

import contextlib
import importlib
import statistics
import time

from jinja2 import TemplateError

from domain.messaging.rendering import MAX_STEPS, render
from domain.messaging.texts import Catalog

# The probes are the security tests' own (read at run time: the tests are not type-checked).
_PROBES = importlib.import_module("tests.security.test_template_limits")
BOMBS: dict[str, str] = _PROBES.BOMBS
NESTED_RANGES: str = _PROBES.NESTED_RANGES

RUNS = 30
VALUES = {"name": "Anna Ivanova"}
# Just under the budgets: 9 x 100 loop turns, each writing a little text.
HEAVIEST_ALLOWED = (
    "{% for a in range(9) %}{% for b in range(100) %}{{ name[:1] }}{% endfor %}{% endfor %}"
)


def _times(body: str) -> list[float]:
    with contextlib.suppress(TemplateError):  # compiled and cached, as the bot's are
        render(body, VALUES)
    times = []
    for _ in range(RUNS):
        start = time.perf_counter()
        with contextlib.suppress(TemplateError):
            render(body, VALUES)
        times.append((time.perf_counter() - start) * 1000)
    return times


def main() -> None:
    shipped = Catalog.load("ru").shipped_template("welcome", "en")
    ordinary = statistics.median(_times(shipped))
    print(f"ordinary render (shipped 'welcome'): median {ordinary:.3f} ms over {RUNS} runs")
    print(f"{'body':45} {'median ms':>10} {'slowest ms':>10} {'x ordinary':>11}")
    bodies = {
        "the issue's probe (2 x range(10000))": NESTED_RANGES,
        **BOMBS,
        f"heaviest allowed (~{MAX_STEPS} steps)": HEAVIEST_ALLOWED,
    }
    for label, body in bodies.items():
        times = _times(body)
        median = statistics.median(times)
        print(f"{label[:45]:45} {median:10.2f} {max(times):10.2f} {median / ordinary:11.0f}")


if __name__ == "__main__":
    main()
