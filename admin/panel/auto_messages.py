"""Auto-messages: the list with each one's progress, a form to define a broadcast or a trigger
(with the count of people its audience reaches, and a test send to the account's own chat),
and pausing and resuming. The service checks the definition; its refusals are shown next to
the field they are about."""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from aiohttp import web
from pydantic import Field

from admin.locale import current_locale
from admin.panel.filters import local_datetime
from admin.panel.kit import (
    admins_only,
    attempt,
    deps,
    done,
    int_param,
    posted,
    render,
    text,
    uow,
)
from admin.panel.labels import status_label
from admin.panel.plurals import counted
from admin.panel.reasons import said
from admin.schemas.common import Id, Input, TimeZone
from admin.scope import Scope
from core.enums import (
    AutoMessageKind,
    AutoMessageState,
    AutoMessageTrigger,
    CandidateStatus,
)
from core.iso import IsoDate, LocalDateTime
from domain.messaging.audience import count_audience
from domain.messaging.auto_message_trial import send_test
from domain.messaging.auto_messages import (
    Progress,
    create_auto_message,
    newest_with_progress,
    set_paused,
    still_sending,
    usable_template_keys,
)
from domain.messaging.texts import Catalog
from domain.organisation.directory import city_choices
from domain.pipeline.city_names import city_name
from domain.records import AutoMessage, City

DEFAULT_ZONE = "Europe/Moscow"
# A shipped template is offered by the start of its text in the panel's language (markup and
# the bot's commands left out).
_MARKUP = re.compile(r"\{\{.*?\}\}|\{%.*?%\}|\{#.*?#\}|<[^>]*>|(?<!\S)/\w+", re.S)
PREVIEW_LENGTH = 60
PAUSABLE = (AutoMessageState.SCHEDULED, AutoMessageState.RUNNING)


class AutoMessageForm(Input):
    """What the form sends, typed; what it means is for the service to check."""

    name: str | None = Field(None, max_length=200)
    kind: str | None = None
    text: str | None = Field(None, max_length=4096)
    template_key: str | None = Field(None, max_length=100)
    city_ids: list[Id] = Field(default_factory=list, max_length=500)
    statuses: list[str] = Field(default_factory=list, max_length=50)
    source: str | None = Field(None, max_length=64)
    registered_from: IsoDate | None = None
    registered_to: IsoDate | None = None
    send_at: LocalDateTime | None = None
    timezone: TimeZone | None = None
    trigger: str | None = None
    after_hours: int | None = None


class AudienceForm(Input):
    """The form's audience alone: what the live count reads (the other fields may be half
    typed meanwhile)."""

    city_ids: list[Id] = Field(default_factory=list, max_length=500)
    statuses: list[str] = Field(default_factory=list, max_length=50)
    source: str | None = Field(None, max_length=64)
    registered_from: IsoDate | None = None
    registered_to: IsoDate | None = None
    timezone: TimeZone | None = None


def _midnight(day: date | None, zone: ZoneInfo) -> str | None:
    return None if day is None else datetime.combine(day, time(), tzinfo=zone).isoformat()


def spec_for(form: AutoMessageForm, default_zone: str) -> dict[str, Any]:
    """The service's definition: local times in the chosen zone, the last registration day
    included."""
    zone = ZoneInfo(form.timezone or default_zone)
    until = form.registered_to + timedelta(days=1) if form.registered_to else None
    spec: dict[str, Any] = {
        "name": form.name,
        "kind": form.kind,
        "text": form.text,
        "template_key": form.template_key,
        "audience": {
            "city_ids": form.city_ids,
            "statuses": form.statuses,
            "source": form.source,
            "registered_from": _midnight(form.registered_from, zone),
            "registered_to": _midnight(until, zone),
        },
    }
    if form.kind == AutoMessageKind.TRIGGER.value:
        spec.update(trigger=form.trigger, after_hours=form.after_hours)
    elif form.send_at is not None:
        send_at = form.send_at if form.send_at.tzinfo else form.send_at.replace(tzinfo=zone)
        spec["send_at"] = send_at.isoformat()
    return spec


def _when(request: web.Request, moment: datetime | None) -> str:
    if moment is None:
        return text(request, "panel.auto_messages.now")
    return f"{local_datetime(moment, 'UTC')} UTC"


def _named(request: web.Request, what: str, value: str) -> str:
    """A stored kind, state, trigger or status in the panel's language (a status by the name
    every page gives it)."""
    if what == "status":
        return status_label(value)
    return text(request, f"panel.auto_messages.{what}.{value}")


def _audience(request: web.Request, audience: dict[str, Any], city_names: dict[int, str]) -> str:
    parts = []
    if audience.get("city_ids"):
        names = ", ".join(city_names.get(c, f"#{c}") for c in audience["city_ids"])
        parts.append(text(request, "panel.auto_messages.audience_cities", names=names))
    if audience.get("statuses"):
        statuses = ", ".join(_named(request, "status", s) for s in audience["statuses"])
        parts.append(text(request, "panel.auto_messages.audience_statuses", names=statuses))
    if audience.get("source"):
        parts.append(
            text(request, "panel.auto_messages.audience_source", source=audience["source"])
        )
    if audience.get("registered_from"):
        day = audience["registered_from"][:10]
        parts.append(text(request, "panel.auto_messages.audience_from", day=day))
    if audience.get("registered_to"):
        day = audience["registered_to"][:10]
        parts.append(text(request, "panel.auto_messages.audience_before", day=day))
    return "; ".join(parts) or text(request, "panel.auto_messages.audience_everyone")


def progress_text(request: web.Request, done: Progress) -> str:
    return text(
        request,
        "panel.auto_messages.progress",
        queued=done.queued,
        sent=done.sent,
        failed=done.failed,
        unreachable=done.unreachable,
        pending=done.pending,
    )


def audience_count_text(request: web.Request, n: int) -> str:
    return counted(request, "panel.auto_messages.audience_count", n)


def _row(
    request: web.Request, message: AutoMessage, done: Progress, city_names: dict[int, str]
) -> dict[str, Any]:
    if message.kind is AutoMessageKind.BROADCAST:
        schedule = text(request, "panel.auto_messages.at", moment=_when(request, message.send_at))
    else:
        trigger = _named(request, "trigger", message.trigger.value) if message.trigger else "?"
        schedule = text(
            request,
            "panel.auto_messages.after",
            trigger=trigger,
            hours=message.trigger_after_hours,
        )
    body = message.audience.get("text")
    return {
        "id": message.id,
        "name": message.name,
        "kind": _named(request, "kind", message.kind.value),
        "state": _named(request, "state", message.state.value),
        "schedule": schedule,
        "body": text(request, "panel.auto_messages.body_text", text=body[:80])
        if body
        else text(request, "panel.auto_messages.body_template", template=message.template_key),
        "audience": _audience(request, message.audience, city_names),
        "progress": done,
        "progress_text": progress_text(request, done),
        "state_code": message.state.value,
        "pausable": message.state in PAUSABLE,
        "resumable": message.state is AutoMessageState.PAUSED,
    }


async def _show(
    request: web.Request,
    scope: Scope,
    *,
    values: dict[str, Any] | None = None,
    errors: dict[str, str] | None = None,
    status: int = 200,
    audience_count: str | None = None,
    tested: str | None = None,
) -> web.Response:
    catalog = deps(request).catalog
    cities = await city_choices(uow(request))
    listed = await newest_with_progress(uow(request))
    city_names = {c.id: city_name(c, current_locale()) for c in cities}
    fresh = {"kind": AutoMessageKind.BROADCAST.value, "timezone": _default_zone(cities)}
    now = deps(request).clock.now()
    return await render(
        request,
        "auto_messages.html",
        scope,
        status=status,
        messages=[_row(request, m, done, city_names) for m, done in listed],
        sending=any(still_sending(m, done, now) for m, done in listed),
        audience_count=audience_count,
        tested=tested,
        values=values if values is not None else fresh,
        errors=errors or {},
        kinds=[(k.value, _named(request, "kind", k.value)) for k in AutoMessageKind],
        triggers=[(g.value, _named(request, "trigger", g.value)) for g in AutoMessageTrigger],
        statuses=[(s.value, _named(request, "status", s.value)) for s in CandidateStatus],
        cities=list(city_names.items()),
        template_keys=_template_choices(catalog),
    )


def _template_choices(catalog: Catalog) -> list[tuple[str, str]]:
    """Each usable shipped template: its key, and the start of its text (markup left out)."""
    choices = []
    for key in usable_template_keys(catalog):
        words = " ".join(_MARKUP.sub(" ", catalog.shipped_template(key, current_locale())).split())
        shown = words if len(words) <= PREVIEW_LENGTH else words[:PREVIEW_LENGTH].rstrip() + "…"
        choices.append((key, shown or key))
    return choices


def _default_zone(cities: Sequence[City]) -> str:
    """The first city's zone, or Moscow's."""
    return cities[0].timezone if cities else DEFAULT_ZONE


@admins_only
async def list_page(request: web.Request, scope: Scope) -> web.Response:
    return await _show(request, scope)


async def form_zone(request: web.Request) -> str:
    """The zone the form's dates are in when it names none: the first city's."""
    return _default_zone(await city_choices(uow(request), limit=1))


async def count_for(
    request: web.Request, form: AutoMessageForm
) -> tuple[int | None, dict[str, str]]:
    """How many people the form's audience reaches, or its refusal as the form shows it."""
    audience = spec_for(form, await form_zone(request))["audience"]
    return await attempt(request, count_audience(uow(request), audience))


async def _count(
    request: web.Request, scope: Scope, form: AutoMessageForm, values: dict[str, Any]
) -> web.Response:
    """The form's Count button (no script): the form again, with the count or the refusal."""
    n, errors = await count_for(request, form)
    shown = audience_count_text(request, n) if n is not None else None
    status = 200 if n is not None else 422
    return await _show(
        request, scope, values=values, errors=errors, status=status, audience_count=shown
    )


async def _test_send(
    request: web.Request, scope: Scope, form: AutoMessageForm, values: dict[str, Any]
) -> web.Response:
    """The form's test send: once to the account's own chat; the form again, kept as typed."""
    context = deps(request)
    sent, errors = await attempt(
        request,
        send_test(
            uow(request),
            context.catalog,
            context.clock,
            spec_for(form, await form_zone(request)),
            admin_user_id=scope.user_id,
            locale=current_locale(),
            actor=scope.actor,
        ),
    )
    tested = text(request, "panel.auto_messages.test_sent") if sent is not None else None
    return await _show(
        request, scope, values=values, errors=errors, status=200 if sent else 422, tested=tested
    )


@admins_only
async def create(request: web.Request, scope: Scope) -> web.StreamResponse:
    parsed, errors, values = await posted(request, AutoMessageForm)
    errors = said(request, errors)
    action = (await request.post()).get("action")
    if parsed is not None and action == "count":
        return await _count(request, scope, parsed, values)
    if parsed is not None and action == "test":
        return await _test_send(request, scope, parsed, values)
    if parsed is not None:
        context = deps(request)
        zone = await form_zone(request)
        created, errors = await attempt(
            request,
            create_auto_message(
                uow(request),
                context.catalog,
                spec_for(parsed, zone),
                context.clock,
                actor=scope.actor,
                admin_user_id=scope.user_id,
                reason_locale=current_locale(),
            ),
        )
        if created is not None:
            notice = text(request, "panel.auto_messages.created", name=created.name)
            await done(request, "/auto-messages", notice)
        if "audience" in errors:  # the audience as a whole: the form has no field of that name
            errors = {"form": errors["audience"]}
    return await _show(request, scope, values=values, errors=errors, status=422)


@admins_only
async def pause_or_resume(request: web.Request, scope: Scope) -> web.StreamResponse:
    paused = request.match_info["action"] == "pause"
    changed = await set_paused(
        uow(request),
        int_param(request, "message_id"),
        paused,
        actor=scope.actor,
        admin_user_id=scope.user_id,
    )
    notice = "panel.auto_messages.paused" if paused else "panel.auto_messages.resumed"
    await done(request, "/auto-messages", text(request, notice, name=changed.unwrap().name))


def install(app: web.Application) -> None:
    app.router.add_get("/auto-messages", list_page)
    app.router.add_post("/auto-messages", create)
    app.router.add_post("/auto-messages/{message_id}/{action:pause|resume}", pause_or_resume)
