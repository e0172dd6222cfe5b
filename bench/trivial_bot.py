"""`python -m bench.trivial_bot --api URL --token T [--replies N]`: the floor of bench.bot_outside.

The least an aiogram bot can do: long polling, one handler for every message that sends N
replies of "ok" to its chat, no middleware, no storage, no logging per update."""

from __future__ import annotations

import argparse
import asyncio
import logging

from aiogram import Bot, Dispatcher
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.telegram import TelegramAPIServer
from aiogram.types import Message


async def run(api: str, token: str, replies: int) -> None:
    bot = Bot(token, session=AiohttpSession(api=TelegramAPIServer.from_base(api)))
    dispatcher = Dispatcher()

    @dispatcher.message()
    async def answer(message: Message) -> None:
        for _ in range(replies):
            await message.answer("ok")

    await dispatcher.start_polling(bot, handle_signals=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--api", required=True)
    parser.add_argument("--token", required=True)
    parser.add_argument("--replies", type=int, default=1)
    args = parser.parse_args()
    logging.basicConfig(level=logging.WARNING)
    asyncio.run(run(args.api, args.token, args.replies))


if __name__ == "__main__":
    main()
