"""storage.disclosure_rows: a disclosure's table rows."""

from __future__ import annotations

from datetime import UTC, datetime

from storage import disclosure_rows, disclosures
from storage.disclosure_rows import Row
from tests.storage.factories import disclosure


def test_rows_read_back_in_position_order_with_every_field(db):
    disclosure_id = disclosure(db, kind="finance")
    rows = [
        Row(2, "expense", {"item": "修路", "note": None}, 500, None),
        Row(1, "income", {"item": "上级拨款"}, 1200, 3400),
    ]
    disclosure_rows.replace_rows(db, disclosure_id, rows)
    assert disclosure_rows.rows_of(db, disclosure_id) == rows[::-1]


def test_replace_rows_drops_the_old_set(db):
    disclosure_id = disclosure(db, kind="subsidy")
    disclosure_rows.replace_rows(db, disclosure_id, [Row(1, "subsidy", {"name": "王"}, 10, None)])
    disclosure_rows.replace_rows(db, disclosure_id, [Row(1, "subsidy", {"name": "李"}, 20, None)])
    assert [r.data for r in disclosure_rows.rows_of(db, disclosure_id)] == [{"name": "李"}]


def test_rows_belong_to_one_disclosure(db):
    first, second = disclosure(db), disclosure(db)
    disclosure_rows.replace_rows(db, first, [Row(1, "income", {}, 1, None)])
    assert disclosure_rows.rows_of(db, second) == []


def test_published_subsidy_names_are_the_villages_current_lists_newest_first(db):
    def listed(village: str, head: str, status: str, day: int, kind: str = "subsidy") -> int:
        d = disclosure(db, kind=kind, village_code=village)
        data = {"head": head, "group": "三组"}
        disclosure_rows.replace_rows(db, d, [Row(1, "subsidy", data, 100, None)])
        at = datetime(2026, 5, day, tzinfo=UTC)
        disclosures.transition(db, d, "draft", status, published_at=at)
        return d

    older = listed("qingshan", "王大山", "published", 1)
    newer = listed("qingshan", "李四", "published", 9)
    listed("qingshan", "草稿", "draft", 10)
    listed("qingshan", "旧版", "superseded", 11)
    listed("qingshan", "账目", "published", 12, kind="finance")
    listed("hexi", "河西", "published", 13)
    found = disclosure_rows.published_subsidy_names(db, "qingshan")
    assert [(n.disclosure_id, n.head, n.group) for n in found] == [
        (newer, "李四", "三组"),
        (older, "王大山", "三组"),
    ]
    assert disclosure_rows.row_at(db, older, 1).amount_fen == 100
    assert disclosure_rows.row_at(db, older, 2) is None
