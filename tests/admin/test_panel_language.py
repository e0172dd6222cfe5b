"""Issue 21: the panel speaks the account's language, by default the browser's; the API's
reasons and names follow the token's account the same way."""

from __future__ import annotations

from typing import Any

from storage.models import AdminUser
from tests.admin.conftest import Panel, bearer
from tests.conftest import Storage
from tests.support.factories import make_candidate, make_vacancy
from tests.support.languages import ENGLISH, RUSSIAN


async def _page(panel: Panel, path: str, headers: dict[str, str]) -> str:
    response = await panel.client.get(path, headers=headers)
    assert response.status == 200
    return str(await response.text())


async def _locale_of(storage: Storage, login: str) -> str | None:
    async with storage.uow() as uow:
        account = await uow.admin_users.get_by_login(login)
        assert account is not None
        return account.locale


async def _choose(panel: Panel, locale: str, back: str = "/candidates") -> Any:
    return await panel.post(
        "/account/language", {"locale": locale, "next": back}, allow_redirects=False
    )


async def test_the_panel_follows_the_browser_until_the_account_chooses(panel: Panel) -> None:
    await panel.login()
    russian = await _page(panel, "/", RUSSIAN)
    assert '<html lang="ru">' in russian and ">Пароль</a>" in russian
    english = await _page(panel, "/", ENGLISH)
    assert '<html lang="en">' in english and ">Password</a>" in english

    chosen = await _choose(panel, "en")
    assert chosen.status == 303 and chosen.headers["Location"] == "/candidates"
    assert await _locale_of(panel.storage, "boss") == "en"
    # A Russian browser now reads the account's English, with English selected in the menu.
    page = await _page(panel, "/", RUSSIAN)
    assert '<html lang="en">' in page and ">Password</a>" in page
    assert '<option value="en" selected>' in page

    await _choose(panel, "")  # back to the browser's
    assert await _locale_of(panel.storage, "boss") is None
    assert '<html lang="ru">' in await _page(panel, "/", RUSSIAN)


async def test_a_language_the_panel_lacks_changes_nothing_and_says_so(panel: Panel) -> None:
    await panel.login()
    await _choose(panel, "ru")
    refused = await _choose(panel, "xx", back="/")
    assert refused.status == 303
    assert await _locale_of(panel.storage, "boss") == "ru"
    page = await _page(panel, "/", ENGLISH)  # the account's Russian, and why nothing changed
    assert "в панели нет такого языка" in page


async def test_the_way_back_is_a_path_of_the_panel_only(panel: Panel) -> None:
    await panel.login()
    for elsewhere in (
        "https://evil.example/",
        "//evil.example/x",
        "/\\evil.example/x",  # browsers read a backslash as a slash
        "/\t/evil.example/x",
    ):
        response = await _choose(panel, "en", back=elsewhere)
        assert response.headers["Location"] == "/"


async def test_the_sign_in_page_speaks_the_browsers_language(panel: Panel) -> None:
    wrong = {"login": "boss", "password": "not it", "csrf": await panel.csrf("/login")}
    russian = await panel.client.post("/login", data=wrong, headers=RUSSIAN)
    assert "Неверный логин или пароль." in await russian.text()
    english = await panel.client.post("/login", data=wrong, headers=ENGLISH)
    assert "Wrong login or password." in await english.text()


async def test_the_api_names_things_in_the_token_accounts_language(api: Any) -> None:
    client, storage, tokens = api
    async with storage.uow() as uow:
        city = await uow.cities.get(1)
        assert city is not None
        vacancy = await make_vacancy(uow, city)
        vacancy.title = {"ru": "Курьер", "en": "Courier"}
        await make_candidate(uow, city, vacancy_id=vacancy.id)  # the funnel lists it
        await uow.commit()
    boss = bearer(tokens["boss"])

    async def label(headers: dict[str, str]) -> str:
        report = await client.get("/api/v1/reports/funnel?by=vacancy", headers=headers)
        assert report.status == 200, await report.text()
        (only,) = [f["label"] for f in (await report.json())["funnels"]]
        return str(only)

    assert await label({**boss, **ENGLISH}) == "Courier"
    assert await label({**boss, **RUSSIAN}) == "Курьер"  # no choice made: the client's language
    async with storage.uow() as uow:
        account = await uow.admin_users.get_by_login("boss")
        assert isinstance(account, AdminUser)
        account.locale = "ru"
        await uow.commit()
    assert await label({**boss, **ENGLISH}) == "Курьер"  # the account's choice wins


async def test_an_api_client_that_names_no_language_reads_english(api: Any) -> None:
    """Scripts written against the API before it spoke Russian keep reading English; a client
    that asks for Russian gets it."""
    client, _storage, tokens = api
    boss = bearer(tokens["boss"])
    silent = await client.get("/api/v1/slots/999999", headers={**boss, "Accept-Language": ""})
    assert silent.status == 404 and (await silent.json())["error"] == "no such slot"
    russian = await client.get("/api/v1/slots/999999", headers={**boss, **RUSSIAN})
    assert (await russian.json())["error"] != "no such slot"


async def test_the_way_back_from_a_refused_form_is_the_page_it_is_on(panel: Panel) -> None:
    """A refused form is shown at its own address, which takes only a post: the language menu
    goes back to the page above it, keeping a page's own query."""
    await panel.login()
    for back, expected in (
        ("/candidates/5/status", "/candidates/5"),
        ("/slots/series", "/slots"),
        ("/candidates?status=new", "/candidates?status=new"),
        ("/no/such/place", "/"),
        ("/questions/tests/screening", "/questions"),  # "tests" is no question's id
    ):
        response = await _choose(panel, "ru", back=back)
        assert response.headers["Location"] == expected, back


async def test_a_refused_form_offers_the_way_back_to_the_page_it_was_sent_from(
    panel: Panel,
) -> None:
    await panel.login()
    page = f"{panel.client.make_url('/cities')}?x=1"
    refused = await panel.post("/cities", {"name": ""}, headers={"Referer": page})
    assert refused.status == 422
    assert 'name="next" value="/cities?x=1"' in await refused.text()
    elsewhere = await panel.post(
        "/cities", {"name": ""}, headers={"Referer": "https://x.example/a"}
    )
    assert 'name="next" value="/cities"' in await elsewhere.text()
