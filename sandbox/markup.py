"""Checking reply markup the way Telegram does."""

from __future__ import annotations

from typing import Any

from sandbox.errors import bad_request
from sandbox.rules import SandboxRules

_URL_SCHEMES = ("http://", "https://", "tg://")


def check_reply_markup(markup: Any, rules: SandboxRules) -> dict[str, Any] | None:
    if markup is None:
        return None
    if not isinstance(markup, dict):
        raise bad_request("can't parse reply keyboard markup JSON object")
    if "inline_keyboard" in markup:
        _check_inline_keyboard(markup["inline_keyboard"], rules)
    elif "keyboard" in markup:
        rows = markup["keyboard"]
        if not isinstance(rows, list) or not all(isinstance(r, list) for r in rows):
            raise bad_request('field "keyboard" must be an Array of Array')
        for row in rows:
            for button in row:
                text = button if isinstance(button, str) else button.get("text")
                if not text:
                    raise bad_request("keyboard button text is empty")
    elif not (markup.get("remove_keyboard") or markup.get("force_reply")):
        raise bad_request("can't parse reply keyboard markup JSON object")
    return markup


def _check_inline_keyboard(rows: Any, rules: SandboxRules) -> None:
    if not isinstance(rows, list) or not all(isinstance(r, list) for r in rows):
        raise bad_request('field "inline_keyboard" must be an Array of Array')
    if sum(len(r) for r in rows) > rules.max_buttons:
        raise bad_request("reply markup is too long")
    for row in rows:
        if len(row) > rules.max_buttons_per_row:
            raise bad_request("too many buttons in a row of the inline keyboard")
        for button in row:
            if not isinstance(button, dict) or not button.get("text"):
                raise bad_request("inline keyboard button text is empty")
            if "callback_data" in button:
                size = len(str(button["callback_data"]).encode("utf-8"))
                if not 1 <= size <= rules.max_callback_data_bytes:
                    raise bad_request("BUTTON_DATA_INVALID")
            elif "url" in button:
                if not str(button["url"]).startswith(_URL_SCHEMES):
                    raise bad_request(f"inline keyboard button URL '{button['url']}' is invalid")
            elif not any(
                key in button
                for key in ("web_app", "login_url", "switch_inline_query", "copy_text", "pay")
            ):
                raise bad_request("text buttons are unallowed in the inline keyboard")
