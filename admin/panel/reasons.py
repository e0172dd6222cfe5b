"""A form's reasons given as catalog keys (a schema's own rule), said in the panel's language;
any other reason is left as it is."""

from __future__ import annotations

from aiohttp import web

from admin.panel.kit import deps, text


def said(request: web.Request, errors: dict[str, str]) -> dict[str, str]:
    catalog = deps(request).catalog
    return {
        field: text(request, reason) if catalog.has(reason) else reason
        for field, reason in errors.items()
    }
