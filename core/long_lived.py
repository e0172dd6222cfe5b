"""What start-up builds lives as long as the process: set aside from the garbage collector.

After start-up the process holds about 330,000 objects the collector tracks (modules, classes,
the application's parts) that will never be garbage. A full collection walks them all: on this
machine a 0.19 s pause, which falls on whichever update or request allocates at that moment
(issue 15: CPU and the slowest replies). `gc.freeze()` moves them to a generation the collector
never walks; `gc.collect()` first, so nothing that is already garbage is kept.

`set_aside_long_lived` is called once the application has started (runtime.serve); from then
on, a part built later (admin.lazy_app: the panel's pages, the API) is set aside too once built.
`release_long_lived` gives everything back at shutdown, so that a process running the
application more than once (the tests) collects what each run left."""

from __future__ import annotations

import gc

_serving = False  # started and not stopped: what is built now lives as long as the process


def set_aside_long_lived() -> None:
    global _serving
    _serving = True
    gc.collect()
    gc.freeze()


def set_aside_if_serving() -> None:
    """After a part is built while the application serves (outside it, nothing: a test that
    builds parts without starting the application keeps its garbage collectable)."""
    if _serving:
        set_aside_long_lived()


def release_long_lived() -> None:
    global _serving
    _serving = False
    gc.unfreeze()
