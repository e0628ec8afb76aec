"""Join links and their QR codes (SVG), as printed on the village's paper board."""

from __future__ import annotations

import io


def join_link(bot_username: str, village_code: str) -> str:
    """The deep link that opens the bot and offers to join the village."""
    return f"https://t.me/{bot_username}?start=v_{village_code}"


def qr_svg(data: str, *, title: str = "") -> bytes:
    """A standalone SVG QR code: black on white, a quiet zone, crisp at any size."""
    import segno  # imported on the first code drawn, not at start

    code = segno.make(data, error="m", micro=False)
    buffer = io.BytesIO()
    code.save(
        buffer,
        kind="svg",
        scale=8,
        border=4,
        dark="#000000",
        light="#ffffff",
        xmldecl=True,
        svgns=True,
        title=title or None,
        svgclass=None,
        lineclass=None,
        omitsize=True,  # a viewBox only: the page decides the size, the code scales cleanly
    )
    # Modules drawn as strokes show hairline seams when scaled; crisp edges keep them solid.
    return buffer.getvalue().replace(b"<path ", b'<path shape-rendering="crispEdges" ')
