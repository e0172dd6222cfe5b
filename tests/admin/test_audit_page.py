"""The panel's audit log: what other actions wrote, newest first, filtered, 50 to a page,
every value escaped."""

from __future__ import annotations

import re

from storage.repositories.audit import AuditFilter
from tests.admin.conftest import Panel
from tests.support.languages import RUSSIAN
from tests.support.query_counter import count_queries


def _rows(page: str) -> list[list[str]]:
    """The audit table's cells, as text."""
    body = page[page.index('<table id="audit">') :]
    body = body[: body.index("</table>")]
    rows = re.findall(r"<tr>(.*?)</tr>", body.split("<tbody>")[1], re.S)
    return [
        [
            re.sub(r"<[^>]+>", "", cell).strip()
            for cell in re.findall(r"<td[^>]*>(.*?)</td>", r, re.S)
        ]
        for r in rows
    ]


async def _record(panel: Panel, count: int, **fields: object) -> None:
    async with panel.storage.uow() as uow:
        for n in range(1, count + 1):
            values = {"actor": "system", "action": "tick", "entity": "clock", **fields}
            uow.audit.record(entity_id=n, **values)
        await uow.commit()


async def test_rows_written_by_other_actions_are_listed_newest_first(panel: Panel) -> None:
    await panel.login()
    await panel.post("/cities", {"name": "Perm", "timezone": "Asia/Yekaterinburg"})
    await panel.post("/auto-messages", {"name": "Hello", "kind": "broadcast", "text": "Hi"})
    response = await panel.client.get("/audit")
    assert response.status == 200
    rows = _rows(await response.text())
    async with panel.storage.uow() as uow:
        boss = await uow.admin_users.get_by_login("boss")
    assert boss is not None
    assert [r[1:4] for r in rows[:3]] == [
        ["boss", "create", "auto_message #1"],  # the panel names the account: its login
        ["boss", "create", "city #3"],  # "admin:N" as the actor links the account too
        ["boss", "login", f"admin_user #{boss.id}"],
    ]
    assert re.fullmatch(r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC", rows[0][0])
    in_russian = _rows(await (await panel.client.get("/audit", headers=RUSSIAN)).text())
    assert re.fullmatch(r"\d\d\.\d\d\.\d{4}, \d\d:\d\d:\d\d UTC", in_russian[0][0])
    assert '"name": "Perm"' in rows[1][4].replace("&#34;", '"')


async def test_filters_match_exactly_and_bad_values_are_ignored(panel: Panel) -> None:
    await _record(panel, 3)
    await _record(panel, 2, action="tock", actor="robot")
    await panel.login()
    client = panel.client

    async def shown(query: str) -> list[list[str]]:
        response = await client.get("/audit" + query)
        assert response.status == 200
        return _rows(await response.text())

    assert [r[3] for r in await shown("?entity=clock&action=tick")] == [
        "clock #3",
        "clock #2",
        "clock #1",
    ]
    assert [r[2] for r in await shown("?actor=robot")] == ["tock", "tock"]
    assert [r[2] for r in await shown("?actor=boss")] == ["login"]
    assert await shown("?entity=cloc") == [["Nothing recorded that matches."]]
    assert await shown("?action=t") == [["Nothing recorded that matches."]]  # not a prefix
    everything = await shown("")
    assert len(everything) == 8  # five rows, two accounts created, one login
    for bad in ("?page=abc", "?page=-4", "?page=", "?entity=" + "x" * 500, "?actor=%20"):
        assert await shown(bad) == everything
    assert await shown("?page=99999999999999999999") == [["Nothing recorded."]]
    page = await (await client.get("/audit?entity=clock&actor=robot")).text()
    assert 'value="clock"' in page and 'value="robot"' in page  # the filters are kept


async def test_pages_of_fifty_with_previous_and_next(panel: Panel) -> None:
    await _record(panel, 120)
    await panel.login()
    client = panel.client
    first = await (await client.get("/audit?entity=clock")).text()
    assert [r[3] for r in _rows(first)] == [f"clock #{n}" for n in range(120, 70, -1)]
    assert 'href="/audit?entity=clock&amp;page=2" id="next"' in first
    assert 'id="previous"' not in first
    third = await (await client.get("/audit?entity=clock&page=3")).text()
    assert [r[3] for r in _rows(third)] == [f"clock #{n}" for n in range(20, 0, -1)]
    assert 'href="/audit?entity=clock&amp;page=2" id="previous"' in third
    assert 'id="next"' not in third
    beyond = await (await client.get("/audit?entity=clock&page=9")).text()
    assert _rows(beyond) == [["Nothing recorded that matches."]]


async def test_details_and_names_are_escaped(panel: Panel) -> None:
    await _record(panel, 1, actor="<b>x</b>", details={"name": "<script>alert(1)</script>", "n": 1})
    await panel.login()
    page = await (await panel.client.get("/audit")).text()
    assert "<script>alert(1)" not in page
    assert "<b>x</b>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "&lt;b&gt;x&lt;/b&gt;" in page


async def test_the_actors_login_comes_in_the_same_query(panel: Panel) -> None:
    await panel.login()
    await panel.login()
    async with panel.storage.uow() as uow:
        with count_queries(panel.storage.engine) as queries:
            found = await uow.audit.newest(AuditFilter(action="login"), limit=50)
    assert len(queries) == 1
    assert [login for _, login in found] == ["boss", "boss"]


async def test_recruiters_may_not_read_the_log(panel: Panel) -> None:
    await panel.login("rec")
    assert (await panel.client.get("/audit")).status == 403
