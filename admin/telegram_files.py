"""Files candidates sent, fetched from the Bot API when someone opens one in the panel (Telegram
keeps them; the product keeps only their file ids)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

import aiohttp
from aiogram import Bot
from aiogram.exceptions import TelegramAPIError

# The Bot API hands bots files of up to 20 MB; one is held in memory while it is passed on.
MAX_FILE_BYTES = 20 * 1024 * 1024
DOWNLOAD_SECONDS = 60


class FileUnavailable(Exception):
    """The Bot API did not give the file (gone, too big, Telegram unreachable): why, as a
    catalog key (`panel.file.why.*`) or in the Bot API's own words."""


@dataclass(frozen=True)
class DownloadedFile:
    content: bytes
    file_path: str  # where the Bot API keeps it ("photos/file_1.jpg"): its name and extension


class TelegramFiles(Protocol):
    async def download(self, file_id: str) -> DownloadedFile:
        """The file's bytes; raises FileUnavailable."""
        ...


class BotFiles:
    """Through the product's own bot (Telegram, a self-hosted Bot API server, or the sandbox)."""

    def __init__(self, bot: Bot) -> None:
        self.bot = bot

    async def download(self, file_id: str) -> DownloadedFile:
        try:
            found = await self.bot.get_file(file_id)
            if not found.file_path:
                raise FileUnavailable("panel.file.why.no_path")
            if found.file_size is not None and found.file_size > MAX_FILE_BYTES:
                raise FileUnavailable("panel.file.why.too_big")
            data = await self.bot.download_file(found.file_path, timeout=DOWNLOAD_SECONDS)
        except TelegramAPIError as exc:
            raise FileUnavailable(exc.message) from exc
        except (aiohttp.ClientError, TimeoutError) as exc:
            raise FileUnavailable("panel.file.why.unreachable") from exc
        if data is None:
            raise FileUnavailable("panel.file.why.nothing")
        return DownloadedFile(data.read(), found.file_path)
