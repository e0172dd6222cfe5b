"""What start-up builds lives as long as the process: set aside from the garbage collector.

Everything imported and built before the first update (aiogram's routers and types, SQLAlchemy's
mappers and compiled statements, the catalogs, the web app) lives as long as the process: about
330,000 objects the collector tracks. Left in its generations, every full collection walks them
all again, for nothing: on this machine a 0.19 s pause, falling on whichever update or request
allocates at that moment (issue 15: CPU and the slowest replies). `gc.freeze()` moves them to a
generation the collector never walks; `gc.collect()` first, so nothing that is already garbage
is kept. Only the first set-aside in a process collects every generation; a later one (a part
built later, another application started in the same process) collects the young ones only:
garbage that reached the oldest generation meanwhile is set aside with the rest, and a full
pass over a large heap (a test process, late in the suite) costs seconds.

runtime.serve calls `set_aside_long_lived` once start-up is done, before the bot polls; from
then on a part built later (admin.lazy_app: the panel's pages, the API) is set aside too once
built. That happens inside the request that built it, so whatever else is alive at that moment
(another request's or update's objects) is set aside with it, and if it later becomes garbage
in a reference cycle it stays until shutdown: bounded, as it happens at most once per part.
`release_long_lived` gives everything back when the last running application stops, so that
a process running the application more than once (the tests) collects what each run left."""

from __future__ import annotations

import gc

_serving = 0  # applications started and not stopped in this process
_collected_all = False  # a full collection has preceded a set-aside in this process


def set_aside_long_lived() -> None:
    """Once an application has started (each call counts one more running)."""
    global _serving
    _serving += 1
    _set_aside()


def set_aside_if_serving() -> None:
    """After a part is built while an application serves (outside one, nothing: a test that
    builds parts without starting the application keeps its garbage collectable)."""
    if _serving:
        _set_aside()


def release_long_lived() -> None:
    """Once an application has stopped; the last one gives everything back."""
    global _serving
    _serving = max(0, _serving - 1)
    if not _serving:
        gc.unfreeze()


def _set_aside() -> None:
    global _collected_all
    if _collected_all:
        gc.collect(1)  # the young generations: what was made since the last set-aside
    else:
        gc.collect()
        _collected_all = True
    gc.freeze()
