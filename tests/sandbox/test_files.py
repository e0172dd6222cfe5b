"""The sandbox's files: getFile and the file server give a bot what Telegram would (documents a
bot sent, photos people sent), and the panel's Bot API client fetches them through it."""

from __future__ import annotations

import aiohttp
import pytest
from aiogram.exceptions import TelegramBadRequest
from aiogram.types import BufferedInputFile

from admin.telegram_files import BotFiles, FileUnavailable
from bot.factory import create_bot
from sandbox.user_actions import send_media
from tests.sandbox.conftest import TOKEN, Sandbox


async def test_a_photo_someone_sent_is_a_png_the_bot_can_fetch(sandbox: Sandbox) -> None:
    user = sandbox.started_user()
    sent = send_media(sandbox.world, sandbox.sandbox_bot(), user, "photo")
    file_id = f"photo-{sent.message_id}"
    found = await sandbox.bot.get_file(file_id)
    assert found.file_path == f"photos/{file_id}.png" and found.file_size
    downloaded = await BotFiles(sandbox.bot).download(file_id)
    assert downloaded.content.startswith(b"\x89PNG\r\n\x1a\n")
    assert len(downloaded.content) == found.file_size
    assert downloaded.file_path == found.file_path


async def test_a_document_a_bot_sent_comes_back_as_it_was(sandbox: Sandbox) -> None:
    user = sandbox.started_user()
    sent = await sandbox.bot.send_document(
        user.id, BufferedInputFile(b"%PDF-1.4 cv", filename="cv.pdf")
    )
    assert sent.document is not None
    downloaded = await BotFiles(sandbox.bot).download(sent.document.file_id)
    assert downloaded.content == b"%PDF-1.4 cv"


async def test_an_unknown_file_is_refused_as_telegram_refuses_it(sandbox: Sandbox) -> None:
    with pytest.raises(TelegramBadRequest, match="invalid file_id"):
        await sandbox.bot.get_file("photo-999")  # no such message
    with pytest.raises(FileUnavailable, match="invalid file_id"):
        await BotFiles(sandbox.bot).download("nothing")
    async with aiohttp.ClientSession() as http:
        missing = await http.get(f"{sandbox.url}/file/bot{TOKEN}/photos/photo-999.png")
        assert missing.status == 404
        unauthorized = await http.get(f"{sandbox.url}/file/botnope/documents/x")
        assert unauthorized.status == 401


async def test_telegram_out_of_reach_is_a_refusal_not_a_crash(sandbox: Sandbox) -> None:
    bot = create_bot(TOKEN, "http://127.0.0.1:9", wait_out_rate_limits=False)
    try:
        with pytest.raises(FileUnavailable):
            await BotFiles(bot).download("photo-1")
    finally:
        await bot.session.close()
