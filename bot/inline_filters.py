"""Plain-function filters run on the event loop, not in a worker thread.

aiogram awaits a filter that is a coroutine function or a `Filter`, and hands any other
callable (`F.text`, `~F.text.startswith("/")`, a lambda) to `asyncio.to_thread`: a trip to a
worker thread and back for every check, which costs far more than the attribute read it runs
(a screening answer checked four of them). Called once on the built dispatcher, this marks those
filters awaitable behind a coroutine that calls them in place; what they decide is unchanged.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from aiogram import Router
from aiogram.dispatcher.event.handler import FilterObject


def run_sync_filters_inline(root: Router) -> int:
    """Every plain-function filter under `root` (handlers' and routers' own) made to run in
    place; the number changed."""
    changed = 0
    for router in root.chain_tail:
        for observer in router.observers.values():
            for handler in [observer._handler, *observer.handlers]:  # the router's own first
                for event_filter in handler.filters or ():
                    if not event_filter.awaitable:
                        _inline(event_filter)
                        changed += 1
    return changed


def _inline(event_filter: FilterObject) -> None:
    check: Callable[..., Any] = event_filter.callback

    async def in_place(*args: Any, **kwargs: Any) -> Any:
        return check(*args, **kwargs)

    # The parameters it is given were read from `check` when it was registered; they stay.
    event_filter.callback = in_place
    event_filter.awaitable = True
