"""Files the sandbox knows, as the Bot API hands them out: `getFile` tells a bot a file's path,
`/file/bot<token>/<path>` gives its bytes. Known files: documents a bot sent (kept with their
bytes) and photos people sent in the chat (a small grey picture stands for each)."""

from __future__ import annotations

import re
import struct
import zlib
from dataclasses import dataclass
from functools import cache

from sandbox.world import World

PHOTO_SIDE = 90  # as objects.message_json describes a photo
_PHOTO_ID = re.compile(r"^photo-(\d{1,18})$")


@dataclass(frozen=True)
class SandboxFile:
    file_id: str
    file_unique_id: str
    file_path: str
    content: bytes
    content_type: str


def _png_chunk(kind: bytes, data: bytes) -> bytes:
    return (
        struct.pack(">I", len(data))
        + kind
        + data
        + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
    )


@cache
def photo_bytes() -> bytes:
    """A grey square PNG: what a photo someone sent in the sandbox looks like."""
    header = struct.pack(">IIBBBBB", PHOTO_SIDE, PHOTO_SIDE, 8, 0, 0, 0, 0)  # 8-bit greyscale
    rows = b"".join(b"\x00" + b"\xa0" * PHOTO_SIDE for _ in range(PHOTO_SIDE))
    return (
        b"\x89PNG\r\n\x1a\n"
        + _png_chunk(b"IHDR", header)
        + _png_chunk(b"IDAT", zlib.compress(rows))
        + _png_chunk(b"IEND", b"")
    )


def _sent_photo(world: World, message_id: int) -> bool:
    return any(
        m.message_id == message_id and m.media == "photo" and not m.from_bot
        for messages in world.chats.values()
        for m in messages
    )


def find_file(world: World, file_id: str) -> SandboxFile | None:
    document = world.documents.get(file_id)
    if document is not None:
        return SandboxFile(
            file_id=document.file_id,
            file_unique_id=document.file_unique_id,
            file_path=f"documents/{document.file_id}",
            content=document.content,
            content_type=document.mime_type or "application/octet-stream",
        )
    photo = _PHOTO_ID.match(file_id)
    if photo is not None and _sent_photo(world, int(photo.group(1))):
        return SandboxFile(
            file_id=file_id,
            file_unique_id=f"p{photo.group(1)}",
            file_path=f"photos/{file_id}.png",
            content=photo_bytes(),
            content_type="image/png",
        )
    return None


def file_json(found: SandboxFile) -> dict[str, object]:
    return {
        "file_id": found.file_id,
        "file_unique_id": found.file_unique_id,
        "file_size": len(found.content),
        "file_path": found.file_path,
    }


def file_at(world: World, file_path: str) -> SandboxFile | None:
    folder, _, name = file_path.partition("/")
    if folder == "documents":
        return find_file(world, name)
    if folder == "photos" and name.endswith(".png"):
        return find_file(world, name.removesuffix(".png"))
    return None
