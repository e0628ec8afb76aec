"""Questions on a ledger line (issue 13 §6, STG-06) through the emulator and the web: the page's
"问这一行" link → the bot with the line quoted → the filed topic linked to the line → the
official's answer → the answer beside that line on the page; the chat's line list under /show;
the board-photo button (§7); forged and foreign line links refused."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from pathlib import Path

import aiohttp
import pytest

from storage import members, topic_disclosure_lines, topics, users
from tests.conftest import eventually, make_config, ticking_by_hand
from tests.test_topics_e2e import button
from tests.test_web_disclosures import OFFICIAL, ledger_rows, publish

RESIDENT, SUPERVISOR, HEXI_RESIDENT = 1001, 1003, 1004
INSIDE = datetime(2026, 10, 12, 2, 0, tzinfo=UTC)  # two days after publication, 10:00 local


@pytest.fixture
async def town(tmp_path: Path, emulator):
    """The bot with a finance route to the accountant, a supervisor, and a published ledger."""
    emulator.add_user(OFFICIAL, "王会计", language_code="zh-hans")
    config = make_config(
        tmp_path,
        emulator,
        topics={"routes": [{"village": "qingshan", "category": "finance", "user_id": OFFICIAL}]},
    )
    rt = await ticking_by_hand(config, INSIDE)
    with rt.store.transaction() as db:
        for uid, role, village in (
            (RESIDENT, "resident", "qingshan"),
            (SUPERVISOR, "supervisor", "qingshan"),
            (HEXI_RESIDENT, "resident", "hexi"),
            (OFFICIAL, "official", "qingshan"),
        ):
            users.ensure(db, uid)
            members.add(db, uid, role, village)
    yield rt
    await rt.stop()


def ledger(rt) -> int:
    return publish(
        rt.services,
        kind="finance",
        title="2026年第三季度财务收支",
        rows=ledger_rows(2, 2),
        opening=100,
        closing=100 + 1000100 - 240050,
    )


def row_ids(rt, disclosure_id: int) -> list[int]:
    found = rt.store.db.execute(
        "SELECT id FROM disclosure_rows WHERE disclosure_id = ? ORDER BY position", [disclosure_id]
    )
    return [r[0] for r in found]


def forms_of(rt, user_id: int) -> int:
    found = rt.store.db.execute("SELECT count(*) FROM forms WHERE user_id = ?", [user_id])
    return found.fetchone()[0]


async def page(rt, path: str) -> str:
    url = f"http://127.0.0.1:{rt.web_port}{path}"
    async with aiohttp.ClientSession() as session, session.get(url) as response:
        assert response.status == 200
        return await response.text()


async def test_a_question_from_the_page_is_answered_beside_its_line(town, chat, emulator):
    item = ledger(town)
    rows = row_ids(town, item)
    html = await page(town, f"/d/{item}")
    username = town.application.bot.username
    link = f"https://t.me/{username}?start=L{item}_{rows[2]}"
    assert username and link in html
    assert f'id="row-{rows[2]}"' in html and "问这一行" in html
    assert "异议期至 2026年10月17日" in html

    # The deep link: the form opens with the third line (the first expense) quoted.
    resident = chat(RESIDENT)
    asked = await resident.say_for(f"/start L{item}_{rows[2]}", "您要问的是这一行")
    assert "关于《2026年第三季度财务收支》第3行：公益事业支出 修路第1段 1,200.00元" in asked["text"]
    confirm = await resident.say_for("这段路是哪家公司修的？", button="tp:ok")
    assert "提交" in confirm["text"]  # a photo may still be added
    await resident.press(confirm, "tp:ok")
    receipt = re.search(r"DT-\d{4}-\d{4,}", (await resident.reply_with("DT-"))["text"]).group(0)

    topic = topics.by_receipt(town.store.db, receipt)
    assert topic.category == "finance" and topic.text.startswith(
        "关于《2026年第三季度财务收支》第3行"
    )
    link_row = topic_disclosure_lines.of_topic(town.store.db, topic.id)
    assert (link_row.disclosure_id, link_row.row_id, link_row.in_window) == (item, rows[2], True)

    # Within the objection window the supervisor hears of it too (STG-06).
    notice = await chat(SUPERVISOR).reply_with("异议期内有村民提问", receipt)
    assert "异议期至 2026年10月17日" in notice["text"] and "哪家公司" in notice["text"]

    # The page counts the waiting question; /history and the topic page link to the line.
    html = await page(town, f"/d/{item}")
    assert "已有 1 个提问，等待答复" in html
    history = await resident.say_for(f"/history {receipt}", "问的是第")
    assert f"/d/{item}#row-{rows[2]}" in history["text"] and "第 3 行" in history["text"]
    assert f'href="/d/{item}#row-{rows[2]}"' in await page(town, f"/t/{receipt}")

    # The accountant answers; the page shows the answer beside that line.
    accountant = chat(OFFICIAL)
    feedback = await accountant.reply_with("限时反馈通知书", receipt)
    await accountant.press(feedback, button(feedback, "tp:a:"))
    await accountant.reply_with(receipt)
    check = await accountant.say_for("由县交通公司施工，合同在村委会可查。", button="tp:ok")
    await accountant.press(check, "tp:ok")
    await accountant.shows("已答复", check)
    html = await page(town, f"/d/{item}")
    row_html = html[html.index(f'id="row-{rows[2]}"') :]
    row_html = row_html[: row_html.index("</tr>")]
    assert "由县交通公司施工" in row_html and "等待答复" not in html


async def test_a_line_picked_from_the_chat_list_starts_the_same_filing(town, chat):
    item = ledger(town)
    rows = row_ids(town, item)
    resident = chat(RESIDENT)
    shown = await resident.say_for(f"/show {item}", "异议期至", button=f"dlq:{item}")
    assert f"dpho:{item}" not in str(shown["reply_markup"])  # a resident posts no board photo
    await resident.press(shown, f"dlq:{item}")
    listing = await resident.reply_with("请选择您有疑问的那一行", button=f"dln:{item}:")
    labels = [b["text"] for row in listing["reply_markup"]["inline_keyboard"] for b in row]
    assert labels[0].startswith("1. 经营收入1 鱼塘承包费 5,000.00") and len(labels) == 4
    await resident.press(listing, f"dln:{item}:{rows[1]}")
    asked = await resident.reply_with("您要问的是这一行")
    assert "第2行：经营收入2 鱼塘承包费 5,001.00元" in asked["text"]
    confirm = await resident.say_for("承包给谁了？", button="tp:ok")
    await resident.press(confirm, "tp:ok")
    receipt = re.search(r"DT-\d{4}-\d{4,}", (await resident.reply_with("DT-"))["text"]).group(0)
    topic = topics.by_receipt(town.store.db, receipt)
    assert topic_disclosure_lines.of_topic(town.store.db, topic.id).row_id == rows[1]


async def test_the_line_list_pages_with_the_shared_codec(town, chat):
    item = publish(
        town.services,
        kind="finance",
        title="长账",
        rows=ledger_rows(6, 6),
        opening=0,
        closing=6 * 500000 + 1500 - (6 * 120000 + 750),
    )
    resident = chat(RESIDENT)
    shown = await resident.say_for(f"/show {item}", "异议期至", button=f"dlq:{item}")
    await resident.press(shown, f"dlq:{item}")
    first = await resident.reply_with("第 1–8 行", button=f"dlq:{item}:8")
    await resident.press(first, f"dlq:{item}:8")
    second = await resident.reply_with("第 9–12 行")
    labels = [b["text"] for row in second["reply_markup"]["inline_keyboard"] for b in row]
    assert labels[0].startswith("9. ") and len(labels) == 4


async def test_the_official_gets_a_board_photo_button_under_the_notice_and_show(town, chat):
    item = ledger(town)
    accountant = chat(OFFICIAL)
    notice = await accountant.reply_with("已公开", "异议期至", button=f"dpho:{item}")
    await accountant.press(notice, f"dpho:{item}")
    await accountant.reply_with(f"请发送第 {item} 号公告张贴在公开栏上的照片")
    shown = await accountant.say_for(f"/show {item}", "异议期至", button=f"dpho:{item}")
    assert f"dlq:{item}" not in str(shown["reply_markup"])  # officials do not file topics
    # A resident's forged press of the photo button is refused by the permission table.
    resident = chat(RESIDENT)
    mine = await resident.say_for(f"/show {item}", "异议期至")
    await resident.press(mine, f"dpho:{item}", forged=True)
    await eventually(lambda: town.store.db.execute("SELECT count(*) FROM inbox").fetchone())
    assert forms_of(town, RESIDENT) == 0 and forms_of(town, OFFICIAL) == 1


@pytest.mark.parametrize(
    "payload",
    [
        "L1_",
        "L0_1",
        "Lx_1",
        "L1_99999999999999999999999",
        "L1_1_1",
    ],
)
async def test_forged_line_links_are_refused_politely(town, chat, payload):
    ledger(town)
    answer = await chat(RESIDENT).say_for(f"/start {payload}", "链接不对")
    assert "链接不对" in answer["text"]
    assert town.store.db.execute("SELECT count(*) FROM forms").fetchone()[0] == 0


async def test_lines_of_other_items_villages_and_drafts_are_refused(town, chat):
    from tests.test_web_disclosures import draft

    item = ledger(town)
    other = ledger(town)
    rows = row_ids(town, item)
    resident = chat(RESIDENT)
    wrong = await resident.say_for(f"/start L{other}_{rows[0]}", "没有这一行")
    assert f"第 {other} 号" in wrong["text"]
    unpublished = draft(town.services)
    await resident.say_for(f"/start L{unpublished}_{rows[0]}", "没有公开")
    await resident.say_for(f"/start L999999999999_{rows[0]}", "没有公开")
    await chat(HEXI_RESIDENT).say_for(f"/start L{item}_{rows[0]}", "只有本村村民")
    await chat(SUPERVISOR).say_for(f"/start L{item}_{rows[0]}", "只有本村村民")
    assert town.store.db.execute("SELECT count(*) FROM forms").fetchone()[0] == 0


async def test_an_english_resident_asks_about_a_line_in_english_throughout(town, chat):
    alice = 1005  # her Telegram speaks English and she chose no other language
    with town.store.transaction() as db:
        users.ensure(db, alice)
        members.add(db, alice, "resident", "qingshan")
    item = ledger(town)
    rows = row_ids(town, item)
    resident = chat(alice)
    shown = await resident.say_for(f"/show {item}", "Open to objections until", button="dlq:")
    assert "Question about a line" in str(shown["reply_markup"])
    asked = await resident.say_for(f"/start L{item}_{rows[2]}", "You are asking about this line")
    quoted = "About “2026年第三季度财务收支” line 3: 公益事业支出 修路第1段 1,200.00 yuan"
    assert quoted in asked["text"]  # the line in her language; the office's words stay Chinese
    assert "/cancel" in asked["text"]
    confirm = await resident.say_for("Which company paved this road?", button="tp:ok")
    assert "Submit" in str(confirm["reply_markup"])
    await resident.press(confirm, "tp:ok")
    filed = await resident.reply_with("Request receipt", "Answer due")
    receipt = re.search(r"DT-\d{4}-\d{4,}", filed["text"]).group(0)
    assert "Which company paved this road?" in filed["text"]
    # The topic itself quotes the line in the township's language: officials and the wall read it.
    topic = topics.by_receipt(town.store.db, receipt)
    assert topic.text.startswith("关于《2026年第三季度财务收支》第3行")

    history = await resident.say_for(f"/history {receipt}", "About disclosure")
    assert f"/d/{item}#row-{rows[2]}" in history["text"] and "line 3" in history["text"]
    accountant = chat(OFFICIAL)
    feedback = await accountant.reply_with("限时反馈通知书", receipt)  # the office reads Chinese
    await accountant.press(feedback, button(feedback, "tp:a:"))
    await accountant.reply_with(receipt)
    check = await accountant.say_for("由县交通公司施工，合同在村委会可查。", button="tp:ok")
    await accountant.press(check, "tp:ok")
    told = await resident.reply_with("Your request has been answered", receipt, "由县交通公司施工")
    assert "Please rate the answer" in told["text"]
    html = await page(town, f"/d/{item}?lang=en")
    row_html = html[html.index(f'id="row-{rows[2]}"') :]
    assert "Answer: " in row_html[: row_html.index("</tr>")]
