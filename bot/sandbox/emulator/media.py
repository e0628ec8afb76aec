"""Files in the emulator: image dimensions, photo sizes, uploads and re-sent file_ids."""

from __future__ import annotations

import mimetypes
import struct
from pathlib import PurePosixPath

from bot.sandbox.emulator.state import JSON, ApiError, EmulatorState, StoredFile, Upload

# Telegram stores a photo in these sizes (longest side), capped by the original.
_PHOTO_SIDES = (90, 320, 800, 1280)
_KIND_NAMES = {"document": "Document", "photo": "Photo", "voice": "Voice"}


def image_size(content: bytes) -> tuple[int, int] | None:
    """(width, height) of a PNG, GIF or JPEG image, or None when it is none of these."""
    if content.startswith(b"\x89PNG\r\n\x1a\n") and len(content) >= 24:
        width, height = struct.unpack(">II", content[16:24])
        return width, height
    if content[:6] in (b"GIF87a", b"GIF89a") and len(content) >= 10:
        width, height = struct.unpack("<HH", content[6:10])
        return width, height
    if content.startswith(b"\xff\xd8"):
        return _jpeg_size(content)
    return None


def _jpeg_size(content: bytes) -> tuple[int, int] | None:
    i = 2
    while i + 9 < len(content):
        if content[i] != 0xFF:
            return None
        marker = content[i + 1]
        (length,) = struct.unpack(">H", content[i + 2 : i + 4])
        # SOF markers carry the frame size; C4, C8 and CC are other segments.
        if 0xC0 <= marker <= 0xCF and marker not in (0xC4, 0xC8, 0xCC):
            height, width = struct.unpack(">HH", content[i + 5 : i + 9])
            return width, height
        i += 2 + length
    return None


def photo_sizes(width: int, height: int) -> list[tuple[int, int]]:
    """The PhotoSize dimensions Telegram would make for an image, smallest first."""
    longest = max(width, height)
    sizes = []
    for side in _PHOTO_SIDES:
        scale = min(1.0, side / longest)
        size = (max(1, round(width * scale)), max(1, round(height * scale)))
        if size not in sizes:
            sizes.append(size)
        if longest <= side:
            break
    return sizes


def store_photo(state: EmulatorState, content: bytes) -> list[JSON]:
    """Store an uploaded photo and return its PhotoSize list, or raise Telegram's error."""
    dimensions = image_size(content)
    if dimensions is None:
        raise ApiError.bad_request("IMAGE_PROCESS_FAILED")
    width, height = dimensions
    if width + height > 10000 or max(width, height) > 20 * min(width, height):
        raise ApiError.bad_request("PHOTO_INVALID_DIMENSIONS")
    group: str | None = None
    photo = []
    for w, h in photo_sizes(width, height):
        stored = state.add_file(content, "photo", ".jpg", {"width": w, "height": h}, group)
        group = stored.group
        photo.append(stored.meta)
    return photo


def store_document(state: EmulatorState, upload: Upload) -> JSON:
    """Store an uploaded document and return its Document object."""
    name = upload.filename or "file"
    guessed, _ = mimetypes.guess_type(name)
    mime = guessed or upload.content_type or "application/octet-stream"
    extension = PurePosixPath(name).suffix
    return state.add_file(
        upload.content, "document", extension, {"file_name": name, "mime_type": mime}
    ).meta


def store_voice(state: EmulatorState, content: bytes, duration: int, mime_type: str) -> JSON:
    """Store a voice note and return its Voice object."""
    meta = {"duration": duration, "mime_type": mime_type}
    return state.add_file(content, "voice", ".oga", meta).meta


def reuse_file(state: EmulatorState, value: str, kind: str) -> JSON | list[JSON]:
    """The stored object for a re-sent file_id (a PhotoSize list for photos)."""
    if value.startswith(("http://", "https://")):
        # The emulator never fetches from the network.
        raise ApiError.bad_request("failed to get HTTP URL content")
    stored = state.files.get(value)
    if stored is None:
        raise ApiError.bad_request("wrong file identifier/HTTP URL specified")
    if stored.kind != kind:
        raise ApiError.bad_request(
            f"can't use file of type {_KIND_NAMES[stored.kind]} as {_KIND_NAMES[kind]}"
        )
    if kind == "photo":
        group = [f.meta for f in state.files.values() if f.group == stored.group]
        return sorted(group, key=lambda size: size["width"])
    return stored.meta


def find_file(state: EmulatorState, file_id: str) -> StoredFile:
    """The stored file for getFile, or Telegram's error."""
    stored = state.files.get(file_id)
    if stored is None:
        raise ApiError.bad_request("invalid file_id")
    if len(stored.content) > 20 * 1024 * 1024:
        raise ApiError.bad_request("file is too big")
    return stored
