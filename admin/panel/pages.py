"""The panel's pages, one module each: imported and routed when the first request for a page
arrives (admin.lazy_app), not at start-up."""

from __future__ import annotations

from aiohttp import web

from admin.panel import (
    accounts,
    audit,
    auto_message_live,
    auto_messages,
    board,
    busy_calendar,
    calendar,
    candidate_files,
    candidates,
    cities,
    dashboard,
    inbox,
    login,
    message_templates,
    questions,
    recruiters,
    slot_page,
    slots,
    vacancies,
)

PAGES = (
    login,
    dashboard,
    cities,
    recruiters,
    candidates,
    board,
    candidate_files,
    auto_messages,
    auto_message_live,
    audit,
    inbox,
    accounts,
    slot_page,
    slots,
    busy_calendar,
    questions,
    message_templates,
    vacancies,
    calendar,
)


def create_pages() -> web.Application:
    """The pages' routes, in an application of their own mounted at the panel's root (it has
    no middlewares: the admin app's run for it)."""
    app = web.Application()
    for page in PAGES:
        page.install(app)
    return app
