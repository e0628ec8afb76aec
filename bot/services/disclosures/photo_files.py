"""What a received board photo is: JPEG or PNG by its first bytes, and when it was taken, from
the EXIF `DateTimeOriginal` tag a camera writes (Telegram strips it from compressed photos, so
only a photo sent as a file still has it)."""

from __future__ import annotations

import io
from datetime import datetime
from zoneinfo import ZoneInfo

_MAGIC = ((b"\xff\xd8\xff", "image/jpeg"), (b"\x89PNG\r\n\x1a\n", "image/png"))
_EXIF_IFD = 0x8769
_DATE_TIME_ORIGINAL = 36867
_OFFSET_TIME_ORIGINAL = 36881


def image_type(content: bytes) -> str | None:
    """The content type of a JPEG or PNG image, judged by its magic bytes; None otherwise."""
    return next((mime for magic, mime in _MAGIC if content.startswith(magic)), None)


def exif_taken_at(content: bytes, tz: ZoneInfo) -> datetime | None:
    """The moment the photo was taken per its EXIF, read as township time unless the camera
    wrote its offset; None when the file has no readable date."""
    # Pillow is heavy: imported on the first photo, not at start.
    from PIL import Image

    try:
        with Image.open(io.BytesIO(content)) as image:
            tags = image.getexif().get_ifd(_EXIF_IFD)
    except Exception:  # any unreadable header just means "no date"
        return None
    return _parse(tags.get(_DATE_TIME_ORIGINAL), tags.get(_OFFSET_TIME_ORIGINAL), tz)


def _parse(value: object, offset: object, tz: ZoneInfo) -> datetime | None:
    if not isinstance(value, str):
        return None
    try:
        moment = datetime.strptime(value.strip("\x00 "), "%Y:%m:%d %H:%M:%S")
    except ValueError:
        return None
    if isinstance(offset, str):
        try:
            return moment.replace(tzinfo=datetime.strptime(offset.strip("\x00 "), "%z").tzinfo)
        except ValueError:
            pass  # an offset the camera garbled: township time, as without one
    return moment.replace(tzinfo=tz)
