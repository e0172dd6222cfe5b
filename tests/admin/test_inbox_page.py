"""The panel's inbox: requests to be contacted that no recruiter was told of wait for the
admins; anyone handles one with a button; a recruiter's account sees its own cities' only."""

from __future__ import annotations

import re

from core.clock import FrozenClock
from core.enums import ContactReason
from domain.messaging.texts import Catalog
from domain.pipeline.contact import request_contact
from tests.admin.conftest import Panel
from tests.support.factories import NOW, make_candidate

catalog = Catalog.load("en")


async def _ask(panel: Panel, city_id: int | None, name: str, **kw: object) -> int:
    """A candidate in the city asks to be contacted; returns the request's id."""
    async with panel.storage.uow() as uow:
        city = await uow.cities.get(city_id) if city_id else None
        candidate = await make_candidate(uow, city, full_name=name)
        await uow.commit()
        reason = kw.pop("reason", ContactReason.NO_TIME)
        assert isinstance(reason, ContactReason)
        wrote = kw.pop("wrote", None)
        assert wrote is None or isinstance(wrote, str)
        request = await request_contact(
            uow, catalog, FrozenClock(NOW), candidate, reason, wrote=wrote
        )
        return request.id


def _ids(page: str) -> list[int]:
    return [int(n) for n in re.findall(r'<tr id="request-(\d+)"', page)]


async def test_an_admin_sees_what_no_recruiter_was_told_of_and_the_menu_counts_it(
    panel: Panel,
) -> None:
    # Neither recruiter of the fixture has linked a chat: nobody can be told in Kazan.
    waiting = await _ask(panel, panel.kazan_id, "Olga <b>Petrova</b>", wrote="call <me>")
    await panel.login()
    page = await (await panel.client.get("/inbox")).text()
    assert _ids(page) == [waiting]
    assert "Olga &lt;b&gt;Petrova&lt;/b&gt;" in page and "call &lt;me&gt;" in page
    assert "nobody: admins" in page and "Kazan" in page
    assert ">Inbox (1)</a>" in page
    dashboard = await (await panel.client.get("/")).text()
    assert ">Inbox (1)</a>" in dashboard  # every page's menu shows what waits


async def test_marking_handled_moves_it_out_and_writes_the_audit(panel: Panel) -> None:
    waiting = await _ask(panel, panel.kazan_id, "Olga")
    await panel.login()
    response = await panel.post(f"/inbox/{waiting}/handled?show=admins", allow_redirects=False)
    assert response.status == 303 and response.headers["Location"] == "/inbox?show=admins"
    page = await (await panel.client.get("/inbox")).text()
    assert _ids(page) == [] and "Marked handled." in page and ">Inbox</a>" in page
    handled = await (await panel.client.get("/inbox?show=handled")).text()
    assert _ids(handled) == [waiting] and "Handled 2026-" in handled
    audit = await (await panel.client.get("/audit?entity=contact_request")).text()
    assert f"contact_request #{waiting}" in audit
    again = await panel.post(f"/inbox/{waiting}/handled", allow_redirects=False)
    assert again.status == 303  # twice is harmless


async def test_a_city_not_in_the_list_shows_the_name_the_candidate_typed(panel: Panel) -> None:
    async with panel.storage.uow() as uow:
        candidate = await make_candidate(uow, None, full_name="Far", wanted_city="Tver")
        await uow.commit()
        await request_contact(
            uow, catalog, FrozenClock(NOW), candidate, ContactReason.CITY_MISSING, wrote="Tver"
        )
    await panel.login()
    page = await (await panel.client.get("/inbox")).text()
    assert 'Tver <span class="muted">(not listed)</span>' in page
    assert "City not in the list" in page


async def test_a_recruiter_account_sees_its_own_cities_only(panel: Panel) -> None:
    own = await _ask(panel, panel.kazan_id, "In Kazan")  # the "rec" account is Anna's, Kazan
    other = await _ask(panel, panel.samara_id, "In Samara")
    nowhere = await _ask(panel, None, "No city", reason=ContactReason.CITY_MISSING)
    await panel.login("rec")
    page = await (await panel.client.get("/inbox")).text()
    assert _ids(page) == [own]
    for hidden in (other, nowhere):
        response = await panel.post(f"/inbox/{hidden}/handled", allow_redirects=False)
        assert response.status == 404
    await panel.login("boss")
    page = await (await panel.client.get("/inbox?show=open")).text()
    assert sorted(_ids(page)) == sorted([own, other, nowhere])


async def test_unsafe_requests_need_the_csrf_token_and_bad_ids_are_not_found(
    panel: Panel,
) -> None:
    waiting = await _ask(panel, panel.kazan_id, "Olga")
    await panel.login()
    forged = await panel.client.post(f"/inbox/{waiting}/handled", allow_redirects=False)
    assert forged.status == 403
    for bad in ("abc", "0", "99999999999999999999"):
        response = await panel.post(f"/inbox/{bad}/handled", allow_redirects=False)
        assert response.status == 404
    still = await (await panel.client.get("/inbox?show=nonsense&page=-4")).text()
    assert _ids(still) == [waiting]
