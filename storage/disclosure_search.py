"""Full-text search over published disclosures (`disclosure_search`: FTS5 with the trigram
tokenizer, so Chinese matches without spaces)."""

from __future__ import annotations

from sqlite_utils import Database


def index(db: Database, disclosure_id: int, title: str, body: str, rows_text: str) -> None:
    """Make a published version findable."""
    db.execute("DELETE FROM disclosure_search WHERE rowid = ?", [disclosure_id])
    db.execute(
        "INSERT INTO disclosure_search (rowid, title, body, rows) VALUES (?, ?, ?, ?)",
        [disclosure_id, title, body, rows_text],
    )


def search(db: Database, terms: list[str], village_code: str | None, limit: int) -> list[int]:
    """Ids of indexed versions matching every term, best first.

    Terms of three or more characters use the trigram index; shorter ones (e.g. 修路) fall back
    to LIKE over the same table, which the trigram tokenizer also answers.
    """
    where: list[str] = []
    params: list[object] = []
    long_terms = [t for t in terms if len(t) >= 3]
    if long_terms:
        where.append("disclosure_search MATCH ?")
        params.append(" AND ".join('"' + t.replace('"', '""') + '"' for t in long_terms))
    for term in (t for t in terms if len(t) < 3):
        where.append(
            "(disclosure_search.title LIKE ? OR disclosure_search.body LIKE ? "
            "OR disclosure_search.rows LIKE ?)"
        )
        params += [f"%{term}%"] * 3
    if not where:
        return []
    sql = (
        "SELECT disclosure_search.rowid FROM disclosure_search "
        "JOIN disclosures d ON d.id = disclosure_search.rowid "
        f"WHERE {' AND '.join(where)}"
    )
    if village_code is not None:
        sql += " AND d.village_code = ?"
        params.append(village_code)
    sql += " ORDER BY d.published_at DESC LIMIT ?"
    params.append(limit)
    return [r["rowid"] for r in db.query(sql, params)]
