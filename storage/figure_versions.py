"""Each village's version of what its topic figures are counted from (m022): triggers give a
village a new random version whenever one of its topics, answers or urges changes; and the
county's and each township's version, new whenever one of its villages' is (m026)."""

from __future__ import annotations

from collections.abc import Collection

from sqlite_utils import Database

DATABASE = ""  # the row whose version tells this database apart from another
COUNTY = "*"  # the county's row in group_versions; a township's is its code


def of(db: Database, codes: Collection[str]) -> tuple[bytes, dict[str, bytes]]:
    """This database's token and the current version of each of these villages (a village
    whose topics never changed since m022 has none)."""
    wanted = [DATABASE, *codes]
    marks = ", ".join("?" * len(wanted))
    rows = db.execute(
        f"SELECT village_code, version FROM figure_versions WHERE village_code IN ({marks})",
        wanted,
    ).fetchall()
    found = dict(rows)
    return found.pop(DATABASE, b""), found


def of_groups(db: Database, codes: Collection[str]) -> tuple[bytes, dict[str, bytes]]:
    """This database's token and the current version of each of these groups (COUNTY or a
    township's code; none before the first change since m026)."""
    marks = ", ".join("?" * len(codes))
    rows = db.execute(
        f"SELECT NULL, version FROM figure_versions WHERE village_code = '{DATABASE}' UNION ALL "
        f"SELECT code, version FROM group_versions WHERE code IN ({marks})",
        list(codes),
    ).fetchall()
    found = dict(rows)
    return found.pop(None, b""), found


def of_active(db: Database, codes: Collection[str]) -> tuple[bytes, str]:
    """This database's token and each of these active villages' code, name and version in code
    order, as one text: all a result added up from their figures rests on, in one read (built
    by SQLite: 300 rows as Python tuples cost twice as much). Every village's: `of_groups`
    with COUNTY, one row."""
    wanted = list(codes)
    (listed,) = db.execute(
        "SELECT group_concat(code || ':' || name || ':' || ifnull(hex(version), ''), ',') FROM "
        "(SELECT code, name, version FROM villages LEFT JOIN figure_versions "
        f"ON village_code = code WHERE active = 1 AND code IN ({', '.join('?' * len(wanted))}) "
        "ORDER BY code)",
        wanted,
    ).fetchone()
    token = db.execute(
        "SELECT version FROM figure_versions WHERE village_code = ?", [DATABASE]
    ).fetchone()
    return (token[0] if token else b"", listed or "")
