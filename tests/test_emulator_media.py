"""Sandbox users send photos and voice notes: the emulator's Python methods and its HTTP test
API, with the bundled samples or bytes the caller gives, read back by the real client."""

from __future__ import annotations

from collections.abc import AsyncIterator

import aiohttp
import pytest
from telegram import Bot

from bot.sandbox.emulator import BotApiEmulator
from bot.sandbox.emulator.media import image_size
from bot.sandbox.emulator.samples import SAMPLE_OGG, SAMPLE_PNG
from tests.emulator_harness import TOKEN, USER, checked_emulator, png


@pytest.fixture
async def emu() -> AsyncIterator[BotApiEmulator]:
    async with checked_emulator() as emulator:
        yield emulator


@pytest.fixture
async def bot(emu: BotApiEmulator) -> AsyncIterator[Bot]:
    async with Bot(TOKEN, base_url=emu.base_url, base_file_url=emu.base_file_url) as client:
        yield client


def test_the_bundled_samples_are_a_png_and_an_ogg_opus_note():
    assert image_size(SAMPLE_PNG) == (96, 64)
    assert SAMPLE_OGG.startswith(b"OggS") and b"OpusHead" in SAMPLE_OGG[:64]
    assert SAMPLE_OGG.count(b"OggS") == 3  # header, tags, one page of audio


async def test_python_methods_send_the_samples_by_default(emu: BotApiEmulator, bot: Bot):
    await emu.send_photo(USER, caption="村口的路")
    await emu.send_voice(USER)
    photo_update, voice_update = await bot.get_updates()
    photo = photo_update.message.photo
    assert photo_update.message.caption == "村口的路" and photo[-1].width == 96
    assert bytes(await (await bot.get_file(photo[-1].file_id)).download_as_bytearray()) == (
        SAMPLE_PNG
    )
    voice = voice_update.message.voice
    assert voice.mime_type == "audio/ogg"
    assert bytes(await (await bot.get_file(voice.file_id)).download_as_bytearray()) == SAMPLE_OGG


async def test_http_test_api_sends_photos_and_voice_notes(emu: BotApiEmulator, bot: Bot):
    api = f"{emu.url}/_emulator"
    mine = png(40, 30)
    async with aiohttp.ClientSession() as http:
        async with http.post(f"{api}/send_photo", data={"user_id": str(USER)}) as r:
            assert r.status == 200 and (await r.json())["result"]["message"]["photo"]
        form = aiohttp.FormData({"user_id": str(USER), "caption": "水渠"})
        form.add_field("photo", mine, filename="a.png", content_type="image/png")
        async with http.post(f"{api}/send_photo", data=form) as r:
            sent = (await r.json())["result"]["message"]
        assert sent["caption"] == "水渠" and sent["photo"][-1]["width"] == 40
        async with http.post(f"{api}/send_voice", data={"user_id": str(USER)}) as r:
            assert (await r.json())["result"]["message"]["voice"]["duration"] == 1
        form = aiohttp.FormData({"user_id": str(USER), "duration": "7"})
        form.add_field("voice", b"OggS-own", filename="v.ogg", content_type="audio/ogg")
        async with http.post(f"{api}/send_voice", data=form) as r:
            voice = (await r.json())["result"]["message"]["voice"]
        assert voice["duration"] == 7
        form = aiohttp.FormData({"user_id": str(USER)})
        form.add_field("photo", b"not an image", filename="x.png")
        async with http.post(f"{api}/send_photo", data=form) as r:
            assert r.status == 400 and not (await r.json())["ok"]
        async with http.post(f"{api}/send_voice", data={"caption": "no user"}) as r:
            assert r.status == 400
    own = await bot.get_file(voice["file_id"])
    assert bytes(await own.download_as_bytearray()) == b"OggS-own"
