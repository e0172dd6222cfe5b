"""Whether a request comes from someone signed in to the panel, for parts of the application
that stand outside the panel's own Unit of Work per request (the sandbox, in sandbox mode)."""

from __future__ import annotations

from aiohttp import web

from admin.deps import DEPS, UOW
from admin.panel.auth import current_user


async def is_signed_in(request: web.Request) -> bool:
    """The panel's own check (a live session of an active account), in a Unit of Work of its
    own."""
    deps = request.config_dict.get(DEPS)
    if deps is None:
        return False
    async with deps.uow_factory() as uow:
        request[UOW] = uow
        try:
            return await current_user(request) is not None
        finally:
            del request[UOW]
