"""Schemathesis drives every documented API route with generated valid and invalid input
against a running server, and checks each answer against the OpenAPI document: no 5xx, only
documented statuses, bodies matching their schemas, invalid input refused with a 4xx."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
import schemathesis
from aiohttp import web
from hypothesis import HealthCheck, settings
from schemathesis.checks import positive_data_acceptance
from schemathesis.config import SchemathesisConfig

from admin.api import OPERATIONS
from admin.api.openapi import document
from core.inputs import NUL_REASON
from core.settings import SUPPORTED_LOCALES
from domain.bookings.attendees import NOBODY
from domain.conversations.replies import ERASED
from domain.messaging.texts import Catalog
from domain.scheduling.series import MAX_SERIES_DAYS
from domain.vacancies.links import TOO_LONG
from storage.engine import create_engine
from storage.migrate import upgrade
from tests.support.languages import ENGLISH
from tests.support.served_api import serve_api

TOKEN = "rbt_contract-tests-only"
# The token reaches schemathesis through the document's security scheme, so it knows which
# requests carry it and can also check that requests without it are refused.
schema = schemathesis.openapi.from_dict(
    document(OPERATIONS),
    config=SchemathesisConfig.from_dict({"auth": {"openapi": {"bearer": {"bearer": TOKEN}}}}),
)
ACCEPTED_OR_NOT_THERE = {200, 201, 202, 204, 404, 409}
BUSY_CATALOG = Catalog.load("en")
BEYOND_THE_DOCUMENT = {
    ("name", "a city with this name exists already"),  # stored data
    *((f"names.{locale}", "a city with this name exists already") for locale in SUPPORTED_LOCALES),
    ("city_ids", "every city must exist"),
    ("city_id", "there is no such city"),
    ("city_id", "the recruiter does not work in this city"),
    ("starts_at", "must be in the future"),  # the clock
    ("starts_at", "is beyond the booking horizon: candidates book at most 14 days ahead"),
    ("end", "must be after the start"),  # two fields together
    ("break_end", "must be after the break's start"),
    ("break_end", "give both ends of the break, or neither"),
    ("last_day", "must not be before the first day"),
    ("last_day", f"must be at most {MAX_SERIES_DAYS} days after the first day"),
    ("duration_minutes", "must not be longer than the step, or slots would overlap"),
    ("template_key", "a known template key, or give text"),  # the shipped texts, or text
    ("trigger", "screening_passed_no_booking, no_show_follow_up, waitlisted_for_days"),  # kind
    ("after_hours", "whole hours from 1 to 2160"),  # a trigger needs it
    ("created_to", "must not be before the start date"),
    ("audience.registered_to", "must not be before the first registration date"),
    ("status", "the candidate has this status already"),  # the stored candidate's
    (
        "text",
        BUSY_CATALOG.text(ERASED, "en"),
    ),  # the stored candidate was erased (POST .../erase) before the message
    (
        "text",
        BUSY_CATALOG.text(NOBODY, "en"),
    ),  # a slot (POST /slots) messaged before anyone booked a seat of it
    ("title", "required in at least one language"),  # a vacancy's titles together
    ("slug", "taken by another vacancy"),
    ("owner_recruiter_id", "no such recruiter"),
    ("closes_on", "before the opening date"),
    ("slug", "reserved: v and a number is the link by id"),
    ("source", BUSY_CATALOG.text(TOO_LONG, "en")),  # the vacancy's slug and the tag together
    # a recruiter's own calendar address: its scheme and host, its length after webcal://
    ("busy_calendar_url", BUSY_CATALOG.text("busy.url_not_http", "en")),
    ("busy_calendar_url", BUSY_CATALOG.text("busy.url_too_long", "en", limit=2000)),
}


@dataclass
class LiveApi:
    url: str


async def _start(directory: Path) -> tuple[web.AppRunner, str]:
    engine = create_engine(f"sqlite+aiosqlite:///{directory / 'contract.db'}")
    await upgrade(engine)
    return await serve_api(engine, TOKEN)


@pytest.fixture(scope="module")
def live_api(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveApi]:
    """The admin app on a real port, its event loop in a thread of its own."""
    loop = asyncio.new_event_loop()
    thread = threading.Thread(target=loop.run_forever, daemon=True)
    thread.start()
    started = asyncio.run_coroutine_threadsafe(_start(tmp_path_factory.mktemp("api")), loop)
    runner, url = started.result(timeout=60)
    yield LiveApi(url)
    asyncio.run_coroutine_threadsafe(runner.cleanup(), loop).result(timeout=30)
    loop.call_soon_threadsafe(loop.stop)
    thread.join(timeout=10)


@schema.parametrize()
# The same examples on every run: the suite passes or fails alike at any hour.
@settings(max_examples=30, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True)
def test_the_api_does_what_its_document_says(case: schemathesis.Case, live_api: LiveApi) -> None:
    # The reasons below are the English ones: the client says it reads English (issue 21).
    response = case.call(base_url=live_api.url, headers=ENGLISH)
    case.validate_response(response, excluded_checks=[positive_data_acceptance])
    # A request the document allows is accepted, or refused only for what no document can say:
    # an id that does not exist (404), a state it conflicts with (409), or one of the rules
    # below, which depend on the data already stored, on the clock, or on two fields together.
    if case.meta is not None and case.meta.generation.mode.is_positive:
        if response.status_code == 422:
            problem = response.json()
            if problem.get("error") == NUL_REASON:
                return  # any text may not hold a NUL character (PostgreSQL cannot store one)
            assert (problem.get("field"), problem.get("error")) in BEYOND_THE_DOCUMENT, problem
        else:
            assert response.status_code in ACCEPTED_OR_NOT_THERE, response.text
