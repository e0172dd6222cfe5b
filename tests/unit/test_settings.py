"""Settings: safe defaults, and a bad value stops start-up with one line naming the key."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from core.errors import ConfigurationError
from core.settings import BotMode, Settings, load_settings

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(autouse=True)
def _clean_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    for key in list(os.environ):
        if key in Settings.model_fields or key.lower() in Settings.model_fields:
            monkeypatch.delenv(key)
    monkeypatch.chdir(tmp_path)  # no .env from the developer's checkout


def test_defaults_run_on_a_laptop() -> None:
    settings = load_settings()
    assert settings.database_url == "sqlite+aiosqlite:///data/app.db"
    assert settings.redis_url == ""
    assert settings.sandbox_mode
    assert settings.bot_mode is BotMode.POLLING
    assert (settings.admin_host, settings.admin_port) == ("127.0.0.1", 8080)


def test_environment_overrides_and_secrets_stay_hidden(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("BOT_TOKEN", "123:abc")
    monkeypatch.setenv("TELEGRAM_API_URL", "http://127.0.0.1:8081/")
    monkeypatch.setenv("DB_POOL_SIZE", "25")
    settings = load_settings()
    assert not settings.sandbox_mode
    assert settings.telegram_api_url == "http://127.0.0.1:8081"
    assert settings.db_pool_size == 25
    assert "123:abc" not in repr(settings)


@pytest.mark.parametrize(
    ("key", "value"),
    [
        ("DB_POOL_SIZE", "many"),
        ("DATABASE_URL", "mysql://localhost/x"),
        ("BOT_MODE", "carrier-pigeon"),
        ("ADMIN_PORT", "70000"),
        ("LOG_LEVEL", "LOUD"),
        ("DEFAULT_LOCALE", "de"),
        ("REDIS_URL", "localhost:6379"),
        ("TELEGRAM_API_URL", "ftp://x"),
    ],
)
def test_a_bad_value_names_its_key(monkeypatch: pytest.MonkeyPatch, key: str, value: str) -> None:
    monkeypatch.setenv(key, value)
    with pytest.raises(ConfigurationError, match=f"^{key}: "):
        load_settings()


def test_the_process_prints_one_line_and_no_traceback(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if k.lower() not in Settings.model_fields}
    env["DB_POOL_SIZE"] = "lots"
    result = subprocess.run(
        [sys.executable, str(ROOT / "main.py"), "migrate"],
        env=env,
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1
    assert lines[0].startswith("configuration error: DB_POOL_SIZE:")
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize(
    ("extra", "key"),
    [({}, "WEBHOOK_URL"), ({"WEBHOOK_URL": "https://bot.example.com"}, "WEBHOOK_SECRET")],
)
def test_webhook_mode_with_telegram_needs_a_url_and_a_secret(
    monkeypatch: pytest.MonkeyPatch, extra: dict[str, str], key: str
) -> None:
    from runtime.container import build_application

    monkeypatch.setenv("BOT_MODE", "webhook")
    monkeypatch.setenv("BOT_TOKEN", "123:abc")
    for name, value in extra.items():
        monkeypatch.setenv(name, value)
    with pytest.raises(ConfigurationError, match=rf"^{key}: "):
        build_application(load_settings())


def test_the_database_pool_keeps_a_connection_for_every_update_in_hand() -> None:
    from runtime.container import POOL_HEADROOM, pool_overflow, pool_size

    settings = load_settings(db_pool_size=10, db_max_overflow=10, bot_max_concurrent_updates=40)
    assert pool_size(settings) == 40 + POOL_HEADROOM  # kept open, not overflow opened anew
    assert pool_overflow(settings) == 0  # already past the 20 the database was sized for
    roomy = load_settings(db_pool_size=100, db_max_overflow=10, bot_max_concurrent_updates=40)
    assert (pool_size(roomy), pool_overflow(roomy)) == (100, 10)
    some = load_settings(db_pool_size=10, db_max_overflow=20, bot_max_concurrent_updates=20)
    assert (pool_size(some), pool_overflow(some)) == (25, 5)  # 30 at most, as configured
