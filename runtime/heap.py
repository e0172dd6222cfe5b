"""The garbage collector, told what start-up built.

Everything imported and built before the first update (aiogram's routers and types, SQLAlchemy's
mappers and compiled statements, the catalogs) lives as long as the process. Left in the
collector's generations, every collection that reaches them walks those hundreds of thousands
of objects again, for nothing: a tenth of the CPU an update costs. `settle_heap` collects once
and freezes what is left, so later collections walk only what updates make."""

from __future__ import annotations

import gc


def settle_heap() -> None:
    """Call once, after start-up has built everything and before updates arrive. Not for tests:
    what is frozen is never collected, and a test process builds many applications."""
    gc.collect()
    gc.freeze()
