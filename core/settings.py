"""Application settings: one class, read from the environment and `.env`."""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated

from pydantic import Field, SecretStr, ValidationError, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from core.errors import ConfigurationError


class BotMode(StrEnum):
    POLLING = "polling"
    WEBHOOK = "webhook"


class LogFormat(StrEnum):
    CONSOLE = "console"
    JSON = "json"


SUPPORTED_LOCALES = ("ru", "en")


class Settings(BaseSettings):
    model_config = SettingsConfigDict(
        env_file=".env", env_file_encoding="utf-8", extra="ignore", frozen=True
    )

    bot_token: SecretStr = SecretStr("")
    telegram_api_url: str = ""
    bot_mode: BotMode = BotMode.POLLING
    webhook_url: str = ""
    webhook_secret: SecretStr = SecretStr("")
    # Updates handled at once; at the bound, polling stops fetching and a webhook request
    # waits for a free place. Keep it within the database pool (DB_POOL_SIZE + DB_MAX_OVERFLOW).
    bot_max_concurrent_updates: Annotated[int, Field(ge=1, le=1000)] = 20
    # Everything the bot sends (replies and the outbox alike) goes at Telegram's pace.
    bot_send_rate_per_second: Annotated[float, Field(gt=0, le=1000)] = 25.0
    bot_chat_interval_seconds: Annotated[float, Field(ge=0, le=60)] = 1.0
    bot_chat_burst: Annotated[int, Field(ge=1, le=100)] = 3

    database_url: str = "sqlite+aiosqlite:///data/app.db"
    db_pool_size: Annotated[int, Field(ge=1, le=500)] = 10
    db_max_overflow: Annotated[int, Field(ge=0, le=500)] = 10
    db_pool_timeout: Annotated[float, Field(gt=0)] = 30.0
    db_pool_recycle: Annotated[int, Field(ge=-1)] = 1800

    redis_url: str = ""
    redis_key_prefix: Annotated[str, Field(max_length=64)] = ""
    cache_default_ttl_seconds: Annotated[int, Field(ge=1)] = 300
    slow_query_threshold_ms: Annotated[float, Field(ge=0)] = 200.0

    admin_host: str = "127.0.0.1"
    admin_port: Annotated[int, Field(ge=0, le=65535)] = 8080
    admin_secret_key: SecretStr = SecretStr("")
    # Where people open the panel, e.g. https://panel.example.org behind a TLS proxy: https
    # makes the session cookie Secure and sends HSTS; its origin is accepted on forms.
    admin_public_url: str = ""
    metrics_token: SecretStr = SecretStr("")

    min_booking_notice_hours: Annotated[float, Field(ge=0)] = 2.0
    booking_horizon_days: Annotated[int, Field(ge=1, le=365)] = 14
    change_cutoff_hours: Annotated[float, Field(ge=0)] = 3.0
    pending_expiry_hours: Annotated[float, Field(gt=0)] = 24.0
    quiet_hours_start: Annotated[int, Field(ge=0, le=23)] = 22
    quiet_hours_end: Annotated[int, Field(ge=0, le=23)] = 8
    outbox_rate_per_second: Annotated[float, Field(gt=0, le=1000)] = 25.0
    outbox_chat_interval_seconds: Annotated[float, Field(ge=0, le=60)] = 1.0
    outbox_lease_seconds: Annotated[float, Field(ge=2, le=3600)] = 30.0

    # Personal data: the organisation's privacy policy, linked from the consent text, and how
    # many days without activity a candidate's personal data is kept (0: kept until erased).
    privacy_policy_url: str = ""
    retention_days: Annotated[int, Field(ge=0, le=36_500)] = 0

    # Recruiters' own calendars (secret iCalendar addresses), read for their busy times: each
    # again after this many minutes, each read given up after this many seconds or bytes.
    busy_calendar_refresh_minutes: Annotated[int, Field(ge=1, le=1440)] = 15
    busy_calendar_timeout_seconds: Annotated[float, Field(gt=0, le=120)] = 10.0
    busy_calendar_max_bytes: Annotated[int, Field(ge=1024, le=100_000_000)] = 2_000_000
    busy_calendar_parse_seconds: Annotated[float, Field(gt=0, le=600)] = 20.0
    busy_calendar_private_addresses: bool = False

    log_format: LogFormat = LogFormat.CONSOLE
    log_level: str = "INFO"
    default_locale: str = "ru"

    @field_validator("database_url")
    @classmethod
    def _known_database(cls, value: str) -> str:
        if not value.startswith(("sqlite+aiosqlite://", "postgresql+asyncpg://")):
            raise ValueError("must start with sqlite+aiosqlite:// or postgresql+asyncpg://")
        return value

    @field_validator("telegram_api_url")
    @classmethod
    def _http_url(cls, value: str) -> str:
        if value and not value.startswith(("http://", "https://")):
            raise ValueError("must be an http:// or https:// URL, or empty for Telegram's")
        return value.rstrip("/")

    @field_validator("webhook_url")
    @classmethod
    def _webhook_url(cls, value: str) -> str:
        if value and not value.startswith(("http://", "https://")):
            raise ValueError("must be an http:// or https:// URL, or empty")
        return value.rstrip("/")

    @field_validator("admin_public_url")
    @classmethod
    def _public_url(cls, value: str) -> str:
        if value and not value.startswith(("http://", "https://")):
            raise ValueError("must be an http:// or https:// URL, or empty")
        return value.rstrip("/")

    @field_validator("redis_url")
    @classmethod
    def _redis_scheme(cls, value: str) -> str:
        if value and not value.startswith(("redis://", "rediss://", "unix://")):
            raise ValueError("must start with redis://, rediss:// or unix://, or be empty")
        return value

    @field_validator("log_level")
    @classmethod
    def _log_level(cls, value: str) -> str:
        upper = value.upper()
        if upper not in {"DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"}:
            raise ValueError("must be one of DEBUG, INFO, WARNING, ERROR, CRITICAL")
        return upper

    @field_validator("default_locale")
    @classmethod
    def _locale(cls, value: str) -> str:
        if value not in SUPPORTED_LOCALES:
            raise ValueError(f"must be one of {', '.join(SUPPORTED_LOCALES)}")
        return value

    @property
    def is_sqlite(self) -> bool:
        return self.database_url.startswith("sqlite")

    @property
    def sandbox_mode(self) -> bool:
        """No token means the built-in sandbox Bot API stands in for Telegram."""
        return not self.bot_token.get_secret_value()


def load_settings(**overrides: object) -> Settings:
    """Read settings; a bad value raises ConfigurationError naming the key."""
    try:
        return Settings(**overrides)  # type: ignore[arg-type]
    except ValidationError as exc:
        first = exc.errors()[0]
        key = str(first["loc"][0]).upper() if first["loc"] else "settings"
        raise ConfigurationError(f"{key}: {first['msg']}") from None
