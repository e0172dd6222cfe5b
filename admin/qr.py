"""QR codes of links, as PNG images: the panel and the API serve the same picture."""

from __future__ import annotations

import io

import segno

SCALE = 8  # pixels per module: about 300 px for a typical link, sharp when printed
BORDER = 4  # the quiet zone the QR standard asks for, in modules


def qr_png(link: str) -> bytes:
    """A QR code (never a Micro QR, which phones' cameras do not read) of `link`."""
    buffer = io.BytesIO()
    segno.make_qr(link, error="m").save(buffer, kind="png", scale=SCALE, border=BORDER)
    return buffer.getvalue()
