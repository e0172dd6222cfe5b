"""Media a candidate sent, opened from their thread: fetched through the Bot API on demand and
passed on. Pictures open in the browser; anything else is downloaded, never shown as a page."""

from __future__ import annotations

import mimetypes
import re
from urllib.parse import quote

from aiohttp import web

from admin.panel.kit import deps, int_param, render, signed_in, uow
from admin.panel.reasons import said
from admin.scope import Scope
from admin.telegram_files import FileUnavailable
from core.enums import InboundKind
from domain.conversations.media import InboundFile, inbound_file

# Shown in the browser as what they are; SVG (a page that can run scripts) is not among them.
INLINE_TYPES = frozenset({"image/jpeg", "image/png", "image/gif", "image/webp"})
_UNSAFE_NAME = re.compile(r"[^A-Za-z0-9._-]+")


def _file_name(found: InboundFile, message_id: int, file_path: str) -> str:
    """The name the candidate's file had, else one made of the message and the Bot API's path."""
    if found.file_name:
        return found.file_name
    extension = file_path.rsplit(".", 1)[-1] if "." in file_path.rsplit("/", 1)[-1] else "bin"
    return f"{found.kind.value}-{message_id}.{extension}"


def _content_type(found: InboundFile, name: str) -> str:
    guessed = found.mime_type or mimetypes.guess_type(name)[0] or ""
    if found.kind is InboundKind.PHOTO and not guessed:
        guessed = "image/jpeg"  # Telegram stores photos as JPEG
    return guessed.lower() if guessed.lower() in INLINE_TYPES else "application/octet-stream"


def _disposition(kind: str, name: str) -> str:
    """The name both ways: plain ASCII for old clients, UTF-8 (RFC 6266) for the rest."""
    plain = _UNSAFE_NAME.sub("_", name).strip("._") or "file"
    return f"{kind}; filename=\"{plain}\"; filename*=UTF-8''{quote(name, safe='')}"


@signed_in
async def candidate_file(request: web.Request, scope: Scope) -> web.StreamResponse:
    candidate_id = int_param(request, "candidate_id")
    message_id = int_param(request, "message_id")
    found = await inbound_file(uow(request), candidate_id, message_id, scope.city_ids)
    if found is None:
        raise web.HTTPNotFound()
    files = deps(request).files
    try:
        if files is None:
            raise FileUnavailable("panel.file.no_bot")
        downloaded = await files.download(found.file_id)
    except FileUnavailable as refused:
        return await render(
            request,
            "file_unavailable.html",
            scope,
            status=502,
            candidate_id=candidate_id,
            reason=said(request, {"file": str(refused)})["file"],
        )
    name = _file_name(found, message_id, downloaded.file_path)
    content_type = _content_type(found, name)
    shown = "inline" if content_type in INLINE_TYPES else "attachment"
    return web.Response(
        body=downloaded.content,
        content_type=content_type,
        headers={
            "Content-Disposition": _disposition(shown, name),
            # Even a picture opened on its own is not a page: no scripts, no forms, no plugins.
            "Content-Security-Policy": "default-src 'none'; img-src 'self'; sandbox",
        },
    )


def install(app: web.Application) -> None:
    app.router.add_get("/candidates/{candidate_id}/messages/{message_id}/file", candidate_file)
