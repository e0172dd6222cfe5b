"""Storage stays below: no product module outside `storage/` reaches into a Unit of Work's
session (the import contract in `make lint` keeps SQLAlchemy and the models out; this keeps
the session out, which an import rule cannot see)."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
ABOVE_STORAGE = ["core", "domain", "bot", "admin", "scheduler", "runtime", "main.py"]


def _holds_a_uow(node: ast.expr) -> bool:
    name = node.id if isinstance(node, ast.Name) else getattr(node, "attr", "")
    return "uow" in name.lower()


def _session_uses(path: Path) -> list[int]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    return [
        node.lineno
        for node in ast.walk(tree)
        if isinstance(node, ast.Attribute) and node.attr == "session" and _holds_a_uow(node.value)
    ]


def test_no_module_above_storage_touches_the_session() -> None:
    files = [ROOT / "main.py"] + [
        path for top in ABOVE_STORAGE[:-1] for path in (ROOT / top).rglob("*.py")
    ]
    found = {f"{path.relative_to(ROOT)}:{line}" for path in files for line in _session_uses(path)}
    assert not found, sorted(found)


def test_the_check_finds_a_session_use(tmp_path: Path) -> None:
    sample = tmp_path / "sample.py"
    sample.write_text("async def f(uow):\n    await uow.session.flush()\n", encoding="utf-8")
    assert _session_uses(sample) == [2]
