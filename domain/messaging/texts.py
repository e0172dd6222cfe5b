"""Every text the bot sends: locale catalogs for the interface, templates for messages."""

from __future__ import annotations

import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import structlog

from core.settings import SUPPORTED_LOCALES
from domain.messaging.rendering import compile_aside, render
from storage.uow import UnitOfWork

log = structlog.get_logger(__name__)

LOCALES_DIR = Path(__file__).resolve().parents[2] / "locales"


@dataclass(frozen=True)
class Catalog:
    ui: Mapping[str, Mapping[str, str]]
    templates: Mapping[str, Mapping[str, str]]
    default_locale: str

    @classmethod
    def load(cls, default_locale: str, directory: Path = LOCALES_DIR) -> Catalog:
        ui: dict[str, dict[str, str]] = {}
        templates: dict[str, dict[str, str]] = {}
        for locale in SUPPORTED_LOCALES:
            with (directory / f"{locale}.toml").open("rb") as fh:
                data = tomllib.load(fh)
            ui[locale] = dict(data.get("ui", {}))
            templates[locale] = dict(data.get("templates", {}))
        return cls(ui=ui, templates=templates, default_locale=default_locale)

    def locale_for(self, language_code: str | None) -> str:
        code = (language_code or "").split("-")[0].lower()
        return code if code in self.ui else self.default_locale

    def text(self, key: str, locale: str, **values: Any) -> str:
        """An interface string; missing in the locale falls back to the default locale."""
        raw = self.ui.get(locale, {}).get(key) or self.ui[self.default_locale].get(key, key)
        return raw.format(**values) if values else raw

    def has(self, key: str) -> bool:
        """Whether `key` is an interface string of the catalogs."""
        return key in self.ui[self.default_locale]

    def shipped_template(self, key: str, locale: str) -> str:
        body = self.templates.get(locale, {}).get(key)
        if body is None:
            body = self.templates[self.default_locale][key]
        return body


async def render_message(
    uow: UnitOfWork,
    catalog: Catalog,
    key: str,
    locale: str,
    city_id: int | None = None,
    *,
    vacancy_id: int | None = None,
    **values: Any,
) -> str:
    """The admin's override for the vacancy, else for the city, else for all, else the
    shipped default. A message to a candidate passes their application's vacancy."""
    body = await uow.templates.find_body(key, locale, city_id, vacancy_id)
    if body is not None:
        await compile_aside(body)  # a new override compiles off the event loop
        try:
            return render(body, values)
        except Exception as exc:  # a broken override must never silence the bot
            log.warning("template.override_failed", key=key, locale=locale, error=repr(exc)[:300])
    shipped = catalog.shipped_template(key, locale)
    await compile_aside(shipped)
    return render(shipped, values)
