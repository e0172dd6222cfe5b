"""The bot, the panel, the API and the scheduler call the domain and nothing below it: no
expression in them reaches a repository through a Unit of Work (`uow.cities.list(...)`,
`call.uow.slots.get`, `uow(request).audit.newest`). Holding a Unit of Work, committing it or
rolling it back is theirs."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
ENTRY_POINTS = ("bot", "admin", "scheduler")
UOW_OWN = {"commit", "rollback", "savepoint", "clock"}  # the Unit of Work's own, not repositories


def _holds_a_uow(node: ast.expr) -> bool:
    return isinstance(node, ast.Name | ast.Attribute | ast.Call) and "uow" in ast.unparse(node)


def repository_uses(source: str) -> list[tuple[int, str]]:
    """Each `<uow>.<repository>.<member>` in the source: its line and text."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if not isinstance(node, ast.Attribute) or not isinstance(node.value, ast.Attribute):
            continue
        holder = node.value
        if holder.attr not in UOW_OWN and _holds_a_uow(holder.value):
            found.append((node.lineno, ast.unparse(node)))
    return found


def test_the_check_finds_a_repository_reached_through_a_unit_of_work() -> None:
    sample = (
        "async def page(request, call, uow):\n"
        "    await uow.cities.list(limit=10)\n"
        "    await call.uow.slots.get(1)\n"
        "    await uow(request).audit.newest(where, limit=5)\n"
        "    await request_uow(request).admin_users.get(2)\n"
        "    await uow.commit()\n"
        "    await call.uow.rollback()\n"
        "    now = uow.clock.now()\n"
        "    await list_cities(uow(request))\n"
    )
    assert [line for line, _ in repository_uses(sample)] == [2, 3, 4, 5]


def test_no_entry_point_reaches_a_repository() -> None:
    offenders = [
        f"{path.relative_to(ROOT)}:{line}: {text}"
        for package in ENTRY_POINTS
        for path in sorted((ROOT / package).rglob("*.py"))
        for line, text in repository_uses(path.read_text(encoding="utf-8"))
    ]
    assert offenders == [], "call a domain function instead:\n" + "\n".join(offenders)
