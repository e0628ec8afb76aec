"""Heavy work off the event loop, and bounded (issue "Trust" §5): a big import leaves the bot
and the web answering, a workbook past the row limit is refused without being read whole,
a workbook unpacking to a huge text table is refused before it is read, posters are laid out
once per content, and slow web clients are cut off."""

from __future__ import annotations

import asyncio
import io
import re
import threading
import zipfile

import aiohttp
import pytest
from openpyxl import Workbook

from bot.services.disclosures.sheet_reading import ImportRejected, read_table
from bot.web_render.poster_cache import PosterCache
from handlers.web.disclosure_routes import POSTERS
from tests.test_disclosure_e2e import OFFICIAL, RESIDENT, draft_finance, village  # noqa: F401
from tests.test_web_disclosures import ledger_rows, publish
from tests.test_web_pages import build
from tests.test_web_poster import services  # noqa: F401

HEADER = ["类型", "科目", "摘要", "本期金额", "本年累计"]


def ledger_xlsx(rows: int, extra_columns: int = 0) -> bytes:
    """A balanced ledger of `rows` income and expense lines (and its two balance lines)."""
    workbook = Workbook()
    sheet = workbook.active
    extra = ["-"] * extra_columns
    sheet.append(HEADER + [f"备注{i}" for i in range(extra_columns)])
    opening = 1_000_000
    sheet.append(["期初余额", "", "", f"{opening}.00", "", *extra])
    balance = opening * 100
    for n in range(rows):
        kind = "收入" if n % 2 else "支出"
        fen = (n % 900 + 1) * 100 + 50
        balance += fen if kind == "收入" else -fen
        sheet.append([kind, "经营收入", f"第{n}笔租金", f"{fen / 100:.2f}", "", *extra])
    sheet.append(["期末余额", "", "", f"{balance / 100:.2f}", "", *extra])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def rewritten(content: bytes, member: str, change) -> bytes:
    """The workbook with one member's bytes changed (or added)."""
    source = zipfile.ZipFile(io.BytesIO(content))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            data = source.read(info.filename)
            target.writestr(info.filename, change(data) if info.filename == member else data)
        if member not in source.namelist():
            target.writestr(member, change(b""))
    return out.getvalue()


class LoopLag:
    """Ticks every 20 ms and keeps the longest gap: how long the loop was blocked."""

    def __init__(self) -> None:
        self.worst = 0.0
        self._task: asyncio.Task | None = None

    async def _tick(self) -> None:
        loop = asyncio.get_running_loop()
        last = loop.time()
        while True:
            await asyncio.sleep(0.02)
            now = loop.time()
            self.worst = max(self.worst, now - last - 0.02)
            last = now

    def __enter__(self) -> LoopLag:
        self._task = asyncio.get_running_loop().create_task(self._tick())
        return self

    def __exit__(self, *exc: object) -> None:
        assert self._task is not None
        self._task.cancel()


# -- the loop stays responsive ----------------------------------------------------------------


async def test_a_big_import_leaves_the_web_and_the_loop_answering(village, emulator, chat):  # noqa: F811
    official = chat(OFFICIAL)
    await draft_finance(emulator, official)
    content = ledger_xlsx(4900, extra_columns=10)
    url = f"http://127.0.0.1:{village.web_port}/healthz"
    async with aiohttp.ClientSession() as http:
        with LoopLag() as lag:
            before = len(emulator.messages(OFFICIAL))
            await emulator.send_document(OFFICIAL, "账目.xlsx", content)
            answered = 0

            def preview() -> str:
                # The import's answer, not its progress message (shown when it takes long).
                texts = [m.get("text", "") for m in emulator.messages(OFFICIAL)[before:]]
                return "\n".join(t for t in texts if "导入文件" not in t)

            deadline = asyncio.get_running_loop().time() + 120
            while not preview():
                assert asyncio.get_running_loop().time() < deadline, "no answer to the import"
                async with http.get(url, timeout=aiohttp.ClientTimeout(total=5)) as response:
                    assert response.status == 200
                answered += 1
                await asyncio.sleep(0.05)
    answer = preview()
    assert "第1笔租金" in answer and "❌" not in answer
    assert answered > 1  # /healthz was answered while the workbook was read
    # a generous bound: reading 5,000 rows on the loop blocked it for seconds
    assert lag.worst < 1.0, f"the event loop was blocked for {lag.worst:.2f}s"
    (saved,) = village.store.db.execute("SELECT count(*) FROM disclosure_rows").fetchone()
    assert saved == 4900  # the draft's rows, saved once


async def test_one_persons_import_never_holds_up_anyone_elses_message(
    village,  # noqa: F811
    emulator,
    chat,
    monkeypatch,
):
    official, resident = chat(OFFICIAL), chat(RESIDENT)
    await draft_finance(emulator, official)
    importing = village.services.disclosures.importing
    read = type(importing).read
    let_go = threading.Event()

    def held_read(self, *args):
        assert let_go.wait(30), "the import was never let go"
        return read(self, *args)

    monkeypatch.setattr(type(importing), "read", held_read)
    await emulator.send_document(OFFICIAL, "账目.xlsx", ledger_xlsx(20))
    # The official's import is held in the pool: a resident's message is still answered, and
    # the official's own next message waits its turn behind the import (their lane's order).
    await emulator.send_text(OFFICIAL, "/help")
    (receipt,) = await resident.say("/topic 请公开村道修缮的费用明细")
    assert "DT-" in receipt["text"]
    assert not any("第1笔租金" in m.get("text", "") for m in emulator.messages(OFFICIAL))
    let_go.set()
    await official.reply_with("第1笔租金")
    await official.reply_with("/draft")  # the menu /help shows, after the import's answer


# -- limits checked while reading -------------------------------------------------------------


def test_a_workbook_past_the_row_limit_is_refused_without_reading_it_whole():
    # Rows 400 onwards are unreadable: a reader going to the end would call the file damaged.
    content = rewritten(
        ledger_xlsx(2000),
        "xl/worksheets/sheet1.xml",
        lambda xml: re.sub(rb'<row r="400".*', b'<row r="400"><c r="A400"', xml, flags=re.S),
    )
    with pytest.raises(ImportRejected) as caught:
        read_table("账目.xlsx", content, max_rows=100, max_bytes=2_000_000)
    assert [(p.key, p.params) for p in caught.value.problems] == [
        ("imp.too_many_rows", {"limit": 100})
    ]


def test_a_csv_of_blank_lines_stops_at_the_limit():
    content = ("类型,科目,摘要,本期金额\n" + ",,,\n" * 50_000 + "收入,a,b,1\n").encode()
    with pytest.raises(ImportRejected) as caught:
        read_table("a.csv", content, max_rows=1000, max_bytes=2_000_000)
    assert caught.value.problems[0].key == "imp.too_many_rows"


def test_a_workbook_unpacking_to_a_huge_text_table_is_refused_before_reading():
    content = rewritten(
        ledger_xlsx(3),
        "xl/sharedStrings.xml",
        lambda _: b"<sst><si><t>" + b"x" * 25_000_000 + b"</t></si></sst>",
    )
    assert len(content) < 200_000
    with pytest.raises(ImportRejected) as caught:
        read_table("账目.xlsx", content, max_rows=100, max_bytes=2_000_000)
    (problem,) = caught.value.problems
    assert problem.key == "imp.unpacks_too_big" and problem.params["limit"] == "20.0 MB"


def test_a_tiny_workbook_claiming_the_widest_sheet_reads_quickly():
    content = rewritten(
        ledger_xlsx(2000),
        "xl/worksheets/sheet1.xml",
        lambda xml: re.sub(rb'<dimension ref="[^"]*"', b'<dimension ref="A1:XFD2003"', xml),
    )
    table = read_table("账目.xlsx", content, max_rows=5000, max_bytes=2_000_000)
    assert [c for c in table.rows[0][1] if c] == HEADER and len(table.rows) == 2003
    assert all(len(cells) <= 64 for _, cells in table.rows)


# -- posters ----------------------------------------------------------------------------------


async def test_a_poster_is_laid_out_once_per_content(aiohttp_client, services):  # noqa: F811
    rows = ledger_rows(40, 40)
    disclosure_id = publish(services, kind="finance", title="财务收支公开", rows=rows)
    app = build(services)
    client = await aiohttp_client(app)
    path = f"/d/{disclosure_id}/poster.pdf"
    first, second = await asyncio.gather(client.get(path), client.get(path))
    assert first.status == second.status == 200
    assert await first.read() == await second.read()
    assert app[POSTERS].renders == 1
    again = await client.get(path)
    assert await again.read() == await first.read() and app[POSTERS].renders == 1
    english = await client.get(f"{path}?lang=en")
    assert english.status == 200 and app[POSTERS].renders == 2


async def test_the_poster_cache_is_bounded_and_forgets_failures():
    cache = PosterCache(budget=250)

    async def made(body: bytes) -> bytes:
        await asyncio.sleep(0)
        return body

    for key in "abc":
        await cache.get(key, lambda key=key: made(key.encode() * 100))
    assert await cache.get("c", lambda: made(b"new")) == b"c" * 100  # kept
    assert await cache.get("a", lambda: made(b"new")) == b"new"  # dropped, made again

    async def fails() -> bytes:
        raise RuntimeError("no font")

    with pytest.raises(RuntimeError):
        await cache.get("d", fails)
    assert await cache.get("d", lambda: made(b"d")) == b"d"


# -- slow web clients -------------------------------------------------------------------------


async def test_slow_clients_are_cut_off(tmp_path, emulator):
    from run import Runtime
    from tests.conftest import make_config

    config = make_config(
        tmp_path, emulator, web={"header_timeout_seconds": 1, "body_timeout_seconds": 1}
    )
    runtime = Runtime(config)
    await runtime.start()
    try:
        reader, writer = await asyncio.open_connection("127.0.0.1", runtime.web_port)
        writer.write(b"GET /healthz HTTP/1.1\r\nHost: x\r\n")  # headers never finished
        await writer.drain()
        assert await asyncio.wait_for(reader.read(), timeout=10) == b""  # closed by the server
        writer.close()

        reader, writer = await asyncio.open_connection("127.0.0.1", runtime.web_port)
        writer.write(b"POST /healthz HTTP/1.1\r\nHost: x\r\nContent-Length: 500\r\n\r\n{")
        await writer.drain()
        answer = await asyncio.wait_for(reader.readline(), timeout=10)
        assert answer.startswith(b"HTTP/1.1 408")
        writer.close()
    finally:
        await runtime.stop()
