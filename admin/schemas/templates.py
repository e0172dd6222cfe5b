"""Message template overrides and their previews."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import AfterValidator, Field, StringConstraints

from admin.schemas.common import Id, Input

MAX_BODY = 20_000


def _lines(body: str) -> str:
    """Browsers send a textarea's lines as CRLF; Telegram wants plain newlines."""
    return body.replace("\r\n", "\n").replace("\r", "\n").strip()


Body = Annotated[str, StringConstraints(min_length=1, max_length=MAX_BODY), AfterValidator(_lines)]
TemplateKey = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=100)]


class TemplatePlaceIn(Input):
    """Which override: a locale, and a city or a vacancy (neither: for all)."""

    locale: Literal["ru", "en"]
    city_id: Id | None = None
    vacancy_id: Id | None = Field(
        default=None, description="an override for one vacancy (not together with a city)"
    )


class TemplateIn(TemplatePlaceIn):
    body: Body


class TemplatePreviewIn(Input):
    key: TemplateKey
    body: Body = Field(description="the template to render with sample values")
    locale: Literal["ru", "en"] | None = Field(
        default=None, description="the template's language: the samples' (default: the default)"
    )
