"""The one table the panel and the API answer domain errors by."""

from __future__ import annotations

import importlib
import pkgutil

import pytest

import domain
from admin.errors import field_of, reason_of, status_of
from core.errors import (
    AlreadyBooked,
    AppError,
    Conflict,
    Forbidden,
    InvalidField,
    NotFound,
    SlotTaken,
)
from domain.messaging.auto_messages import InvalidAutoMessage
from domain.messaging.texts import Catalog


def _every_error() -> list[type[AppError]]:
    for module in pkgutil.walk_packages(domain.__path__, "domain."):
        importlib.import_module(module.name)
    found, todo = [], [AppError]
    while todo:
        cls = todo.pop()
        found.append(cls)
        todo.extend(cls.__subclasses__())
    return found


@pytest.mark.parametrize(
    ("error", "status"),
    [
        (InvalidField("name", "taken"), 422),
        (InvalidAutoMessage("send_at", "an ISO date-time"), 422),
        (NotFound("slot 5"), 404),
        (Forbidden("Only admins can do this."), 403),
        (Conflict("This slot has begun already."), 409),
        (SlotTaken(), 409),
        (AlreadyBooked(), 409),
    ],
)
def test_each_error_class_has_its_status(error: AppError, status: int) -> None:
    assert status_of(error) == status


def test_what_a_client_is_told() -> None:
    catalog = Catalog.load("ru")
    assert reason_of(NotFound("recruiter 7"), catalog) == "no such recruiter"
    assert reason_of(NotFound("account 'bob'"), catalog) == "no such account"
    assert reason_of(NotFound("auto-message"), catalog) == "no such auto-message"
    assert reason_of(NotFound(), catalog) == "not found"
    assert reason_of(InvalidField("name", "taken"), catalog) == "taken"
    assert field_of(InvalidAutoMessage("audience.city_ids", "ids")) == "audience.city_ids"
    assert field_of(Conflict("no")) is None
    # Without words of its own, the catalog's text for the error's key (in English).
    assert reason_of(SlotTaken(), catalog) == catalog.text("error.slot_taken", "en")


def test_every_domain_error_has_a_text_in_both_languages() -> None:
    catalog = Catalog.load("ru")
    keys = {cls.message_key for cls in _every_error()}
    assert "error.forbidden" in keys and "error.invalid_field" in keys
    for locale in ("ru", "en"):
        assert sorted(keys - set(catalog.ui[locale])) == [], locale
