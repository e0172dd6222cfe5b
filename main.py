"""Entry point: `python main.py [run | migrate | create-admin | seed-demo]`."""

from __future__ import annotations

import argparse
import asyncio
import getpass
import secrets
import sys

import structlog

from core.errors import AppError, ConfigurationError
from core.logging import configure_logging
from core.settings import Settings, load_settings

log = structlog.get_logger("main")


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(description="Recruiting and interview-scheduling bot")
    commands = parser.add_subparsers(dest="command")
    commands.add_parser("run", help="start the bot, the admin panel and the scheduler (default)")
    commands.add_parser("migrate", help="apply database migrations")
    admin = commands.add_parser("create-admin", help="create a panel administrator")
    admin.add_argument("--login", required=True)
    admin.add_argument(
        "--password",
        help="the password (default: asked for, or generated and printed when not a terminal)",
    )
    commands.add_parser("seed-demo", help="fill an empty database with demo data")
    token = commands.add_parser("create-api-token", help="print a new REST API bearer token")
    token.add_argument("--login", required=True, help="the panel account the token acts as")
    token.add_argument("--name", default="api", help="a label to recognise the token by")
    invite = commands.add_parser(
        "invite-recruiter", help="print a one-time link that links a Telegram chat to a recruiter"
    )
    invite.add_argument("recruiter_id", type=int)
    invite.add_argument("--hours", type=float, default=72.0, help="how long the link works")
    return parser


async def _run(settings: Settings) -> None:
    from runtime.container import build_application
    from runtime.serve import serve

    await serve(build_application(settings))


async def _api_token(settings: Settings, login: str, name: str) -> int:
    from core.result import Failure
    from domain.organisation.api_tokens import create_api_token
    from runtime.container import build_cache
    from storage.engine import create_engine, create_session_factory
    from storage.uow import UnitOfWork

    engine = create_engine(settings.database_url)
    cache = build_cache(settings)
    try:
        async with UnitOfWork(create_session_factory(engine), cache) as uow:
            result = await create_api_token(uow, login, name)
    finally:
        await cache.backend.close()
        await engine.dispose()
    if isinstance(result, Failure):
        print(f"error: no active account {login!r}", file=sys.stderr)
        return 1
    print(result.value)
    print("shown once: keep it somewhere safe")
    return 0


async def _invite(settings: Settings, recruiter_id: int, hours: float) -> int:
    from datetime import timedelta

    from core.clock import SystemClock
    from core.result import Failure
    from domain.organisation.invites import create_invite, invite_link
    from runtime.container import build_cache
    from runtime.sandbox_mode import SANDBOX_BOT_TOKEN
    from storage.engine import create_engine, create_session_factory
    from storage.uow import UnitOfWork

    engine = create_engine(settings.database_url)
    cache = build_cache(settings)
    try:
        async with UnitOfWork(create_session_factory(engine), cache) as uow:
            result = await create_invite(uow, recruiter_id, SystemClock(), timedelta(hours=hours))
    finally:
        await cache.backend.close()
        await engine.dispose()
    if isinstance(result, Failure):
        print(f"error: no recruiter with id {recruiter_id}", file=sys.stderr)
        return 1
    token = settings.bot_token.get_secret_value() or SANDBOX_BOT_TOKEN
    username = await _bot_username(settings, token)
    print(invite_link(username, result.value) if username else f"/start {result.value}")
    print(f"works once, for {hours:g} hours")
    return 0


async def _bot_username(settings: Settings, token: str) -> str | None:
    """The bot's @username, asked of the Bot API (the sandbox's is known without asking)."""
    if settings.sandbox_mode:
        from runtime.sandbox_mode import sandbox_bot_username

        return sandbox_bot_username(token)
    from bot.factory import create_bot

    bot = create_bot(token, settings.telegram_api_url)
    try:
        return (await asyncio.wait_for(bot.get_me(), 10)).username
    except Exception:  # no network, bad token: the payload alone still works
        return None
    finally:
        await bot.session.close()


async def _with_uow(settings: Settings, action: str, login: str = "", password: str = "") -> None:
    from core.clock import SystemClock
    from domain.demo import seed_demo
    from domain.messaging.texts import Catalog
    from domain.organisation.accounts import create_admin
    from runtime.container import build_cache
    from storage.engine import create_engine, create_session_factory
    from storage.uow import UnitOfWork

    engine = create_engine(settings.database_url)
    cache = build_cache(settings)
    try:
        async with UnitOfWork(create_session_factory(engine), cache) as uow:
            if action == "create-admin":
                user = await create_admin(uow, login, password)
                print(f"created admin {user.login!r} (id {user.id})")
            else:
                created = await seed_demo(uow, Catalog.load(settings.default_locale), SystemClock())
                print(
                    "demo data loaded" if created else "database has cities already: nothing loaded"
                )
    finally:
        await cache.backend.close()
        await engine.dispose()


def _password(given: str | None) -> str:
    if given:
        return given
    if sys.stdin.isatty():
        return getpass.getpass("password: ")
    generated = secrets.token_urlsafe(12)
    print(f"generated password: {generated}")
    return generated


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    command = args.command or "run"
    try:
        settings = load_settings()
    except ConfigurationError as exc:
        print(f"configuration error: {exc}", file=sys.stderr)
        return 2
    configure_logging(settings.log_level, settings.log_format)
    try:
        if command == "migrate":
            from storage.migrate import upgrade_sync

            upgrade_sync(settings.database_url)
            print("database is at the latest migration")
        elif command == "create-admin":
            asyncio.run(_with_uow(settings, command, args.login, _password(args.password)))
        elif command == "seed-demo":
            asyncio.run(_with_uow(settings, command))
        elif command == "create-api-token":
            return asyncio.run(_api_token(settings, args.login, args.name))
        elif command == "invite-recruiter":
            return asyncio.run(_invite(settings, args.recruiter_id, args.hours))
        else:
            asyncio.run(_run(settings))
    except ConfigurationError as exc:
        print(f"configuration error: {exc}", file=sys.stderr)
        return 2
    except AppError as exc:
        print(f"error: {exc.detail or exc.message_key}", file=sys.stderr)
        return 1
    except OSError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
