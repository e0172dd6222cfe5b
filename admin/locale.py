"""The language of a panel page or an API answer: the account's choice where it made one,
otherwise the browser's (Accept-Language, among the catalogs' languages), otherwise the
product's default. Chosen once per request; what is rendered for it reads `current_locale()`."""

from __future__ import annotations

from collections.abc import Collection
from contextvars import ContextVar

from aiohttp import web
from aiohttp.typedefs import Handler

from admin.deps import DEPS
from domain.messaging.texts import Catalog

# aiohttp runs each request in a task of its own, so a value set for one never reaches another.
_locale: ContextVar[str | None] = ContextVar("panel_locale", default=None)
_catalog: ContextVar[Catalog | None] = ContextVar("panel_catalog", default=None)
OUTSIDE_A_REQUEST = "en"  # logs and scripts
API_FALLBACK = "en"  # an API client that names no language (and whose account chose none)


def current_locale() -> str:
    return _locale.get() or OUTSIDE_A_REQUEST


def current_catalog() -> Catalog:
    """The application's catalogs, for what renders a request without being handed it (template
    filters, form checks)."""
    catalog = _catalog.get()
    if catalog is None:
        raise LookupError("the admin app's catalogs are known only within one of its requests")
    return catalog


def use_locale(locale: str | None) -> None:
    """The signed-in account's own choice, once it is known; None keeps the browser's."""
    if locale:
        _locale.set(locale)


def negotiate(header: str | None, available: Collection[str], default: str) -> str:
    """The available language the browser prefers most (q-values of RFC 9110; "ru-RU" counts
    as "ru", equal weights go by order); `default` when it names none of them."""
    best: tuple[float, int] | None = None
    chosen = default
    for position, part in enumerate((header or "").split(",")):
        tag, _, params = part.strip().partition(";")
        language = tag.strip().lower().split("-")[0]
        weight = 1.0
        for param in params.split(";"):
            name, _, value = param.strip().partition("=")
            if name.strip().lower() == "q":
                try:
                    weight = float(value)
                except ValueError:
                    weight = 0.0
        if language not in available or not weight > 0:
            continue
        rank = (weight, -position)
        if best is None or rank > best:
            best, chosen = rank, language
    return chosen


@web.middleware
async def choose_locale(request: web.Request, handler: Handler) -> web.StreamResponse:
    """The browser's language, until a signed-in account's own choice replaces it."""
    deps = request.config_dict.get(DEPS)
    if deps is not None:
        catalog = deps.catalog
        _catalog.set(catalog)
        header = request.headers.get("Accept-Language")
        # A script calling the API says no language: it gets English, as it always did.
        fallback = API_FALLBACK if request.path.startswith("/api/") else catalog.default_locale
        _locale.set(negotiate(header, catalog.ui.keys(), fallback))
    return await handler(request)
