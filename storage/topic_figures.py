"""Topic figures counted in SQL, per village, for a period (STAT-01, STAT-03, STAT-05, STAT-12):
a county's year is tens of thousands of topics, read here as one row of counts per village.

Local days are computed in SQL from the stored UTC text: `shifts` lists the zone's offsets in
minutes, each from a UTC moment on (the first from the beginning of time), so a zone with
summer time counts each moment in its own offset.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from datetime import date, datetime

from sqlite_utils import Database

from storage.times import to_text

Shifts = Sequence[tuple[datetime | None, int]]
_WIDTH = 6  # digits per day in `:numbers`


def _offset(column: str, shifts: Shifts) -> str:
    """An SQL expression: the zone's offset in minutes at a stored UTC moment."""
    first, *rest = shifts
    if not rest:
        return f"{first[1]:d}"
    cases = " ".join(
        f"WHEN {column} < '{to_text(at)}' THEN {minutes:d}"
        for (_, minutes), (at, _) in zip(shifts, rest, strict=False)
    )
    return f"CASE {cases} ELSE {rest[-1][1]:d} END"


def local_day(column: str, shifts: Shifts) -> str:
    """An SQL expression: the local calendar date (`YYYY-MM-DD`) of a stored UTC moment."""
    return f"date({column}, ({_offset(column, shifts)}) || ' minutes')"


def _day_number(column: str, shifts: Shifts) -> str:
    """An SQL expression: the working days counted up to a stored moment's local day, read
    from `:numbers` (fixed-width digits per day from `:origin`): a lookup by position, as a
    join to a list of days is walked once per topic by the planner."""
    day = f"cast(julianday({column}) + ({_offset(column, shifts)}) / 1440.0 - :origin AS integer)"
    return f"cast(substr(:numbers, {_WIDTH} * {day} + 1, {_WIDTH}) AS integer)"


def julian_day(day: date) -> float:
    """SQLite's julianday() of a date's midnight."""
    return day.toordinal() + 1721424.5


def _villages(params: dict, villages: Collection[str] | None) -> str:
    """A condition on these villages (a township's, or the few whose figures moved)."""
    if villages is None:
        return ""
    names = [f"v{i}" for i in range(len(villages))]
    params.update(zip(names, villages, strict=True))
    return f" AND t.village_code IN ({', '.join(':' + n for n in names)})"


def filed(
    db: Database,
    start: datetime,
    end: datetime,
    today: date,
    shifts: Shifts,
    working_days: tuple[date, Sequence[int]],
    villages: Collection[str] | None = None,
) -> list[dict]:
    """Per village (of these villages, or all), the topics filed in [start, end): filed,
    answered, declined, open, overdue, rated by rating, closed unrated, and the working days
    from filing to the first answer (`working_days`: an origin, and the working days counted
    up to each day from it on)."""
    origin, counts = working_days
    params = {
        "start": to_text(start),
        "end": to_text(end),
        "today": today.isoformat(),
        "origin": julian_day(origin),
        "numbers": "".join(f"{n:0{_WIDTH}d}" for n in counts).encode(),
    }
    where = _villages(params, villages)
    answered = _day_number("t.first_responded_at", shifts)
    filed_day = _day_number("t.filed_at", shifts)
    sql = f"""
        SELECT t.village_code AS code, count(*) AS filed,
          count(t.first_responded_at) AS answered,
          coalesce(sum(a.kind = 'decline'), 0) AS declined,
          sum(t.status = 'assigned') AS open,
          sum(t.status = 'assigned' AND t.due_date < :today) AS overdue,
          count(t.rating) AS rated,
          sum(t.rating IS 'satisfied') AS satisfied,
          sum(t.rating IS 'basic') AS basic,
          sum(t.rating IS 'unsatisfied') AS unsatisfied,
          sum(t.close_reason IS 'not_rated') AS not_rated,
          coalesce(sum({answered} - {filed_day}), 0) AS days_total
        FROM topics t LEFT JOIN topic_answers a ON a.id = t.answer_id
        WHERE t.filed_at >= :start AND t.filed_at < :end{where}
        GROUP BY t.village_code
    """
    return list(db.query(sql, params))


def due(
    db: Database,
    first: date,
    last: date,
    today: date,
    shifts: Shifts,
    villages: Collection[str] | None = None,
) -> list[dict]:
    """Per village (of these villages, or all), topics whose current due date lies in
    [first, last] and that count: answered (or declined), or past due; and those of them
    answered by the due date (local day)."""
    params = {"first": first.isoformat(), "last": last.isoformat(), "today": today.isoformat()}
    where = _villages(params, villages)
    answered_day = local_day("t.responded_at", shifts)
    sql = f"""
        SELECT t.village_code AS code,
          count(*) AS due,
          sum(t.responded_at IS NOT NULL AND {answered_day} <= t.due_date) AS on_time
        FROM topics t
        WHERE t.due_date >= :first AND t.due_date <= :last
          AND (t.responded_at IS NOT NULL OR t.due_date < :today){where}
        GROUP BY t.village_code
    """
    return list(db.query(sql, params))


def urges(
    db: Database, start: datetime, end: datetime, villages: Collection[str] | None = None
) -> dict[str, tuple[int, int]]:
    """Per village (of these villages, or all), (manual, automatic) urges recorded in
    [start, end) (STAT-12)."""
    params = {"start": to_text(start), "end": to_text(end)}
    where = _villages(params, villages)
    rows = db.query(
        "SELECT t.village_code AS code, sum(u.auto_day IS NULL) AS manual, "
        "sum(u.auto_day IS NOT NULL) AS auto FROM topic_urges u "
        f"JOIN topics t ON t.id = u.topic_id WHERE u.at >= :start AND u.at < :end{where} "
        "GROUP BY t.village_code",
        params,
    )
    return {r["code"]: (r["manual"], r["auto"]) for r in rows}


def categories(
    db: Database, start: datetime, end: datetime, villages: Collection[str] | None = None
) -> list[dict]:
    """Topics filed in [start, end) per village (of these villages, or all) and category."""
    params = {"start": to_text(start), "end": to_text(end)}
    where = _villages(params, villages)
    return list(
        db.query(
            "SELECT t.village_code AS code, t.category, count(*) AS filed "
            "FROM topics t "
            f"WHERE t.filed_at >= :start AND t.filed_at < :end{where} "
            "GROUP BY t.village_code, t.category",
            params,
        )
    )
