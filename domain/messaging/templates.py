"""Admins' overrides of the shipped message templates: which variables a message knows, a
preview with sample values, and saving or resetting an override. A body is refused before it
can reach a candidate when it names a variable its message does not know, does not render in
the bot's sandbox, is markup Telegram would refuse, or is longer than Telegram allows."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from jinja2 import TemplateError, TemplateSyntaxError, meta

from core.errors import Conflict, InvalidField, NotFound
from core.result import Failure, Result, Success
from core.settings import SUPPORTED_LOCALES
from core.telegram_html import MarkupRefused, html_to_text, utf16_length
from domain.messaging.rendering import GLOBALS, TemplateLimit, aside, parse, render
from domain.messaging.template_samples import rendered_sample, sample_for
from domain.messaging.texts import Catalog
from storage.models import MessageTemplate
from storage.uow import UnitOfWork

TELEGRAM_LIMIT = 4096
ENTITY = "message_template"
# The panel and the API speak English: the reasons a body is refused are given in it.
REASON_LOCALE = "en"
# Messages shown before the candidate has a city (the consent, the language and city
# questions): a city's override of them would never be sent, so none can be saved.
CITYLESS_KEYS = frozenset(
    {
        "consent",
        "choose_language",
        "choose_city",
        "city_not_found",
        "city_missing_ask",
        "city_wait_listed",
    }
)
CITYLESS_REASON = "reason.template.cityless"  # catalog keys: said in the reader's language


# The consent text is one for everyone: its version (a hash of it) is what a person agreed to.
ONE_FOR_ALL_KEYS = frozenset({"consent"})
ONE_FOR_ALL_REASON = "reason.template.one_for_all"


def per_city(key: str) -> bool:
    """Whether a city's own override of this message can ever be sent."""
    return key not in CITYLESS_KEYS


@dataclass(frozen=True)
class Preview:
    """What the bot would send with the sample values (Telegram HTML), or why it would not."""

    html: str | None = None
    error: str | None = None
    length: int = 0  # characters as Telegram counts them, markup left out


def template_keys(catalog: Catalog) -> list[str]:
    """Every message a template exists for, in the order the default locale ships them."""
    keys = dict.fromkeys(catalog.templates.get(catalog.default_locale, {}))
    for templates in catalog.templates.values():
        keys.update(dict.fromkeys(templates))
    return list(keys)


def _shipped_bodies(catalog: Catalog, key: str) -> list[str]:
    bodies = [t[key] for t in catalog.templates.values() if key in t]
    if not bodies:
        raise NotFound(f"template {key}")
    return bodies


@lru_cache(maxsize=2048)
def used_variables(body: str) -> frozenset[str]:
    """The variables a body reads (raises TemplateSyntaxError when it does not parse, and
    TemplateLimit for a construct the sandbox refuses). Remembered: parsing is slow (tens of
    ms for a long body) and the list pages ask it of every shipped body."""
    return frozenset(meta.find_undeclared_variables(parse(body)))


def known_variables(catalog: Catalog, key: str) -> frozenset[str]:
    """The variables the bot passes to this message: those its shipped bodies use, in any
    locale. NotFound for a key nothing is shipped for."""
    return frozenset().union(*(used_variables(body) for body in _shipped_bodies(catalog, key)))


def sample_values(catalog: Catalog, key: str, locale: str = REASON_LOCALE) -> dict[str, Any]:
    """The sample of every variable the message knows, in the language of the template
    (`locale`): what its preview is rendered with."""
    return {name: sample_for(name, locale) for name in sorted(known_variables(catalog, key))}


def _names(catalog: Catalog, locale: str, names: frozenset[str]) -> str:
    if not names:
        return catalog.text("reason.template.no_variables", locale)
    return ", ".join(sorted(names))


def preview_body(
    catalog: Catalog,
    key: str,
    body: str,
    locale: str = REASON_LOCALE,
    samples: str | None = None,
) -> Preview:
    """The body rendered with sample values in the template's language `samples` (default:
    `locale`), or the reason it cannot be used for this key (in `locale`)."""
    return check_body(catalog, body, known_variables(catalog, key), locale, samples)


def check_body(
    catalog: Catalog,
    body: str,
    known: frozenset[str],
    locale: str = REASON_LOCALE,
    samples: str | None = None,
) -> Preview:
    """Whether the bot can send this body, given the variables it will have: it parses, reads
    only `known` ones, renders within the sandbox's limits with sample values, is markup
    Telegram accepts, and is neither empty nor longer than Telegram allows. The one check of
    every text an admin writes (template overrides, auto-messages' texts). The reasons are
    said in `locale`; the samples are in `samples` (the text's own language; default: `locale`)."""
    values_locale = samples or locale
    try:
        used = used_variables(body)
    except TemplateSyntaxError as exc:
        return Preview(
            error=catalog.text(
                "reason.template.syntax", locale, line=exc.lineno, message=exc.message
            )
        )
    except TemplateLimit as exc:
        return Preview(error=catalog.text(exc.key, locale, **exc.values))
    unknown = used - known - GLOBALS
    if unknown:
        key = "reason.template.unknown_many" if len(unknown) > 1 else "reason.template.unknown_one"
        return Preview(
            error=catalog.text(
                key,
                locale,
                unknown=_names(catalog, locale, unknown),
                known=_names(catalog, locale, known),
            )
        )
    try:
        values = {name: rendered_sample(name, values_locale) for name in sorted(known)}
        rendered = render(body, values)
    except TemplateLimit as exc:
        return Preview(error=catalog.text(exc.key, locale, **exc.values))
    except TemplateError as exc:
        return Preview(error=catalog.text("reason.template.render", locale, message=str(exc)))
    except Exception as exc:  # a template's own arithmetic: 1/0, "a" + 1, …
        problem = f"{type(exc).__name__}: {exc}"
        return Preview(error=catalog.text("reason.template.render", locale, message=problem))
    try:
        visible = html_to_text(rendered)
    except MarkupRefused as exc:
        return Preview(error=catalog.text("reason.template.markup", locale, reason=exc.reason))
    length = utf16_length(visible)
    if not visible.strip():
        return Preview(error=catalog.text("reason.template.empty", locale))
    if length > TELEGRAM_LIMIT:
        return Preview(
            error=catalog.text(
                "reason.template.too_long", locale, length=length, limit=TELEGRAM_LIMIT
            )
        )
    return Preview(html=rendered, length=length)


async def preview_aside(
    catalog: Catalog,
    key: str,
    body: str,
    locale: str = REASON_LOCALE,
    samples: str | None = None,
) -> Preview:
    """preview_body in the templates' worker thread: what the panel and the API call."""
    return await aside(preview_body, catalog, key, body, locale, samples)


async def check_body_aside(catalog: Catalog, body: str, known: frozenset[str]) -> Preview:
    """check_body in the templates' worker thread: what the panel and the API call."""
    return await aside(check_body, catalog, body, known)


def _learn_shipped(catalog: Catalog) -> None:
    for key in template_keys(catalog):
        known = known_variables(catalog, key)
        for body in _shipped_bodies(catalog, key):
            check_body(catalog, body, known)


async def learn_shipped_templates(catalog: Catalog) -> None:
    """Parses and compiles every shipped template once, in the templates' worker thread (about
    200 ms in all), so that the first page or message needing them does not on the loop."""
    await aside(_learn_shipped, catalog)


def validate_body(catalog: Catalog, key: str, body: str) -> str | None:
    """Why this body cannot be saved for the key, or None."""
    return preview_body(catalog, key, body).error


async def list_overrides(uow: UnitOfWork, key: str | None = None) -> list[MessageTemplate]:
    """The admins' overrides (of one key, or all), global ones first."""
    return await uow.templates.list_overrides(key)


def same_text(one: str, other: str) -> bool:
    """Two bodies the bot would send alike: line endings and the spaces around the whole
    text (which the editor trims anyway) do not count; anything inside does."""

    def normal(body: str) -> str:
        return body.replace("\r\n", "\n").replace("\r", "\n").strip()

    return normal(one) == normal(other)


def is_redundant(
    catalog: Catalog,
    key: str,
    locale: str,
    city_id: int | None,
    vacancy_id: int | None,
    body: str,
    overrides: Iterable[MessageTemplate],
) -> bool:
    """Whether an override with this body changes nothing the bot sends: it is the shipped
    text, and no broader override that differs from it (the one for all cities, or for a
    vacancy's override any city's) would send something else without it."""
    shipped = catalog.shipped_template(key, locale)
    if not same_text(body, shipped):
        return False
    for other in overrides:
        # An inactive one counts as well: it can be switched on again.
        if other.key != key or other.locale != locale:
            continue
        if (other.city_id, other.vacancy_id) == (city_id, vacancy_id):
            continue
        for_all = other.city_id is None and other.vacancy_id is None
        broader = for_all or (vacancy_id is not None and other.vacancy_id is None)
        if broader and not same_text(other.body, shipped):
            return False
    return True


def is_redundant_row(
    catalog: Catalog, row: MessageTemplate, overrides: Iterable[MessageTemplate]
) -> bool:
    """is_redundant for a stored override, among the others stored."""
    return is_redundant(
        catalog, row.key, row.locale, row.city_id, row.vacancy_id, row.body, overrides
    )


def changing_overrides(
    catalog: Catalog, overrides: Sequence[MessageTemplate]
) -> list[MessageTemplate]:
    """The overrides that change what the bot sends: what the panel and the API list."""
    return [row for row in overrides if not is_redundant_row(catalog, row, overrides)]


async def _check_place(
    uow: UnitOfWork, locale: str, city_id: int | None, vacancy_id: int | None
) -> InvalidField | None:
    if locale not in SUPPORTED_LOCALES:
        return InvalidField("locale", "reason.one_of", choices=", ".join(SUPPORTED_LOCALES))
    if city_id is not None and vacancy_id is not None:
        return InvalidField("vacancy_id", "reason.template.city_or_vacancy")
    if city_id is not None and await uow.cities.get(city_id) is None:
        return InvalidField("city_id", "reason.no_such.city")
    if vacancy_id is not None and await uow.vacancies.get(vacancy_id) is None:
        return InvalidField("vacancy_id", "reason.no_such.vacancy")
    return None


def _audit(
    uow: UnitOfWork, action: str, row: MessageTemplate, actor: str, admin_user_id: int | None
) -> None:
    """The override as it is after a save, or as it was before a reset."""
    uow.audit.record(
        actor=actor,
        admin_user_id=admin_user_id,
        action=action,
        entity=ENTITY,
        entity_id=row.id,
        details={
            "key": row.key,
            "locale": row.locale,
            "city_id": row.city_id,
            "vacancy_id": row.vacancy_id,
            "version": row.version,
            "body": row.body,
        },
    )


async def save_template(
    uow: UnitOfWork,
    catalog: Catalog,
    key: str,
    locale: str,
    city_id: int | None,
    body: str,
    *,
    actor: str,
    admin_user_id: int | None = None,
    vacancy_id: int | None = None,
    reason_locale: str = REASON_LOCALE,
) -> Result[MessageTemplate | None, InvalidField | NotFound | Conflict]:
    """Create or change the override of `key` for a locale and a city or a vacancy (both
    None: for all), counting its versions; a body's problem said in `reason_locale`. A body
    that changes nothing (is_redundant: the shipped text) keeps no override: the one there
    was is removed (audited as a reset) and the answer is Success(None). Commits."""
    if key not in template_keys(catalog):
        return Failure(NotFound(f"template {key}"))
    refusal = await _check_place(uow, locale, city_id, vacancy_id)
    if refusal is None and city_id is not None and not per_city(key):
        refusal = InvalidField("city_id", CITYLESS_REASON)
    if refusal is None and vacancy_id is not None and key in ONE_FOR_ALL_KEYS:
        refusal = InvalidField("vacancy_id", ONE_FOR_ALL_REASON)
    if refusal is not None:
        return Failure(refusal)
    problem = (await preview_aside(catalog, key, body, reason_locale, locale)).error
    if problem is not None:
        return Failure(InvalidField("body", problem))
    row = await uow.templates.get_exact(key, locale, city_id, vacancy_id)
    overrides = await uow.templates.list_overrides(key)
    if is_redundant(catalog, key, locale, city_id, vacancy_id, body, overrides):
        if row is not None:
            _audit(uow, "reset", row, actor, admin_user_id)
            await uow.templates.delete(row)
            await uow.commit()
        return Success(None)
    if row is None:
        row = MessageTemplate(
            key=key, locale=locale, city_id=city_id, vacancy_id=vacancy_id, body=body, version=1
        )
        action = "create"
    else:
        row.body, row.version, row.active = body, row.version + 1, True
        action = "update"
    if not await uow.templates.save(row):
        await uow.rollback()
        return Failure(Conflict("reason.template.saved_meanwhile"))
    _audit(uow, action, row, actor, admin_user_id)
    await uow.commit()
    return Success(row)


async def drop_redundant_overrides(uow: UnitOfWork, catalog: Catalog) -> int:
    """Removes the stored overrides that change nothing the bot sends (copies of the shipped
    text, such as older demo data wrote): left, they would hide a later release's improvement
    of the shipped text. Audited as resets by the system. Commits; how many went."""
    keys = set(template_keys(catalog))
    overrides = await uow.templates.list_overrides()
    dropped = 0
    for row in overrides:
        if row.key not in keys:
            continue
        same_key = [o for o in overrides if o.key == row.key]
        if is_redundant(
            catalog, row.key, row.locale, row.city_id, row.vacancy_id, row.body, same_key
        ):
            _audit(uow, "reset", row, "system", None)
            await uow.templates.delete(row)
            overrides = [o for o in overrides if o is not row]
            dropped += 1
    if dropped:
        await uow.commit()
    return dropped


async def reset_template(
    uow: UnitOfWork,
    key: str,
    locale: str,
    city_id: int | None,
    *,
    actor: str,
    admin_user_id: int | None = None,
    vacancy_id: int | None = None,
) -> bool:
    """Delete the override, so the message falls back to the city's or the global override
    or the shipped text. False when there was none. Commits."""
    row = await uow.templates.get_exact(key, locale, city_id, vacancy_id)
    if row is None:
        return False
    _audit(uow, "reset", row, actor, admin_user_id)
    await uow.templates.delete(row)
    await uow.commit()
    return True
