"""Proof the paper board was posted (CH-01, CH-02): /photo through the emulator, the photo on the
item's web page with the time it was taken, the refusals, and the township's list and digest."""

from __future__ import annotations

import io
from datetime import UTC, datetime

import aiohttp
import pytest
from PIL import Image

from bot.services.disclosures.photo_files import image_type
from storage import audit, members, users
from tests.conftest import STAFF, eventually
from tests.emulator_harness import png
from tests.test_web_disclosures import draft, publish

OFFICIAL, RESIDENT, OTHER_OFFICIAL = 1002, 1001, 1004
PUBLISHED = datetime(2026, 10, 10, 1, 0, tzinfo=UTC)  # 09:00 in Shanghai
SENT = datetime(2026, 10, 11, 6, 30, tzinfo=UTC)  # 14:30 in Shanghai


def jpeg_with_exif(taken: str) -> bytes:
    """A camera's JPEG with `DateTimeOriginal` (local time, as cameras write it)."""
    exif = Image.Exif()
    exif.get_ifd(0x8769)[36867] = taken
    out = io.BytesIO()
    Image.new("RGB", (64, 48), (180, 40, 40)).save(out, "JPEG", exif=exif)
    return out.getvalue()


@pytest.fixture
def town(runtime):
    with runtime.store.transaction() as db:
        for user_id, role, village in (
            (OFFICIAL, "official", "qingshan"),
            (RESIDENT, "resident", "qingshan"),
            (OTHER_OFFICIAL, "official", "hexi"),
            (STAFF, "township", None),
        ):
            users.ensure(db, user_id)
            if village is not None:
                members.add(db, user_id, role, village)
    runtime.services.clock.set(SENT)
    return runtime


async def page(runtime, path: str) -> tuple[int, str, bytes]:
    url = f"http://127.0.0.1:{runtime.web_port}{path}"
    async with aiohttp.ClientSession() as session, session.get(url) as response:
        return response.status, response.headers.get("Content-Type", ""), await response.read()


async def test_a_compressed_photo_is_stored_at_the_time_received_and_shown(town, emulator, chat):
    item = publish(town.services, kind="notice", title="停水通知", body="明天停水")
    status, _, html = await page(town, f"/d/{item}")
    assert status == 200 and "还没有发来" in html.decode()
    official = chat(OFFICIAL)
    (asked,) = await official.say(f"/photo {item}")
    assert "请发送第" in asked["text"]
    await emulator.send_photo(OFFICIAL, png(80, 60))
    (saved,) = await official.replies()
    assert "按收到时间 2026-10-11 14:30 记录" in saved["text"]
    status, _, html = await page(town, f"/d/{item}")
    text = html.decode()
    assert "张贴照片" in text and f"/d/{item}/board-photo" in text
    assert "收到于 2026-10-11 14:30" in text
    status, content_type, body = await page(town, f"/d/{item}/board-photo")
    assert (status, content_type, image_type(body)) == (200, "image/png", "image/png")
    assert [e.action for e in audit.for_subject(town.store.db, f"disclosure:{item}")][-1] == (
        "disclosure.board_photo"
    )


async def test_a_photo_sent_as_a_file_keeps_the_time_it_was_taken(town, emulator, chat):
    item = publish(town.services, kind="notice", title="停电通知", body="后天停电")
    official = chat(OFFICIAL)
    await official.say(f"/photo {item}")
    photo = jpeg_with_exif("2026:10:10 16:05:00")
    await emulator.send_document(OFFICIAL, "IMG_0001.jpg", photo, mime_type="image/jpeg")
    (saved,) = await official.replies()
    assert "拍摄时间 2026-10-10 16:05" in saved["text"]
    _, _, html = await page(town, f"/d/{item}")
    assert "拍摄于 2026-10-10 16:05" in html.decode()
    _, content_type, body = await page(town, f"/d/{item}/board-photo")
    assert (content_type, body) == ("image/jpeg", photo)


async def test_english_speakers_are_answered_in_english(town, emulator, chat):
    item = publish(town.services, kind="notice", title="停水通知", body="明天停水")
    official = chat(OFFICIAL)
    await official.say("/language en", expect=1)
    (asked,) = await official.say(f"/photo {item}")
    assert "Please send a photo of item" in asked["text"]


async def test_a_resident_another_villages_official_and_unpublished_items_are_refused(
    town, emulator, chat
):
    item = publish(town.services, kind="notice", title="停水通知", body="明天停水")
    unpublished = draft(town.services)
    (refused,) = await chat(RESIDENT).say(f"/photo {item}")
    assert "仅限本村村干部" in refused["text"]
    (refused,) = await chat(OTHER_OFFICIAL).say(f"/photo {item}")
    assert "仅限本村村干部" in refused["text"]
    official = chat(OFFICIAL)
    (refused,) = await official.say(f"/photo {unpublished}")
    assert "还没有公开" in refused["text"]
    assert not town.services.disclosures.board_photos.expects_photo(OTHER_OFFICIAL)
    _, _, html = await page(town, f"/d/{item}")
    assert "还没有发来" in html.decode()
    assert (await page(town, f"/d/{item}/board-photo"))[0] == 404
    assert (await page(town, f"/d/{unpublished}/board-photo"))[0] == 404


async def test_a_file_that_is_not_an_image_is_refused_and_the_form_stays_open(town, emulator, chat):
    item = publish(town.services, kind="notice", title="停水通知", body="明天停水")
    official = chat(OFFICIAL)
    await official.say(f"/photo {item}")
    await emulator.send_document(OFFICIAL, "photo.jpg", b"MZ\x90\x00 not an image at all")
    (refused,) = await official.replies()
    assert "这不是照片" in refused["text"]
    await emulator.send_photo(OFFICIAL, png(40, 30))
    (saved,) = await official.replies()
    assert "已保存" in saved["text"]


async def test_the_township_sees_villages_without_a_photo_after_n_days(town, emulator, chat):
    sent = publish(town.services, kind="notice", title="停水通知", body="明天停水")
    missing = publish(town.services, kind="notice", title="修路公告", body="村道修缮")
    official = chat(OFFICIAL)
    await official.say(f"/photo {sent}")
    await emulator.send_photo(OFFICIAL, png(40, 30))
    await official.replies()
    staff = chat(STAFF)
    (answer,) = await staff.say("/photos")  # 12 October: within the 3 days allowed
    assert "所有村都已" in answer["text"]
    town.services.clock.set(datetime(2026, 10, 13, 2, 0, tzinfo=UTC))
    (answer,) = await staff.say("/photos")
    assert "青山村" in answer["text"] and f"#{missing}" in answer["text"]
    assert f"#{sent}" not in answer["text"]
    (refused,) = await official.say("/photos")
    assert "乡镇" in refused["text"]
    town.services.ticker.run(datetime(2026, 10, 13, 1, 0, tzinfo=UTC))
    digest = await eventually(
        lambda: [m["text"] for m in emulator.messages(STAFF) if "仍未发送张贴照片的村" in m["text"]]
    )
    assert "公开后 3 天仍未发送张贴照片的村（1 个）：青山村" in digest[0]
