"""Every text the bot sends: locale catalogs for the interface, templates for messages."""

from __future__ import annotations

import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from jinja2 import StrictUndefined, Template, TemplateError
from jinja2.sandbox import SandboxedEnvironment

from core.settings import SUPPORTED_LOCALES
from storage.uow import UnitOfWork

LOCALES_DIR = Path(__file__).resolve().parents[2] / "locales"

# Admins' templates run here: no attribute access to Python internals, HTML escaped for Telegram.
_jinja = SandboxedEnvironment(
    autoescape=True, undefined=StrictUndefined, keep_trailing_newline=False
)


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

    def shipped_template(self, key: str, locale: str) -> str:
        body = self.templates.get(locale, {}).get(key)
        if body is None:
            body = self.templates[self.default_locale][key]
        return body


@lru_cache(maxsize=2048)
def _compiled(body: str) -> Template:
    """Compiling is most of a render's cost; shipped and admins' bodies are few and reused."""
    return _jinja.from_string(body)


def render(body: str, values: Mapping[str, Any]) -> str:
    return _compiled(body).render(**values)


def template_errors(body: str, values: Mapping[str, Any]) -> str | None:
    """Why a template body cannot be rendered with these variables, or None if it can."""
    try:
        render(body, values)
    except TemplateError as exc:
        return str(exc)
    return None


async def render_message(
    uow: UnitOfWork,
    catalog: Catalog,
    key: str,
    locale: str,
    city_id: int | None = None,
    **values: Any,
) -> str:
    """The admin's override for the city (or all cities), else the shipped default."""
    body = await uow.templates.find_body(key, locale, city_id)
    if body is not None:
        try:
            return render(body, values)
        except TemplateError:
            pass  # A broken override must never silence the bot: fall back to the default.
    return render(catalog.shipped_template(key, locale), values)
