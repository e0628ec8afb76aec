"""Killed during publication, published exactly once (issue 3 acceptance; DESIGN §4, §7).

The database is prepared through the services before the bot process starts: an approved
quarterly ledger whose publication day (SCH-01: day 10, 09:00 of the quarter's first month) lies
in the past, because the approval was made with a `now` from before it. The real bot, started as a
subprocess, finds it due at its first scheduler tick; `--die-after` SIGKILLs it at the chosen
moment, and a second run must finish the job without doing any of it twice.
"""

from __future__ import annotations

import asyncio
import signal
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from bot.config import parse_config
from bot.core.clock import Clock
from bot.sandbox.emulator import BotApiEmulator
from bot.services.context import Context
from bot.services.disclosures.disclosure_wing import Disclosures
from bot.services.membership import MembershipService
from storage import members, users
from storage.db import Store
from tests.conftest import STAFF, TOKEN, eventually
from tests.procs import BotProcess, bot_config, write_config
from tests.test_crash_recovery import bot_is_polling, query

DATA = Path(__file__).parent / "data" / "disclosures"
CHANNEL = -1001000000001
OFFICIAL, SUPERVISOR, RESIDENT = 1002, 1003, 1001
# Before 2026Q2's publication day (2026-07-10 09:00 Asia/Shanghai): approved, not yet due then.
APPROVED_AT = datetime(2026, 6, 30, 2, 0, tzinfo=UTC)


@pytest.fixture
def config_data(tmp_path: Path, emulator: BotApiEmulator) -> dict:
    return bot_config(tmp_path, token=TOKEN, base_url=emulator.base_url, staff=STAFF)


@pytest.fixture
def config_path(tmp_path: Path, config_data: dict) -> Path:
    return write_config(tmp_path / "bot.toml", config_data)


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "village.db"


@pytest.fixture
def processes(tmp_path: Path, config_path: Path) -> Iterator[list[BotProcess]]:
    made: list[BotProcess] = []
    yield made
    for process in made:
        process.cleanup()


def bot(tmp_path: Path, config_path: Path, made: list[BotProcess], name: str, die_after=""):
    process = BotProcess(
        tmp_path, "--config", str(config_path), "serve", name=name, die_after=die_after
    )
    made.append(process)
    return process


def approved_ledger(db_path: Path, config_data: dict) -> int:
    """An approved 2026Q2 ledger, due for publication since July; the resident subscribes."""
    config = parse_config(config_data, environ={})
    store = Store(db_path)
    try:
        ctx = Context.build(config, store, Clock(APPROVED_AT))
        membership = MembershipService(ctx)
        membership.sync_config()
        with store.transaction() as db:
            for user_id, role in (
                (OFFICIAL, "official"),
                (SUPERVISOR, "supervisor"),
                (RESIDENT, "resident"),
            ):
                users.ensure(db, user_id)
                members.add(db, user_id, role, "qingshan")
        disclosures = Disclosures.build(ctx)
        official = membership.person(OFFICIAL)
        disclosures.drafting.start(official, "finance")
        disclosures.drafting.choose_category(official, 0)
        disclosures.form.handle_text(official, "2026Q2")
        content = (DATA / "ledger_balanced_gbk.csv").read_bytes()
        sheet = disclosures.importing.read("finance", "账目.csv", content)
        step = disclosures.importing.import_sheet(official, "账目.csv", sheet)
        disclosure_id = step.disclosure.id
        disclosures.submission.submit(official, disclosure_id)
        d = disclosures.signoff.approve(membership.person(SUPERVISOR), disclosure_id, 1)
        assert d.status == "approved" and d.publish_due_at < datetime.now(UTC)
        disclosures.subscriptions.toggle_subscription(membership.person(RESIDENT), "*")
        return disclosure_id
    finally:
        store.close()


def publications(emulator: BotApiEmulator, disclosure_id: int) -> list[dict]:
    return [m for m in emulator.messages(CHANNEL) if f"#{disclosure_id}" in (m.get("text") or "")]


def subscriber_notices(emulator: BotApiEmulator, disclosure_id: int) -> list[dict]:
    return [
        m for m in emulator.messages(RESIDENT) if f"/show {disclosure_id}" in (m.get("text") or "")
    ]


async def finished_once(
    emulator: BotApiEmulator, process: BotProcess, db_path: Path, disclosure_id: int
) -> None:
    """The restarted bot publishes (or finishes publishing) and nothing happens twice."""

    def all_sent() -> bool:
        assert process.alive(), process.log()
        published = query(db_path, "SELECT status FROM disclosures WHERE id = ?", disclosure_id)
        pending = query(db_path, "SELECT id FROM outbox WHERE status = 'pending'")
        return (
            published == [("published",)] and not pending and publications(emulator, disclosure_id)
        )

    await eventually(all_sent, within=30)
    await asyncio.sleep(2)  # the restarted bot's first scheduler tick (1 s after start) has run
    assert query(db_path, "SELECT count(*) FROM disclosure_filings") == [(1,)]
    events = query(
        db_path, "SELECT count(*) FROM audit_events WHERE action = 'disclosure.published'"
    )
    assert events == [(1,)]
    assert query(db_path, "SELECT count(*) FROM outbox WHERE status != 'sent'") == [(0,)]
    assert len(subscriber_notices(emulator, disclosure_id)) == 1


@pytest.mark.parametrize(
    ("die_after", "committed"),
    [
        # The publication transaction committed, none of its outbox rows sent yet.
        ("Publishing.publish_due:1", True),
        # Killed inside the publication transaction: nothing of it survives, all is redone.
        ("Publishing._announce:1", False),
    ],
)
async def test_killed_during_publication_publishes_exactly_once(
    tmp_path, emulator, config_data, config_path, db_path, processes, die_after, committed
):
    for user_id, name in ((RESIDENT, "王秀英"), (OFFICIAL, "李建国"), (SUPERVISOR, "张桂兰")):
        emulator.add_user(user_id, name, language_code="zh-hans")
    disclosure_id = approved_ledger(db_path, config_data)

    dying = bot(tmp_path, config_path, processes, "dying", die_after).start()
    assert await dying.wait(30) == -signal.SIGKILL, dying.log()
    status = query(db_path, "SELECT status FROM disclosures WHERE id = ?", disclosure_id)
    assert status == [("published" if committed else "approved",)]
    filings = query(db_path, "SELECT count(*) FROM disclosure_filings")
    assert filings == [(1 if committed else 0,)]
    channel_rows = query(
        db_path,
        "SELECT status FROM outbox WHERE idempotency_key LIKE ?",
        f"publish:{disclosure_id}:chat:%",
    )
    assert channel_rows == ([("pending",)] if committed else [])
    assert not publications(emulator, disclosure_id)

    restarted = bot(tmp_path, config_path, processes, "restarted").start()
    await finished_once(emulator, restarted, db_path, disclosure_id)
    assert len(publications(emulator, disclosure_id)) == 1


async def test_killed_while_the_publication_is_in_flight(
    tmp_path, emulator, config_data, config_path, db_path, processes
):
    """The post to the village chat is inside the Bot API when the bot dies: at most that one
    message comes twice (DESIGN §7), everything else exactly once."""
    for user_id, name in ((RESIDENT, "王秀英"), (OFFICIAL, "李建国"), (SUPERVISOR, "张桂兰")):
        emulator.add_user(user_id, name, language_code="zh-hans")
    disclosure_id = approved_ledger(db_path, config_data)
    emulator.inject_fault("sendMessage", kind="delay", delay=0.5, times=-1)
    first = bot(tmp_path, config_path, processes, "first").start()

    def channel_send_in_flight() -> bool:
        assert first.alive(), first.log()
        asked = [
            r
            for r in emulator.request_log()
            if r.method == "sendMessage" and int(r.params.get("chat_id", 0)) == CHANNEL
        ]
        return bool(asked) and not publications(emulator, disclosure_id)

    await eventually(channel_send_in_flight, within=30)
    await first.kill()
    emulator.clear_faults()

    restarted = bot(tmp_path, config_path, processes, "restarted").start()
    await bot_is_polling(emulator, restarted)
    await finished_once(emulator, restarted, db_path, disclosure_id)
    assert 1 <= len(publications(emulator, disclosure_id)) <= 2
