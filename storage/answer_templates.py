"""Reusable answer texts kept per village (the `answer_templates` table)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Self

from sqlite_utils import Database

from storage.named_rows import field_names, pick
from storage.times import from_text, to_text


@dataclass(frozen=True, slots=True)
class AnswerTemplate:
    id: int
    village_code: str
    title: str
    text: str
    created_by: int
    created_at: datetime

    @classmethod
    def from_row(cls, row: Mapping[str, Any]) -> Self:
        """A template from an `answer_templates` row read by column name."""
        return cls(**pick(cls, row) | {"created_at": from_text(row["created_at"])})


_COLUMNS = ", ".join(field_names(AnswerTemplate))


def add(
    db: Database, village_code: str, title: str, text: str, created_by: int, at: datetime
) -> int:
    """Store a template; returns its number."""
    cur = db.execute(
        "INSERT INTO answer_templates (village_code, title, text, created_by, created_at) "
        "VALUES (?, ?, ?, ?, ?)",
        [village_code, title, text, created_by, to_text(at)],
    )
    return cur.lastrowid


def of_village(db: Database, village_code: str) -> list[AnswerTemplate]:
    """A village's templates, oldest first."""
    rows = db.query(
        f"SELECT {_COLUMNS} FROM answer_templates WHERE village_code = ? ORDER BY id",
        [village_code],
    )
    return [AnswerTemplate.from_row(r) for r in rows]


def get(db: Database, template_id: int) -> AnswerTemplate | None:
    """One template by number, or None."""
    rows = list(db.query(f"SELECT {_COLUMNS} FROM answer_templates WHERE id = ?", [template_id]))
    return AnswerTemplate.from_row(rows[0]) if rows else None


def remove(db: Database, template_id: int) -> bool:
    """Drop a template; False when there was none."""
    cur = db.execute("DELETE FROM answer_templates WHERE id = ?", [template_id])
    return cur.rowcount == 1
