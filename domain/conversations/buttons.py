"""The buttons of a conversation in the recruiter's chat, as intents (`bot.outbox_buttons`
turns them into buttons): Reply and Open on a relayed message, Note on a booking's card."""

from __future__ import annotations

from typing import Any

from domain.messaging.texts import Catalog


def conversation_buttons(
    catalog: Catalog, locale: str, candidate_id: int, *, panel_url: str | None = None
) -> list[list[dict[str, Any]]]:
    """Reply and Open (intents the bot turns into buttons); with `panel_url`, a link to the
    candidate's page in the panel too."""

    def button(key: str, do: str) -> dict[str, Any]:
        return {
            "text": catalog.text(key, locale),
            "action": "conversation",
            "do": do,
            "candidate_id": candidate_id,
        }

    rows = [[button("button.conv_reply", "reply"), button("button.conv_open", "open")]]
    if panel_url:
        rows.append([{"text": catalog.text("button.conv_panel", locale), "url": panel_url}])
    return rows


def note_button(catalog: Catalog, locale: str, candidate_id: int) -> dict[str, Any]:
    return {
        "text": catalog.text("button.conv_note", locale),
        "action": "conversation",
        "do": "note",
        "candidate_id": candidate_id,
    }


def panel_link(public_url: str, candidate_id: int) -> str | None:
    """The candidate's page in the panel, when the panel is published over https (Telegram
    takes only such links on buttons)."""
    if not public_url.startswith("https://"):
        return None
    return f"{public_url.rstrip('/')}/candidates/{candidate_id}"
