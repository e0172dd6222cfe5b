"""QR codes of links, as PNG images: the panel and the API serve the same picture. `segno` is
imported at the first picture asked for, not at start (a vacancy's QR code is rarely asked)."""

from __future__ import annotations

import io

SCALE = 8  # pixels per module: about 300 px for a typical link, sharp when printed
BORDER = 4  # the quiet zone the QR standard asks for, in modules


def qr_png(link: str) -> bytes:
    """A QR code (never a Micro QR, which phones' cameras do not read) of `link`."""
    import segno

    buffer = io.BytesIO()
    segno.make_qr(link, error="m").save(buffer, kind="png", scale=SCALE, border=BORDER)
    return buffer.getvalue()
