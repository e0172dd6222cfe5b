"""`/calendar` in a recruiter's chat: the secret link of their calendar feed, and a button for
a new one (the old one stops working at once)."""

from __future__ import annotations

import html

from aiogram import Bot, Router
from aiogram.filters import Command
from aiogram.types import CallbackQuery, InlineKeyboardMarkup, Message

from bot.buttons import button
from bot.callbacks import CalendarFeedRenew
from bot.filters import IsRecruiter
from bot.reply import Reply
from domain.bookings.booking import Messaging
from domain.calendars.feeds import (
    feed_for_recruiter,
    feed_url,
    recruiter_feed_path,
    renew_recruiter_feed,
)
from storage.dto import RecruiterDTO
from storage.uow import UnitOfWork


def _renew_keyboard(m: Messaging, locale: str) -> InlineKeyboardMarkup:
    label = m.catalog.text("calendar_feeds.button_renew", locale)
    return InlineKeyboardMarkup(inline_keyboard=[[button(label, CalendarFeedRenew())]])


async def _send_link(reply: Reply, m: Messaging, locale: str, panel_url: str, token: str) -> None:
    url = html.escape(feed_url(panel_url, recruiter_feed_path(token)), quote=False)
    text = m.catalog.text("calendar_feeds.chat_url", locale, url=url)
    await reply.send(text, _renew_keyboard(m, locale))


async def _without_panel(reply: Reply, m: Messaging, locale: str, panel_url: str) -> bool:
    """No panel address configured: the feed has no URL to give, and the recruiter is told."""
    if panel_url:
        return False
    await reply.send(m.catalog.text("calendar_feeds.chat_no_panel", locale))
    return True


def create_router() -> Router:
    router = Router(name=__name__)
    router.message.filter(IsRecruiter())
    router.callback_query.filter(IsRecruiter())

    @router.message(Command("calendar"))
    async def show(
        message: Message,
        bot: Bot,
        uow: UnitOfWork,
        messaging: Messaging,
        recruiter: RecruiterDTO,
        panel_url: str = "",
    ) -> None:
        locale = messaging.catalog.locale_for(recruiter.locale)
        reply = Reply.to_message(bot, message)
        if await _without_panel(reply, messaging, locale, panel_url):
            return
        token = await feed_for_recruiter(uow, recruiter.id)
        await _send_link(reply, messaging, locale, panel_url, token)

    @router.callback_query(CalendarFeedRenew.filter())
    async def renew(
        query: CallbackQuery,
        bot: Bot,
        uow: UnitOfWork,
        messaging: Messaging,
        recruiter: RecruiterDTO,
        panel_url: str = "",
    ) -> None:
        locale = messaging.catalog.locale_for(recruiter.locale)
        reply = Reply.to_callback(bot, query)
        if await _without_panel(reply, messaging, locale, panel_url):
            return
        token = await renew_recruiter_feed(
            uow, recruiter.id, messaging.clock.now(), actor=f"recruiter:{recruiter.id}"
        )
        await reply.drop_buttons()
        await reply.send(messaging.catalog.text("calendar_feeds.chat_renewed", locale))
        await _send_link(reply, messaging, locale, panel_url, token)

    return router
