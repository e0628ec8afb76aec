"""The score's read-only queries (`storage/score_inputs.py`): what each returns, and that every
statement finds its rows through an index, never by reading a whole table."""

from __future__ import annotations

from datetime import UTC, date, datetime

from storage import disclosures, score_inputs, topics
from tests.storage.factories import disclosure, topic

Q3_FIRST, Q3_LAST = date(2026, 7, 1), date(2026, 9, 30)
PUBLISHED = datetime(2026, 10, 10, 1, 0, tzinfo=UTC)


def _published(db, **fields) -> int:
    item = disclosure(db, **fields)
    assert disclosures.transition(db, item, "draft", "published", published_at=PUBLISHED)
    return item


def test_the_quarters_items_are_its_own_months_and_days_only(db):
    wanted = [
        _published(db, period=p, kind="finance" if p == "2026Q3" else "notice")
        for p in ("2026Q3", "2026-07", "2026-09-30")
    ]
    for other in ("2026Q2", "2026-10", "2026", "2026-06-30"):
        _published(db, period=other)
    disclosure(db, period="2026Q3")  # a draft is not public
    _published(db, period="2026Q3", village_code="hexi")
    found = score_inputs.quarter_items(db, "qingshan", "2026Q3", Q3_FIRST, Q3_LAST)
    assert [i.id for i in found] == wanted
    assert score_inputs.first_finance_publication(db, "qingshan", "2026Q3") == PUBLISHED
    assert score_inputs.first_finance_publication(db, "qingshan", "2026Q2") is None


def test_ratings_leave_out_topics_filed_for_a_resident(db):
    for n, rating in enumerate(("satisfied", "basic", "unsatisfied", "satisfied")):
        topic_id = topic(db, f"2026-{n:04d}")
        db.execute("UPDATE topics SET rating = ? WHERE id = ?", [rating, topic_id])
    db.execute("UPDATE topics SET filed_by = requester_id WHERE receipt = '2026-0003'")
    start, end = datetime(2026, 1, 1, tzinfo=UTC), datetime(2026, 4, 1, tzinfo=UTC)
    assert score_inputs.ratings(db, "qingshan", start, end) == {
        "satisfied": 1, "basic": 1, "unsatisfied": 1,
    }  # fmt: skip
    assert len(score_inputs.due_topics(db, "qingshan", date(2026, 3, 1), date(2026, 3, 31))) == 4
    assert topics.get(db, topic_id).rating == "satisfied"


def test_no_statement_reads_a_whole_table(db):
    statements: list[str] = []
    db.conn.set_trace_callback(statements.append)
    try:
        score_inputs.first_finance_publication(db, "qingshan", "2026Q3")
        score_inputs.quarter_items(db, "qingshan", "2026Q3", Q3_FIRST, Q3_LAST)
        score_inputs.due_topics(db, "qingshan", Q3_FIRST, Q3_LAST)
        score_inputs.ratings(db, "qingshan", PUBLISHED, PUBLISHED)
    finally:
        db.conn.set_trace_callback(None)
    selects = [s for s in statements if s.lstrip().upper().startswith("SELECT")]
    assert len(selects) == 4
    for sql in selects:
        plan = [row[3] for row in db.execute(f"EXPLAIN QUERY PLAN {sql}")]
        assert not [step for step in plan if step.startswith("SCAN")], (sql, plan)
        assert any("USING INDEX" in step for step in plan), (sql, plan)
