"""A counted noun in the panel's language: the catalogs hold a key per plural form
(`<key>.one`, `<key>.few`, `<key>.many`; English says the same for "few" and "many")."""

from __future__ import annotations

from typing import Any

from aiohttp import web

from admin.locale import current_locale
from admin.panel.kit import text


def plural_form(locale: str, n: int) -> str:
    """CLDR's cardinal categories for whole numbers, for the catalogs' languages."""
    if locale == "ru":
        if n % 10 == 1 and n % 100 != 11:
            return "one"
        if 2 <= n % 10 <= 4 and not 12 <= n % 100 <= 14:
            return "few"
        return "many"
    return "one" if n == 1 else "many"


def counted(request: web.Request, key: str, n: int, **values: Any) -> str:
    """The text of `key` for `n` things ({n} in the text is the number)."""
    return text(request, f"{key}.{plural_form(current_locale(), n)}", n=n, **values)
