"""The panel on the admin app: its sessions, templates and static files at once (an error page
for any address needs them), its pages at their first request (admin.panel.pages)."""

from __future__ import annotations

from pathlib import Path

import aiohttp_jinja2
import jinja2
from aiohttp import web

from admin.deps import AdminDeps
from admin.lazy_app import Build, LazyApp, mount_lazily
from admin.locale import current_locale
from admin.panel.auth import install_sessions
from admin.panel.filters import FILTERS
from admin.schemas.common import TIME_ZONES

ADMIN_DIR = Path(__file__).resolve().parent.parent


def install_panel(app: web.Application, deps: AdminDeps, pages: Build) -> LazyApp:
    """The panel on `app`; `pages` builds its pages' application (admin.panel.pages), called
    at the first request for one."""
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
    return mount_lazily(app, "", pages)
