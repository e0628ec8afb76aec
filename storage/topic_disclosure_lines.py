"""Topics asked about a published disclosure or one line of its table (`topic_disclosure_lines`),
with whether each was filed within the disclosure's objection window."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any, Self

from sqlite_utils import Database

from storage.named_rows import pick
from storage.times import day_from_text


@dataclass(frozen=True, slots=True)
class TopicLine:
    topic_id: int
    disclosure_id: int
    row_id: int | None
    in_window: bool
    window_ends: date

    @classmethod
    def from_row(cls, row: Mapping[str, Any]) -> Self:
        """A link from a `topic_disclosure_lines` row read by column name."""
        fields = pick(cls, row) | {"in_window": bool(row["in_window"])}
        return cls(**fields | {"window_ends": day_from_text(row["window_ends"])})


@dataclass(frozen=True, slots=True)
class LineTopic:
    """A topic about one line, as the disclosure page shows it: its state and, once answered
    or declined, the current answer's text."""

    row_id: int | None
    receipt: str
    status: str
    answer_kind: str | None
    answer_text: str | None


def link(
    db: Database,
    topic_id: int,
    disclosure_id: int,
    row_id: int | None,
    *,
    in_window: bool,
    window_ends: date,
) -> None:
    """Record what a new topic asks about."""
    db.execute(
        "INSERT INTO topic_disclosure_lines (topic_id, disclosure_id, row_id, in_window, "
        "window_ends) VALUES (?, ?, ?, ?, ?)",
        [topic_id, disclosure_id, row_id, int(in_window), window_ends.isoformat()],
    )


def of_topic(db: Database, topic_id: int) -> TopicLine | None:
    """What a topic asks about, or None for a topic about no disclosure."""
    for row in db.query("SELECT * FROM topic_disclosure_lines WHERE topic_id = ?", [topic_id]):
        return TopicLine.from_row(row)
    return None


def in_window(db: Database, topic_ids: Iterable[int]) -> set[int]:
    """Those of the topics filed within their disclosure's objection window."""
    ids = list(topic_ids)
    if not ids:
        return set()
    marks = ", ".join("?" * len(ids))
    rows = db.execute(
        "SELECT topic_id FROM topic_disclosure_lines "
        f"WHERE in_window = 1 AND topic_id IN ({marks})",
        ids,
    )
    return {r[0] for r in rows}


def topics_of(db: Database, disclosure_id: int) -> list[LineTopic]:
    """Every topic about a disclosure's lines, oldest first, with its current answer."""
    rows = db.query(
        "SELECT l.row_id, t.receipt, t.status, a.kind AS answer_kind, a.text AS answer_text "
        "FROM topic_disclosure_lines l JOIN topics t ON t.id = l.topic_id "
        "LEFT JOIN topic_answers a ON a.id = t.answer_id "
        "WHERE l.disclosure_id = ? ORDER BY t.id",
        [disclosure_id],
    )
    return [LineTopic(**r) for r in rows]
