"""Topics filed for a resident without a phone (代办): the resident's name and consent, kept in
the topic's row but read only here, so no page, feed or export that reads topics can show them."""

from __future__ import annotations

from dataclasses import dataclass

from sqlite_utils import Database


@dataclass(frozen=True, slots=True)
class ProxyFiling:
    topic_id: int
    resident_name: str
    consent: str
    filed_by: int


def mark(db: Database, topic_id: int, resident_name: str, consent: str, filed_by: int) -> None:
    """Record that a topic just created was filed on a resident's behalf."""
    db.execute(
        "UPDATE topics SET filed_by = ?, proxy_for_name = ?, proxy_consent = ? WHERE id = ?",
        [filed_by, resident_name, consent, topic_id],
    )


def of(db: Database, topic_id: int) -> ProxyFiling | None:
    """The proxy filing of a topic, or None when the resident filed it themselves."""
    row = db.execute(
        "SELECT id, proxy_for_name, proxy_consent, filed_by FROM topics "
        "WHERE id = ? AND filed_by IS NOT NULL",
        [topic_id],
    ).fetchone()
    return ProxyFiling(*row) if row else None


def count(db: Database) -> int:
    """How many topics were filed on a resident's behalf."""
    return db.execute("SELECT count(*) FROM topics WHERE filed_by IS NOT NULL").fetchone()[0]
