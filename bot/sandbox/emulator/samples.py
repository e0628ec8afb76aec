"""A small photo and voice note a sandbox user sends when they bring no file of their own."""

from __future__ import annotations

import struct
import zlib

_OGG_SERIAL = 0x5A11
_PRE_SKIP = 312
# A 20 ms Opus frame of silence (CELT, fullband); fifty make a one-second note.
_SILENT_FRAME = b"\xf8\xff\xfe"
_FRAMES = 50


def _png(width: int, height: int) -> bytes:
    def chunk(kind: bytes, data: bytes) -> bytes:
        crc = struct.pack(">I", zlib.crc32(kind + data))
        return struct.pack(">I", len(data)) + kind + data + crc

    # A green field with a darker band: plainly a picture when the chat page shows it.
    light, dark = b"\x81\xc7\x84", b"\x2e\x7d\x32"
    band = range(height // 3, 2 * height // 3)
    rows = b"".join(b"\x00" + (dark if y in band else light) * width for y in range(height))
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(rows))
        + chunk(b"IEND", b"")
    )


def _ogg_crc(data: bytes) -> int:
    crc = 0
    for byte in data:
        crc ^= byte << 24
        for _ in range(8):
            crc = ((crc << 1) ^ 0x04C11DB7) if crc & 0x80000000 else crc << 1
            crc &= 0xFFFFFFFF
    return crc


def _ogg_page(packets: list[bytes], sequence: int, granule: int, flags: int) -> bytes:
    lacing = b"".join(bytes([255] * (len(p) // 255) + [len(p) % 255]) for p in packets)
    head = b"OggS" + bytes([0, flags]) + struct.pack("<qIII", granule, _OGG_SERIAL, sequence, 0)
    page = head + bytes([len(lacing)]) + lacing + b"".join(packets)
    return page[:22] + struct.pack("<I", _ogg_crc(page)) + page[26:]


def _ogg_opus() -> bytes:
    opus_head = b"OpusHead" + bytes([1, 1]) + struct.pack("<HIhB", _PRE_SKIP, 48000, 0, 0)
    vendor = b"village sandbox"
    opus_tags = b"OpusTags" + struct.pack("<I", len(vendor)) + vendor + struct.pack("<I", 0)
    end = _PRE_SKIP + _FRAMES * 960
    return (
        _ogg_page([opus_head], 0, 0, 0x02)
        + _ogg_page([opus_tags], 1, 0, 0x00)
        + _ogg_page([_SILENT_FRAME] * _FRAMES, 2, end, 0x04)
    )


SAMPLE_PNG = _png(96, 64)
SAMPLE_OGG = _ogg_opus()
SAMPLE_VOICE_SECONDS = 1
