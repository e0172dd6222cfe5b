"""What start-up builds lives as long as the process: set aside from the garbage collector.

Everything imported and built before the first update (aiogram's routers and types, SQLAlchemy's
mappers and compiled statements, the catalogs, the web app) lives as long as the process: about
330,000 objects the collector tracks. Left in its generations, every full collection walks them
all again, for nothing: on this machine a 0.19 s pause, falling on whichever update or request
allocates at that moment (issue 15: CPU and the slowest replies). `gc.freeze()` moves them to a
generation the collector never walks; `gc.collect()` first, so nothing that is already garbage
is kept.

runtime.serve calls `set_aside_long_lived` once start-up is done, before the first update; from
then on a part built later (admin.lazy_app: the panel's pages, the API) is set aside too once
built. `release_long_lived` gives everything back at shutdown, so that a process running the
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
