"""The web panel: server-rendered pages, one module per page, sharing `kit`."""

from __future__ import annotations

from pathlib import Path

import aiohttp_jinja2
import jinja2
from aiohttp import web

from admin.deps import AdminDeps
from admin.locale import current_locale
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
from admin.panel.auth import install_sessions
from admin.panel.filters import FILTERS
from admin.schemas.common import TIME_ZONES

ADMIN_DIR = Path(__file__).resolve().parent.parent
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


def install_panel(app: web.Application, deps: AdminDeps) -> None:
    install_sessions(app, deps.secret_key, secure=deps.served_over_tls)
    aiohttp_jinja2.setup(
        app,
        loader=jinja2.FileSystemLoader(ADMIN_DIR / "templates"),
        autoescape=True,
        filters=FILTERS,
    )
    env = aiohttp_jinja2.get_env(app)
    env.globals["time_zones"] = TIME_ZONES
    catalog = deps.catalog
    env.globals["t"] = lambda key, **values: catalog.text(key, current_locale(), **values)
    env.globals["locale"] = current_locale
    env.globals["locales"] = tuple(catalog.ui)
    app.router.add_static("/static/", ADMIN_DIR / "static", append_version=True)
    for page in PAGES:
        page.install(app)
