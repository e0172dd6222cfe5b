"""Issue 21: the API's refusals give their reason in the language of the token's account (by
default the client's Accept-Language): its own (no such thing, no token, a body that is not
JSON, an unknown parameter, a value of the wrong type) and the domain's (a vacancy without a
title, a slot in a city that does not exist). The English wording stays as documented."""

from __future__ import annotations

from typing import Any

from tests.admin.conftest import bearer
from tests.support.languages import ENGLISH, RUSSIAN

VACANCY_WITHOUT_TITLE = {"title": {"ru": "", "en": ""}, "city_ids": [1]}


async def _refusal(client: Any, method: str, path: str, headers: dict[str, str], **kw: Any) -> Any:
    response = await client.request(method, path, headers=headers, **kw)
    assert 400 <= response.status < 500, await response.text()
    return response.status, await response.json()


async def test_the_apis_own_refusals_are_said_in_russian(api: Any) -> None:
    client, _, tokens = api
    russian = {**bearer(tokens["boss"]), **RUSSIAN}
    assert await _refusal(client, "GET", "/api/v1/slots/999999", russian) == (
        404,
        {"error": "такого слота нет"},
    )
    status, answer = await _refusal(client, "GET", "/api/v1/cities", RUSSIAN)
    assert (status, answer["error"]) == (401, "нужен токен доступа (Bearer)")
    status, answer = await _refusal(client, "POST", "/api/v1/vacancies", russian, data=b"{")
    assert (status, answer["error"]) == (422, "тело запроса должно быть в формате JSON")
    status, answer = await _refusal(client, "GET", "/api/v1/vacancies?pgae=2", russian)
    assert answer["error"] == "неизвестный параметр запроса (опечатка?)"
    wrong_type = {**VACANCY_WITHOUT_TITLE, "active": "yes"}
    status, answer = await _refusal(client, "POST", "/api/v1/vacancies", russian, json=wrong_type)
    assert status == 422 and answer["field"] == "active"
    assert answer["error"] == "Нужно логическое значение (true или false)"


async def test_a_domain_refusal_is_said_in_the_accounts_language(api: Any) -> None:
    client, storage, tokens = api
    boss = bearer(tokens["boss"])
    english = await _refusal(
        client, "POST", "/api/v1/vacancies", {**boss, **ENGLISH}, json=VACANCY_WITHOUT_TITLE
    )
    assert english == (
        422,
        {
            "error": "required in at least one language",
            "field": "title",
            "errors": [{"field": "title", "reason": "required in at least one language"}],
        },
    )
    async with storage.uow() as uow:
        account = await uow.admin_users.get_by_login("boss")
        assert account is not None
        account.locale = "ru"
        await uow.commit()
    # the account chose Russian: the client's English no longer decides
    status, answer = await _refusal(
        client, "POST", "/api/v1/vacancies", {**boss, **ENGLISH}, json=VACANCY_WITHOUT_TITLE
    )
    assert (status, answer["field"]) == (422, "title")
    assert answer["error"] == "нужно хотя бы на одном языке"
    slot = {
        "recruiter_id": 1,
        "city_id": 999,
        "starts_at": "2099-01-01T10:00:00+00:00",
        "duration_minutes": 30,
    }
    status, answer = await _refusal(client, "POST", "/api/v1/slots", boss, json=slot)
    assert answer["error"] in ("такого города нет", "такого рекрутера нет"), answer
