"""The recruiters page: the ids `invite-recruiter` needs, and time zones chosen from a list."""

from __future__ import annotations

import re

import pytest

from tests.admin.conftest import Panel


async def test_the_recruiters_page_shows_their_ids(panel: Panel) -> None:
    await panel.login()
    page = await (await panel.client.get("/recruiters")).text()
    assert "<th>ID</th>" in page
    row = page[page.index(f'id="recruiter-{panel.boris_id}"') :]
    assert row.split("</td>")[0].endswith(f">{panel.boris_id}")


async def test_time_zones_are_offered_as_a_searchable_list(panel: Panel) -> None:
    await panel.login()
    for path in ("/recruiters", "/cities"):
        page = await (await panel.client.get(path)).text()
        assert 'list="time-zones"' in page, path
        assert '<option value="Europe/Samara">' in page, path
        assert '<option value="posixrules">' not in page


@pytest.mark.parametrize("zone", ["Mars/Olympus", "posixrules", "Factory", "europe/moscow"])
async def test_a_zone_not_in_the_list_is_refused_next_to_its_field(panel: Panel, zone: str) -> None:
    await panel.login()
    response = await panel.post("/recruiters", {"name": "Vera", "timezone": zone, "active": "on"})
    assert response.status == 422
    assert 'id="timezone-error"' in await response.text()


async def test_a_zone_from_the_list_is_accepted(panel: Panel) -> None:
    await panel.login()
    response = await panel.post(
        "/recruiters",
        {
            "name": "Vera",
            "timezone": "Asia/Novosibirsk",
            "active": "on",
            "city_ids": str(panel.kazan_id),
        },
        allow_redirects=False,
    )
    assert response.status == 303, re.findall(r'id="([a-z_]+)-error"', await response.text())
