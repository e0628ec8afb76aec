"""storage.disclosure_rows: a disclosure's table rows."""

from __future__ import annotations

from storage import disclosure_rows
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
