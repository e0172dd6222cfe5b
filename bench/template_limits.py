"""`python -m bench.template_limits`: how long one template render can hold the event loop.

Every template bomb of tests/security/test_template_limits.py (and the issue's probe: two
nested `range(10000)` loops, 11 s before the limits) is rendered, compiled once beforehand as
the bot's cache keeps it, until it is refused; and the heaviest body the limits still let
through (loop turns, calls and characters just under the budgets). Each beside the render of
a shipped template (`welcome`), measured in the same run: the figures are the slowest of the
runs and their median in milliseconds (on a busy machine the slowest includes the moments the
process was not running at all), and the median as a multiple of the ordinary render.

Then the longest the event loop waits (between ticks of a 1 ms timer) while the panel checks
a 4,000-character body, which Jinja takes about 100 ms to parse and compile: the check done
in the templates' worker thread, as the panel and the API do it, beside the same check done
on the loop, in the same run."""

from __future__ import annotations

import asyncio
import contextlib
import importlib
import statistics
import time
from collections.abc import Awaitable, Callable

from jinja2 import TemplateError

from domain.messaging.rendering import MAX_STEPS, render
from domain.messaging.templates import preview_aside, preview_body
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


BIG_BODY = ("{{ name }} " * 400)[:4000]


async def _longest_wait(work: Callable[[str], Awaitable[object]]) -> float:
    """The longest gap between ticks of a 1 ms timer while `work` runs, in milliseconds."""
    longest = 0.0
    done = False

    async def ticker() -> None:
        nonlocal longest
        last = time.perf_counter()
        while not done:
            await asyncio.sleep(0.001)
            now = time.perf_counter()
            longest = max(longest, (now - last) * 1000)
            last = now

    ticking = asyncio.create_task(ticker())
    await asyncio.sleep(0.01)
    for n in range(5):  # a new body each time: compiled anew
        await work(BIG_BODY + " " * n)
    done = True
    await ticking
    return longest


async def _loop_waits() -> None:
    catalog = Catalog.load("ru")

    async def on_the_loop(body: str) -> object:
        return preview_body(catalog, "welcome", body)

    async def in_the_worker(body: str) -> object:
        return await preview_aside(catalog, "welcome", body)

    async def nothing(_body: str) -> object:
        await asyncio.sleep(0.03)  # about as long as the checks take
        return None

    idle = await _longest_wait(nothing)
    inline = await _longest_wait(on_the_loop)
    aside = await _longest_wait(in_the_worker)
    print(f"longest event-loop wait while checking a {len(BIG_BODY)}-character body:")
    print(f"  in the worker thread {aside:.1f} ms, on the loop {inline:.1f} ms", end="")
    print(f" ({inline / aside:.0f} x shorter aside); with no check at all {idle:.1f} ms")


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
    asyncio.run(_loop_waits())


if __name__ == "__main__":
    main()
