"""Filing for someone without a phone (代办, issue 13 §3) end to end through the emulator: the
official's form, the printable receipt (a PDF with the number, the due date and a QR code to the
topic's page), the name kept off every public surface, the answer sent to the filer, the
statistics and the township's lists, and the people refused."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import aiohttp
import pytest

from storage import members, topic_proxies, topics, users
from tests.conftest import STAFF, eventually, free_port, make_config, ticking_by_hand
from tests.test_topics_e2e import button, receipt_in
from tests.test_web_poster import pdf_text, qr_codes, render_pages

PUBLIC = "https://cwgk.example.cn"
HEAD, ACCOUNTANT, HEXI_OFFICIAL, RESIDENT = 2002, 2001, 2003, 1001
NAME = "赵秀兰"
# Tue 3 Nov 2026, 10:00 Shanghai: ten working days later is Tue 17 Nov.
START = datetime(2026, 11, 3, 2, 0, tzinfo=UTC)
DUE = "2026-11-17"


@pytest.fixture
async def office(tmp_path: Path, emulator):
    """The bot with its web server, qingshan's head and accountant, hexi's official, a resident."""
    port = free_port()
    for uid, name in ((HEAD, "孙主任"), (ACCOUNTANT, "钱会计"), (HEXI_OFFICIAL, "吴文书")):
        emulator.add_user(uid, name, language_code="zh-hans")
    config = make_config(
        tmp_path,
        emulator,
        web={"port": port, "public_url": PUBLIC},
        topics={"routes": [{"village": "qingshan", "category": "finance", "user_id": ACCOUNTANT}]},
    )
    rt = await ticking_by_hand(config, START)
    with rt.store.transaction() as db:
        for uid in (HEAD, ACCOUNTANT, HEXI_OFFICIAL, RESIDENT):
            users.ensure(db, uid)
        members.add(db, HEAD, "official", "qingshan", "村委会主任")
        members.add(db, ACCOUNTANT, "official", "qingshan", "会计")
        members.add(db, HEXI_OFFICIAL, "official", "hexi", "文书")
        members.add(db, RESIDENT, "resident", "qingshan")
    rt.local = f"http://127.0.0.1:{port}"
    yield rt
    await rt.stop()


async def _file_by_form(head) -> dict:
    """The guided form: name, consent, category, text, submit; returns the receipt message."""
    await head.say_for("/proxy", "村民的姓名")
    consent = await head.say_for(NAME, NAME, button="tp:pc:")
    await head.press(consent, "tp:pc:in_person")
    category = await head.shows("类别", consent)
    await head.press(category, "tp:pk:finance")
    await head.shows("想了解的事", consent)
    confirm = await head.say_for("村里修路的钱花在哪里了？请公开明细", "本人到场口头同意")
    await head.press(confirm, button(confirm, "tp:ok"))
    return await head.reply_with("代办点题回执", NAME, button="tp:pr:")


async def test_the_proxy_story_from_form_to_answer(office, emulator, chat, tmp_path):
    head, accountant, staff = chat(HEAD), chat(ACCOUNTANT), chat(STAFF)
    receipt_message = await _file_by_form(head)
    number = receipt_in(receipt_message["text"])
    assert DUE in receipt_message["text"]
    topic = topics.by_receipt(office.store.db, number)
    assert topic.is_proxy and topic.requester_id == HEAD and topic.category == "finance"
    proxy = topic_proxies.of(office.store.db, topic.id)
    assert (proxy.resident_name, proxy.consent, proxy.filed_by) == (NAME, "in_person", HEAD)
    notice = await accountant.reply_with(number, "限时反馈通知书")
    assert NAME not in notice["text"]  # the handler sees the topic, not whom it was filed for

    # The receipt: a PDF with the number and the due date, its QR code the topic's page.
    await head.press(receipt_message, button(receipt_message, "tp:pr:"))
    document = await head.reply_with(number)
    pdf = emulator.state.files[document["document"]["file_id"]].content
    assert pdf.startswith(b"%PDF") and document["document"]["file_name"] == f"{number}.pdf"
    text = pdf_text(pdf, tmp_path)
    assert number in text and DUE in text and "青山村 村委会主任" in text
    assert NAME not in text  # the paper goes home with the resident and may be left anywhere
    (page,) = render_pages(pdf, tmp_path, "receipt", dpi=200)
    assert qr_codes(page) == {f"{PUBLIC}/t/{number}"}
    reprint = await head.say_for(f"/receipt {number}", number)
    assert "document" in reprint

    # The township's lists mark it 代办, never naming the resident.
    pending = await staff.say_for("/pending", number)
    assert f"{number}（代办）" in pending["text"] and NAME not in pending["text"]

    # The answer reaches the filer with the name to tell, and asks for no rating.
    await accountant.say_for(f"/answer {number} 修路款共 12 万元，明细已张贴在公开栏。", number)
    told = await head.reply_with("请转告村民", NAME, number)
    assert "reply_markup" not in told
    forged = emulator.messages(HEAD)[-1]
    answer_id = topics.by_receipt(office.store.db, number).answer_id
    await head.press(forged, f"tp:r:{topic.id}:{answer_id}:s", forged=True)
    await eventually(
        lambda: any("不评价" in (a.get("text") or "") for a in emulator.callback_answers())
    )
    assert topics.by_receipt(office.store.db, number).rating is None

    # Counted as a resident's topic: received, answered, on time; not in satisfaction.
    stats, _chart = await staff.say("/stats 2026Q4", expect=2)
    assert "青山村：收到 1，办结 1" in stats["text"]

    # Never on the web page nor in the API.
    async with aiohttp.ClientSession() as http:
        for path in (f"/t/{number}", f"/api/v1/topics/{number}", "/v/qingshan/wall"):
            async with http.get(office.local + path) as response:
                assert response.status == 200, path
                body = await response.text()
            assert NAME not in body and (number in body or path.endswith("wall")), path


async def test_one_line_filing_asks_only_the_consent(office, chat):
    head = chat(HEAD)
    consent = await head.say_for(f"/proxy {NAME} ｜ 今年的低保名单什么时候公布？", button="tp:pc:")
    await head.press(consent, "tp:pc:phone")
    confirm = await head.shows("电话委托", consent)
    await head.press(confirm, button(confirm, "tp:ok"))
    await head.reply_with("代办点题回执", button="tp:pr:")
    assert topic_proxies.count(office.store.db) == 1


async def test_names_with_numbers_and_wrong_lengths_are_refused(office, chat):
    head = chat(HEAD)
    await head.say_for("/proxy", "村民的姓名")
    await head.say_for("赵", "2 到 20 个字")
    await head.say_for("赵秀兰 13812345678", "不要写身份证号")
    await head.say_for("赵秀兰", button="tp:pc:")
    assert topic_proxies.count(office.store.db) == 0


async def test_residents_and_other_villages_are_refused(office, chat):
    resident, hexi = chat(RESIDENT), chat(HEXI_OFFICIAL)
    refused = await resident.say_for(f"/proxy {NAME} | 村里修路的钱花在哪里了", "仅限本村村干部")
    assert "reply_markup" not in refused
    number = receipt_in((await _file_by_form(chat(HEAD)))["text"])
    # Another village's official may not print qingshan's receipt, nor may a resident.
    for other in (hexi, resident):
        (answer,) = await other.say(f"/receipt {number}")
        assert "document" not in answer
    assert topic_proxies.count(office.store.db) == 1
