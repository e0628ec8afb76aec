"""A county database written through the project's own schema (`Store` migrates it), filled with
bulk inserts: villages, residents, topics in every state, published disclosures with their rows,
sign-offs, filing chain and search index. Cached by generator version and scale."""

from __future__ import annotations

import json
import random
import sqlite3
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlite_utils import Database

from bot.config.sections import SOLE_TOWNSHIP
from bot.core.vocabulary import CATEGORIES
from bot.services.disclosures.disclosure_text import rows_text
from bot.services.disclosures.tamper_check import content_checksum
from bot.services.topics.text import format_receipt
from storage import disclosures as store_d
from storage.db import Store
from storage.disclosure_filings import GENESIS, chain_hash
from storage.disclosure_rows import Row, rows_of
from storage.migrations import migrations
from storage.search_index import index_words
from storage.times import to_text

VERSION = 3  # bump when what is generated changes: cached files of older versions are rebuilt
LAST_MIGRATION = migrations.pending(Database(memory=True))[-1].name.split("_")[0]
CACHE = Path(__file__).resolve().parents[2] / "data" / "bench-county"

# The county of issue 12 §3; one village keeps the same density per village.
VILLAGES = 300
RESIDENTS = 300_000
TOPICS = 100_000
DISCLOSURES = 20_000
ROWS = 1_000_000
STAFF = (900_001, 900_002, 900_003)  # the first township's staff, declared in the config
# A real county of 300 villages has 15-20 townships: 20 villages each, each with its own staff
# (the first township's are STAFF), and county staff reading them all.
TOWNSHIP_VILLAGES = 20
OTHER_STAFF_BASE = 900_100  # township i > 0: OTHER_STAFF_BASE + i
COUNTY_STAFF = 900_900
USER_BASE = 1_000_000
SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程"
)
GIVEN = "秀英建国明华丽芳伟强敏静磊军洋勇艳杰娟涛超霞平刚桂兰玉珍德福春梅金凤志红永海"
ASKS = ("村口路灯坏了三天", "光伏电站分红什么时候发", "低保名单怎么评的", "修路工程款公开吗")
ANSWERS = ("已安排电工维修", "分红在十月十日发放到一卡通", "按民主评议结果公示", "已在公开栏张贴")


@dataclass(frozen=True, slots=True)
class Shape:
    """How many of each thing a generated database holds."""

    villages: int
    residents: int
    topics: int
    disclosures: int
    rows: int

    @classmethod
    def county(cls, scale: float = 1.0) -> Shape:
        """The county at `scale` (0.01 for a quick one), at least one village."""
        villages = max(1, round(VILLAGES * scale))
        per = villages / VILLAGES
        return cls(
            villages,
            round(RESIDENTS * per),
            round(TOPICS * per),
            round(DISCLOSURES * per),
            round(ROWS * per),
        )

    @classmethod
    def village(cls) -> Shape:
        """One village of the county's density: the baseline every county figure is held to."""
        return cls.county(1 / VILLAGES)

    @property
    def name(self) -> str:
        # The last migration too: a file written under older migrations is written again.
        return f"v{VERSION}-{LAST_MIGRATION}-{self.villages}x{self.residents}"


def village_codes(count: int) -> list[str]:
    """The generated villages' codes, in order."""
    return [f"v{i:03d}" for i in range(count)]


def name_of(i: int) -> str:
    return SURNAMES[i % len(SURNAMES)] + GIVEN[i % len(GIVEN)] + GIVEN[(i * 7 + 3) % len(GIVEN)]


def township_codes(villages: int) -> list[str]:
    """The generated townships' codes: one per TOWNSHIP_VILLAGES villages (at least one)."""
    return [f"z{i:02d}" for i in range(max(1, -(-villages // TOWNSHIP_VILLAGES)))]


def first_township(shape: Shape) -> str:
    """The code of the township the first village belongs to (its page /z/<code>)."""
    towns = township_codes(shape.villages)
    return towns[0] if len(towns) > 1 else SOLE_TOWNSHIP


def config_data(shape: Shape, database: Path) -> dict:
    """The config sections that declare the generated county: its townships (one township, as
    the [township] section, when the villages fill only one), villages and staff."""
    codes = village_codes(shape.villages)
    towns = township_codes(shape.villages)
    listed = [{"code": code, "name": f"{name_of(i)[:2]}村{i}"} for i, code in enumerate(codes)]
    if len(towns) == 1:
        return {
            "storage": {"path": str(database)},
            "township": {"name": "基准镇", "staff": list(STAFF)},
            "villages": listed,
        }
    for i, village in enumerate(listed):
        village["township"] = towns[i // TOWNSHIP_VILLAGES]
    return {
        "storage": {"path": str(database)},
        "township": {"name": "基准县"},
        "county": {"name": "基准县", "staff": [COUNTY_STAFF]},
        "townships": [
            {
                "code": code,
                "name": f"{name_of(i)[:2]}镇",
                "staff": list(STAFF) if i == 0 else [OTHER_STAFF_BASE + i],
            }
            for i, code in enumerate(towns)
        ],
        "villages": listed,
    }


def database(shape: Shape, now: datetime | None = None, cache: Path = CACHE) -> Path:
    """The cached database of this shape, generated when missing."""
    path = cache / f"{shape.name}.db"
    if not path.exists():
        cache.mkdir(parents=True, exist_ok=True)
        partial = path.with_suffix(".partial")
        for leftover in cache.glob(f"{partial.name}*"):
            leftover.unlink()
        generate(shape, partial, now or datetime.now(UTC))
        partial.rename(path)
    return path


def generate(shape: Shape, path: Path, now: datetime) -> None:
    """Write a database of this shape at `path` (migrated by the project's Store)."""
    Store(path).close()
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("PRAGMA journal_mode = OFF")  # a fresh file, rebuilt when anything fails
    conn.execute("PRAGMA synchronous = OFF")
    conn.execute("BEGIN")
    rnd = random.Random(12)
    codes = village_codes(shape.villages)
    _people(conn, shape, codes, now)
    _topics(conn, shape, codes, now, rnd)
    _disclosures(conn, shape, codes, now, rnd)
    conn.execute("COMMIT")
    conn.execute("PRAGMA journal_mode = WAL")  # no ANALYZE: the project's databases have none
    conn.close()


def officials(index: int) -> tuple[int, int, int, int]:
    """The village's two officials and two supervisors (user ids)."""
    base = 800_000 + index * 4
    return base, base + 1, base + 2, base + 3


def _people(conn: sqlite3.Connection, shape: Shape, codes: list[str], now: datetime) -> None:
    at = to_text(now - timedelta(days=800))
    conn.executemany(
        "INSERT INTO villages (code, name, chat_id, active) VALUES (?, ?, NULL, 1)",
        [(c, f"{name_of(i)[:2]}村{i}") for i, c in enumerate(codes)],
    )
    users = [(uid, "镇干部", at, at) for uid in STAFF]
    members = [(uid, "township", None, "镇纪委", 1, 1, at) for uid in STAFF]
    for i, code in enumerate(codes):
        for n, uid in enumerate(officials(i)):
            users.append((uid, name_of(uid), at, at))
            role, title = ("official", "会计") if n < 2 else ("supervisor", "监委会委员")
            members.append((uid, role, code, title, 1, 0, at))
    for r in range(shape.residents):
        uid = USER_BASE + r
        users.append((uid, name_of(r), at, at))
        members.append((uid, "resident", codes[r % len(codes)], None, 1, 0, at))
    conn.executemany(
        "INSERT INTO users (user_id, first_name, language, created_at, updated_at) "
        "VALUES (?, ?, 'zh-hans', ?, ?)",
        users,
    )
    conn.executemany(
        "INSERT INTO members (user_id, role, village_code, title, verified, from_config, "
        "joined_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
        members,
    )


def _local_day(moment: datetime) -> str:
    return (moment + timedelta(hours=8)).date().isoformat()  # Asia/Shanghai has no DST


def _topics(
    conn: sqlite3.Connection, shape: Shape, codes: list[str], now: datetime, rnd: random.Random
) -> None:
    """Topics in every state: open (some overdue, some asking for more time), answered and
    awaiting a rating, declined, closed rated or not; with answers, supports and extensions."""
    per_village = max(1, shape.residents // len(codes))
    topics, answers, wall, extensions, supports = [], [], [], [], []
    years: dict[int, int] = {}
    for t in range(shape.topics):
        vi = t % len(codes)
        k = t // len(codes)  # its number in its village: each village has topics in every state
        requester = USER_BASE + vi + len(codes) * ((k * 13) % per_village)
        official = officials(vi)[k % 2]
        state = k % 20
        age = (k * 37) % 30 if state < 4 else 2 + k % 4 if state < 6 else 10 + (k * 53) % 720
        filed = now - timedelta(days=age, minutes=k % 600)
        due = (filed + timedelta(hours=8)).date() + timedelta(days=14)
        status = "assigned" if state < 4 else "answered" if state < 6 else "declined"
        if state >= 7:
            status = "closed"
        text = f"{ASKS[k % len(ASKS)]}，第{k % 9 + 1}组{name_of(t)[:1]}家反映"
        answer_id = responded = rating = rated = closed = reason = None
        extended = False
        if (k % 25 == 0 and status != "assigned") or (state == 1 and k % 3 == 0):
            pending = status == "assigned"
            extended = not pending
            new_due = None if pending else (due + timedelta(days=7)).isoformat()
            extensions.append(
                (
                    t + 1,
                    official,
                    7,
                    "需要现场核实",
                    to_text(filed + timedelta(days=2)),
                    "pending" if pending else "approved",
                    None if pending else STAFF[0],
                    new_due,
                )
            )
            due = due if pending else due + timedelta(days=7)
        if status != "assigned":
            answer_id = len(answers) + 1
            at = filed + timedelta(days=min(age, 3))
            kind = "decline" if status == "declined" else "answer"
            words = "涉及个人隐私，不予公开" if kind == "decline" else ANSWERS[k % len(ANSWERS)]
            answers.append(
                (
                    answer_id,
                    t + 1,
                    kind,
                    "privacy" if kind == "decline" else None,
                    words,
                    official,
                    f"{codes[vi]} 会计",
                    to_text(at),
                    due.isoformat(),
                    1,
                )
            )
            responded = to_text(at)
            wall.append((t + 1, index_words(text), index_words(words)))
        if status == "closed":
            rated = k % 5 != 0
            rating = ("satisfied", "basic", "unsatisfied")[k % 3] if rated else None
            closed = to_text(filed + timedelta(days=9))
            reason = "rated" if rated else "not_rated"
            rated = closed if rated else None
        if k % 10 == 0:
            supports += [(t + 1, requester + len(codes) * k, to_text(filed)) for k in (1, 2, 3)]
        years[filed.year] = t + 1  # receipts are numbered by t, so none repeats
        topics.append(
            (
                t + 1,
                format_receipt(filed.year, t + 1),
                codes[vi],
                requester,
                CATEGORIES[k % len(CATEGORIES)],
                text,
                status,
                "officials",
                official,
                official,
                to_text(filed),
                to_text(filed),
                due.isoformat(),
                int(extended),
                answer_id,
                responded,
                responded,
                rating,
                rated,
                closed,
                reason,
                to_text(now),
            )
        )
    conn.executemany(
        "INSERT INTO topics (id, receipt, village_code, requester_id, category, text, status, "
        "routed_to, assignee_id, first_owner_id, filed_at, cycle_start, due_date, extended, "
        "answer_id, responded_at, first_responded_at, rating, rated_at, closed_at, close_reason, "
        "updated_at) VALUES (" + ", ".join("?" * 22) + ")",
        topics,
    )
    conn.executemany(
        "INSERT INTO topic_answers (id, topic_id, kind, reason, text, by_user_id, by_post, at, "
        "due_date, on_time) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        answers,
    )
    conn.executemany(
        "INSERT INTO topic_extensions (topic_id, requested_by, days, reason, requested_at, "
        "status, decided_by, new_due_date) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        extensions,
    )
    conn.executemany(
        "INSERT OR IGNORE INTO topic_supports (topic_id, user_id, at) VALUES (?, ?, ?)", supports
    )
    conn.executemany(
        "INSERT INTO wall_search (rowid, question_words, answer_words) VALUES (?, ?, ?)", wall
    )
    conn.executemany("INSERT INTO topic_counters (year, last) VALUES (?, ?)", years.items())


def _quarter(back: int, now: datetime) -> tuple[str, datetime]:
    """The quarter `back` quarters before the last complete one, and its publication moment."""
    index = (now.year * 4 + (now.month - 1) // 3) - 1 - back
    year, q = divmod(index, 4)
    published = datetime(year, q * 3 + 1, 10, 1, 0, tzinfo=UTC) + timedelta(days=92)
    return f"{year}Q{q + 1}", min(published, now - timedelta(hours=1))


def _table(kind: str, count: int, seed: int) -> list[Row]:
    if kind == "subsidy":
        return [
            Row(
                i + 1,
                "subsidy",
                {
                    "group": f"第{i % 9 + 1}组",
                    "head": name_of(seed + i),
                    "item": "耕地地力保护补贴",
                    "quantity": f"{i % 7 + 1}.5亩",
                    "standard": "112.00元/亩",
                    "paid": "一卡通",
                    "note": "" if i % 5 else "脱贫户",
                },
                11200 * (i % 7 + 1) + 5600,
                None,
            )
            for i in range(count)
        ]
    income = count // 3
    return [
        Row(
            i + 1,
            "income" if i < income else "expense",
            {
                "account": "经营收入" if i < income else "公益事业支出",
                "description": (f"光伏电站分红{i}" if i % 4 == 0 else f"鱼塘承包费{i}")
                if i < income
                else f"修路第{i}段",
            },
            500000 + i * 100,
            1000000 + i * 100 if i < income else None,
        )
        for i in range(count)
    ]


def _disclosures(
    conn: sqlite3.Connection, shape: Shape, codes: list[str], now: datetime, rnd: random.Random
) -> None:
    """Published finance ledgers, subsidy lists and notices, each quarter of the last years, with
    their rows, two sign-offs, the filing chain (the services' own hashes) and the search index."""
    per_village = max(1, round(shape.disclosures / len(codes)))
    tables = per_village - per_village // 3
    per_table = max(1, shape.rows // max(1, tables * len(codes)))
    items, rows, signoffs = [], [], []
    for vi, code in enumerate(codes):
        for j in range(per_village):
            did = len(items) + 1
            kind = ("finance", "subsidy", "notice")[j % 3]
            period, published = _quarter(j // 3, now)
            category = {"finance": "财务收支", "subsidy": "惠农补贴", "notice": "政策"}[kind]
            title = f"{period} {category}公开"
            fen = (10_000_000, 9_500_000) if kind == "finance" else (None, None)
            items.append(
                (
                    did,
                    code,
                    kind,
                    category,
                    period,
                    title,
                    "按规定公开，欢迎监督。",
                    did,
                    *fen,
                    officials(vi)[0],
                    to_text(published),
                )
            )
            count = 0 if kind == "notice" else per_table
            rows += [
                (
                    did,
                    r.position,
                    r.section,
                    json.dumps(r.data, ensure_ascii=False),
                    r.amount_fen,
                    r.ytd_fen,
                )
                for r in _table(kind, count, did)
            ]
            signoffs += [
                (did, uid, name_of(uid), to_text(published - timedelta(days=1)))
                for uid in officials(vi)[2:]
            ]
    conn.executemany(
        "INSERT INTO disclosures (id, village_code, kind, category, period, title, body, root_id, "
        "opening_fen, closing_fen, created_by, created_at, updated_at) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?12, ?12)",
        items,
    )
    conn.executemany(
        "INSERT INTO disclosure_rows (disclosure_id, position, section, data, amount_fen, "
        "ytd_fen) VALUES (?, ?, ?, ?, ?, ?)",
        rows,
    )
    conn.executemany(
        "INSERT INTO disclosure_signoffs (disclosure_id, round, user_id, name, decision, at) "
        "VALUES (?, 1, ?, ?, 'approve', ?)",
        signoffs,
    )
    conn.execute(
        "UPDATE disclosures SET status = 'published', review_round = 1, submitted_at = "
        "created_at, approved_at = created_at, publish_due_at = created_at, published_at = "
        "created_at"
    )
    _file_and_index(conn)


def _file_and_index(conn: sqlite3.Connection) -> None:
    """Filing records chained in publication order, and the search index, as publishing does."""
    import sqlite_utils

    db = sqlite_utils.Database(conn)
    order = conn.execute("SELECT id FROM disclosures ORDER BY published_at, id").fetchall()
    prev_hash = GENESIS
    filings, index = [], []
    for (did,) in order:
        d = store_d.get(db, did)
        table = rows_of(db, did)
        signed = [
            {"user_id": uid, "name": name, "at": at}
            for uid, name, at in conn.execute(
                "SELECT user_id, name, at FROM disclosure_signoffs WHERE disclosure_id = ?", [did]
            )
        ]
        record = {
            "disclosure_id": did,
            "village_code": d.village_code,
            "drafted_by": d.created_by,
            "drafted_by_name": name_of(d.created_by),
            "signed_by": json.dumps(signed, ensure_ascii=False),
            "published_at": to_text(d.published_at),
            "checksum": content_checksum(d, table),
        }
        record_hash = chain_hash(prev_hash, record)
        filings.append((*record.values(), prev_hash, record_hash))
        prev_hash = record_hash
        text = rows_text(d, table)
        index.append((did, d.title, d.body, text, *map(index_words, (d.title, d.body, text))))
    conn.executemany(
        "INSERT INTO disclosure_filings (disclosure_id, village_code, drafted_by, "
        "drafted_by_name, signed_by, published_at, checksum, prev_hash, hash) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        filings,
    )
    conn.executemany(
        "INSERT INTO disclosure_search (rowid, title, body, rows, title_words, body_words, "
        "rows_words) VALUES (?, ?, ?, ?, ?, ?, ?)",
        index,
    )
