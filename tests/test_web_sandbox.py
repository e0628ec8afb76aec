"""The sandbox chat page, against the real bot and the Bot API emulator of `run.py sandbox`:
the proxy under /sandbox/api/ and one story in headless Chromium."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import aiohttp
import pytest

from bot.sandbox.demo import USERS, seed
from bot.sandbox.emulator import BotApiEmulator
from bot.sandbox.emulator.samples import SAMPLE_OGG
from bot.sandbox.environment import sandbox
from run import Runtime
from tests.browser import DESKTOP, PHONE, browser, open_page, screenshot
from tests.conftest import eventually
from tests.emulator_harness import png
from tests.test_web_pages import web_config

__all__ = ["browser"]  # the fixture, imported for pytest

RESIDENT = next(u for u in USERS if u.role == "resident")  # 王秀英, not joined until she does
EVIL_ID = 100099
EVIL_NAME = "<img src=x onerror=alert(7)>赵"


@pytest.fixture
async def demo(tmp_path: Path) -> AsyncIterator[tuple[Runtime, BotApiEmulator, str]]:
    """The sandbox as run.py starts it (demo township, emulator), on a free web port."""
    async with sandbox(web_config(tmp_path)) as (config, emulator):
        emulator.add_user(EVIL_ID, EVIL_NAME)
        runtime = Runtime(config, sandbox_api=emulator.url)
        await runtime.start()
        try:
            yield runtime, emulator, f"http://127.0.0.1:{runtime.web_port}"
        finally:
            await runtime.stop()


async def test_the_proxy_acts_as_a_demo_person_and_reads_their_chat(demo):
    runtime, emulator, web = demo
    async with aiohttp.ClientSession() as http:
        async with http.get(f"{web}/sandbox") as response:
            assert response.status == 200
            html = await response.text()
        assert "王秀英（尚未加入）" in html
        assert "陈明（示范镇乡镇工作人员）" in html  # township staff come from the config
        assert "&lt;img src=x onerror=alert(7)&gt;赵" in html and "<img src=x" not in html
        assert '<script src="/static/sandbox.js" defer></script>' in html

        async with http.get(f"{web}/sandbox/api/users") as response:
            assert {u["id"] for u in (await response.json())["result"]} >= {RESIDENT.user_id}

        body = {"user_id": RESIDENT.user_id, "text": "/start"}
        async with http.post(f"{web}/sandbox/api/send_text", json=body) as response:
            assert response.status == 200 and (await response.json())["ok"]
        (greeting,) = await emulator.wait_for_messages(RESIDENT.user_id, 1)
        async with http.get(f"{web}/sandbox/api/chats/{RESIDENT.user_id}/messages") as response:
            history = (await response.json())["result"]
        assert history[0].get("text") == "/start"
        assert history[-1]["message_id"] == greeting["message_id"]

        press = {
            "user_id": RESIDENT.user_id,
            "chat_id": RESIDENT.user_id,
            "message_id": greeting["message_id"],
            "data": "join:qingshan",
        }
        async with http.post(f"{web}/sandbox/api/press", json=press) as response:
            assert (await response.json())["ok"]
        await eventually(lambda: runtime.services.membership.person(RESIDENT.user_id).roles)

        form = aiohttp.FormData()
        form.add_field("user_id", str(RESIDENT.user_id))
        form.add_field("caption", "账目")
        form.add_field(
            "document",
            b"<html><script>alert(1)</script>",
            filename="x.html",
            content_type="text/html",
        )
        async with http.post(f"{web}/sandbox/api/send_document", data=form) as response:
            assert response.status == 200, await response.text()
            sent = (await response.json())["result"]
        file_id = sent["message"]["document"]["file_id"]
        async with http.get(f"{web}/sandbox/api/file/{file_id}") as response:
            assert response.status == 200
            assert response.content_type == "application/octet-stream"
            assert response.headers["Content-Disposition"].startswith("attachment")
            assert await response.read() == b"<html><script>alert(1)</script>"


async def test_the_proxy_refuses_cross_site_writes_and_bad_input(demo):
    _, _, web = demo
    async with aiohttp.ClientSession() as http:
        body = {"user_id": RESIDENT.user_id, "text": "hi"}
        headers = {"Origin": "http://evil.example"}
        async with http.post(f"{web}/sandbox/api/send_text", json=body, headers=headers) as r:
            assert r.status == 403
        async with http.post(f"{web}/sandbox/api/send_text", data=b"nope") as response:
            assert response.status == 400
        async with http.post(f"{web}/sandbox/api/send_text", json={"text": "x"}) as response:
            assert response.status == 400 and not (await response.json())["ok"]
        async with http.get(f"{web}/sandbox/api/file/nosuchfile") as response:
            assert response.status == 404


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["phone", "desktop"])
async def test_a_resident_joins_her_village_in_the_sandbox_page(browser, demo, viewport):
    runtime, _, web = demo
    async with open_page(browser, viewport) as tab:
        page = tab.page
        await page.goto(f"{web}/sandbox")
        picker = page.get_by_label("以谁的身份对话")
        assert await picker.input_value() == str(RESIDENT.user_id)
        await page.get_by_role("heading", name="王秀英与机器人的对话").wait_for()
        await page.get_by_text("还没有消息").wait_for()

        await page.get_by_label("输入消息").fill("/start")
        await page.get_by_role("button", name="发送", exact=True).click()
        await page.locator(".message").filter(has_text="村务公开助手").wait_for()
        await page.locator(".message.mine").filter(has_text="/start").wait_for()
        await page.get_by_role("button", name="青山村").click()
        await page.locator(".message").filter(has_text="您已加入青山村").wait_for()
        assert runtime.services.membership.person(RESIDENT.user_id).has("resident", "qingshan")

        await page.get_by_label("输入消息").fill("<script>alert(1)</script><b>粗</b>")
        await page.get_by_role("button", name="发送", exact=True).click()
        await page.get_by_text("<script>alert(1)</script><b>粗</b>", exact=True).wait_for()
        await page.locator(".message").last.scroll_into_view_if_needed()
        await screenshot(tab, "web-sandbox")
        await tab.assert_readable_on_a_phone()

        await page.goto(f"{web}/v/qingshan")
        stat = page.locator(".stat").filter(has_text="已加入村民")
        assert "1人" in await stat.inner_text()
        tab.assert_clean()


async def test_a_resident_sends_a_photo_and_a_voice_note_from_the_sandbox_page(browser, demo):
    """Free text is offered as a point-topic; a photo and a voice note (the bundled sample,
    no file chosen) are added to it in the browser chat, and one button files it."""
    runtime, _, web = demo
    async with open_page(browser, PHONE) as tab:
        page = tab.page
        await page.goto(f"{web}/sandbox")
        box = page.get_by_label("输入消息")
        await box.fill("/start")
        await page.get_by_role("button", name="发送", exact=True).click()
        await page.get_by_role("button", name="青山村").click()
        await page.locator(".message").filter(has_text="您已加入青山村").wait_for()

        await box.fill("我想问问今年低保是怎么评的")
        await page.get_by_role("button", name="发送", exact=True).click()
        offer = page.locator(".message:not(.mine)").filter(has_text="要把这句话作为点题提交吗")
        await offer.wait_for()

        await page.get_by_label("发送为").select_option("photo")
        await page.get_by_label("选择文件").set_input_files(
            {"name": "低保名单.png", "mimeType": "image/png", "buffer": png(120, 80)}
        )
        await page.get_by_label("说明（可不填）").fill("公开栏上的名单")
        await page.get_by_role("button", name="上传文件").click()
        await page.locator(".message.mine img[alt='我发的照片']").wait_for()
        await page.locator(".message:not(.mine)").filter(has_text="附件：照片").wait_for()

        await page.get_by_label("发送为").select_option("voice")
        await page.get_by_role("button", name="上传文件").click()
        await page.locator(".message.mine audio").wait_for()
        await page.locator(".message:not(.mine)").filter(has_text="附件：语音").last.wait_for()

        await (
            page.locator(".message")
            .filter(has_text="附件：语音")
            .last.get_by_role("button", name="✅ 提交")
            .click()
        )
        await page.locator(".message:not(.mine)").filter(has_text="DT-").last.wait_for()
        person = runtime.services.membership.person(RESIDENT.user_id)
        (topic,) = runtime.services.topics.reading.mine(person)
        assert topic.text == "我想问问今年低保是怎么评的" and topic.category == "lowincome"
        assert topic.media_kind == "voice"
        await page.locator(".message").last.scroll_into_view_if_needed()
        await screenshot(tab, "web-sandbox-media", full_page=False)
        tab.assert_clean()


async def test_the_proxy_forwards_photos_and_voice_notes(demo):
    _, emulator, web = demo
    async with aiohttp.ClientSession() as http:
        form = aiohttp.FormData({"user_id": str(RESIDENT.user_id)})
        form.add_field("photo", png(30, 20), filename="a.png", content_type="image/png")
        async with http.post(f"{web}/sandbox/api/send_photo", data=form) as response:
            photo = (await response.json())["result"]["message"]["photo"]
        async with http.get(f"{web}/sandbox/api/file/{photo[-1]['file_id']}") as response:
            assert response.content_type == "image/png" and await response.read() == png(30, 20)
        form = aiohttp.FormData({"user_id": str(RESIDENT.user_id)})
        async with http.post(f"{web}/sandbox/api/send_voice", data=form) as response:
            voice = (await response.json())["result"]["message"]["voice"]
        async with http.get(f"{web}/sandbox/api/file/{voice['file_id']}") as response:
            assert response.content_type == "audio/ogg" and await response.read() == SAMPLE_OGG
        form = aiohttp.FormData({"user_id": str(RESIDENT.user_id)})
        async with http.post(f"{web}/sandbox/api/send_document", data=form) as response:
            assert response.status == 400
        headers = {"Origin": "http://evil.example"}
        async with http.post(f"{web}/sandbox/api/send_voice", data=form, headers=headers) as r:
            assert r.status == 403
    assert [m for m in emulator.history(RESIDENT.user_id) if "voice" in m]


async def test_the_picker_switches_person_and_shows_names_literally(browser, demo):
    _, _, web = demo
    async with open_page(browser, PHONE) as tab:
        page = tab.page
        await page.goto(f"{web}/sandbox")
        await page.get_by_label("以谁的身份对话").select_option(str(EVIL_ID))
        await page.wait_for_url(f"{web}/sandbox?user={EVIL_ID}")
        heading = page.get_by_role("heading", level=2)
        assert await heading.inner_text() == f"{EVIL_NAME}与机器人的对话"
        tab.assert_clean()


async def test_without_javascript_the_sandbox_page_says_it_needs_it(browser, demo):
    _, _, web = demo
    async with open_page(browser, PHONE, javascript=False) as tab:
        await tab.page.goto(f"{web}/sandbox?lang=en")
        # Playwright's text engine skips <noscript>; the screenshot shows the notice.
        assert "The chat window needs JavaScript" in await tab.page.content()
        await tab.page.get_by_role("heading", level=1, name="Demo: chat with the bot").wait_for()
        await screenshot(tab, "web-sandbox-nojs")
        tab.assert_clean()


OFFICIAL = next(u for u in USERS if u.role == "official")  # 李建国, 青山村 会计
STORY_QUESTION = "修路款用在哪里了？<script>alert(9)</script>"
STORY_ANSWER = "修路款共二十万元，已用于村东道路硬化，明细见公开栏。"


@pytest.fixture
async def seeded(tmp_path: Path) -> AsyncIterator[tuple[Runtime, BotApiEmulator, str]]:
    """The sandbox exactly as `run.py sandbox` starts it: runtime, then the demo people seeded."""
    async with sandbox(web_config(tmp_path)) as (config, emulator):
        runtime = Runtime(config, sandbox_api=emulator.url)
        await runtime.start()
        seed(runtime.services)
        try:
            yield runtime, emulator, f"http://127.0.0.1:{runtime.web_port}"
        finally:
            await runtime.stop()


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["phone", "desktop"])
async def test_the_full_topic_story_in_the_sandbox_page(browser, seeded, viewport):
    """王秀英 files a topic in the browser chat, 李建国 answers it, the wall shows the answer."""
    runtime, _, web = seeded
    async with open_page(browser, viewport) as tab:
        page = tab.page
        await page.goto(f"{web}/sandbox")
        await page.get_by_role("heading", name="王秀英与机器人的对话").wait_for()
        box = page.get_by_label("输入消息")
        await box.fill(f"/topic {STORY_QUESTION}")
        await page.get_by_role("button", name="发送", exact=True).click()
        receipt_message = page.locator(".message:not(.mine)").filter(has_text="DT-")
        await receipt_message.last.wait_for()
        (topic,) = runtime.services.topics.reading.mine(
            runtime.services.membership.person(RESIDENT.user_id)
        )
        receipt = topic.receipt
        assert receipt in await receipt_message.last.inner_text()
        await page.locator(".message").last.scroll_into_view_if_needed()
        await screenshot(tab, "web-sandbox-story-1-filed", full_page=False)

        # switch to the official in the picker
        await page.get_by_label("以谁的身份对话").select_option(str(OFFICIAL.user_id))
        await page.wait_for_url(f"{web}/sandbox?user={OFFICIAL.user_id}")
        await page.get_by_role("heading", name="李建国与机器人的对话").wait_for()
        await page.locator(".message").filter(has_text=receipt).first.wait_for()
        await page.get_by_label("输入消息").fill(f"/answer {receipt} {STORY_ANSWER}")
        await page.get_by_role("button", name="发送", exact=True).click()
        await page.locator(".message:not(.mine)").filter(has_text="已答复").last.wait_for()
        assert runtime.services.topics.reading.find(receipt).status == "answered"
        await page.locator(".message").last.scroll_into_view_if_needed()
        await screenshot(tab, "web-sandbox-story-2-answered", full_page=False)

        # the village board's feedback wall shows the question (literally) and the answer
        await page.goto(f"{web}/v/qingshan")
        post = page.locator(".wall-post").filter(has_text=receipt)
        await post.wait_for()
        text = await post.inner_text()
        assert STORY_ANSWER in text and STORY_QUESTION in text
        assert "青山村 会计" in text and "王秀英" not in text
        await post.scroll_into_view_if_needed()
        await screenshot(tab, "web-sandbox-story-3-wall", full_page=False)
        await page.get_by_role("link", name=f"点题 {receipt}").click()
        await page.get_by_role("heading", level=1, name=f"点题 {receipt}").wait_for()
        await page.get_by_text("青山村 会计 答复（按时答复）").wait_for()
        await tab.assert_readable_on_a_phone()
        tab.assert_clean()
