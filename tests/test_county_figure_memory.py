"""Topic figures remembered per village (issue 12 §3) equal a direct recount after every kind of
change: filing, answer, decline, rating, extension, reopening, urge, reroute, a village moved,
a /holiday and the date rolling over; and only the villages that changed are counted again."""

from __future__ import annotations

import shutil
from collections import OrderedDict
from collections.abc import Callable, Iterator
from datetime import date, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from sqlite_utils import Database

from bench.county.county_db import Shape, database
from bot.core.local_time import day_start
from bot.core.periods import Period, parse_period
from bot.services import figure_memory, figure_totals
from bot.services.topics import stats
from bot.services.topics.stats import compute
from storage import calendar_days, topic_answers, topics, villages
from storage.db import Store
from tests.test_county_figures import NOW, TODAY, recount

TZ = ZoneInfo("Asia/Shanghai")
PERIODS = [parse_period(text) for text in ("2026", "2026Q4", "2026-12", "2026-11")]
AT = NOW + timedelta(hours=1)


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return database(Shape.county(0.01), NOW, cache=tmp_path_factory.mktemp("cache"))


@pytest.fixture
def store(generated: Path, tmp_path: Path) -> Iterator[Store]:
    path = tmp_path / "county.db"
    shutil.copy(generated, path)
    opened = Store(path)
    yield opened
    opened.close()


def _one(db: Database, condition: str) -> int:
    row = db.execute(
        f"SELECT id FROM topics WHERE village_code = 'v001' AND {condition} "
        "ORDER BY filed_at DESC LIMIT 1"
    ).fetchone()
    assert row is not None, condition
    return row[0]


def _answer(db: Database, kind: str) -> None:
    topic_id = _one(db, "status = 'assigned'")
    answer_id = topic_answers.add_answer(
        db, topic_id=topic_id, kind=kind, reason="不属于村务" if kind == "decline" else None,
        text="已处理", link=None, attachment_kind=None, attachment_file_id=None,
        by_user_id=800_004, by_post="会计", at=AT, due_date=TODAY, on_time=True,
    )  # fmt: skip
    topics.respond(db, topic_id, answer_id, "answered" if kind == "answer" else "declined", AT)


def _file(db: Database) -> None:
    topics.create(
        db, receipt="T-TEST-1", village_code="v001", requester_id=1_000_001, category="other",
        text="新的问题", media_kind=None, media_file_id=None, routed_to="officials",
        assignee_id=None, at=AT, due_date=TODAY - timedelta(days=1), due_provisional=False,
    )  # fmt: skip


def _rate(db: Database) -> None:
    topic_id = _one(db, "status = 'answered' AND rating IS NULL")
    topics.rate(db, topic_id, "unsatisfied", AT)
    topics.close(db, topic_id, "rated", AT)


def _extend(db: Database) -> None:
    topic_id = _one(db, "status = 'assigned' AND due_date < '2026-12-02'")
    topics.set_due(db, topic_id, TODAY + timedelta(days=20), False, AT, extended=True)


def _reopen(db: Database) -> None:
    topic_id = _one(db, "status = 'answered'")
    topics.reopen(db, topic_id, TODAY - timedelta(days=2), False, AT)


def _urge(db: Database) -> None:
    topics.add_urge(db, _one(db, "status = 'assigned'"), 900_001, None, AT)


def _reroute(db: Database) -> None:
    topics.reroute(db, _one(db, "status = 'assigned'"), "township", None, AT)


def _move(db: Database) -> None:
    # No service moves a topic between villages; the trigger still marks both villages.
    db.execute("UPDATE topics SET village_code = 'v002' WHERE id = ?", [_one(db, "true")])


def _holiday(db: Database) -> None:
    calendar_days.put(db, date(2026, 11, 18), "holiday", None, 900_001, AT)


CHANGES: dict[str, tuple[Callable[[Database], None], bool]] = {
    "file": (_file, True),
    "answer": (lambda db: _answer(db, "answer"), True),
    "decline": (lambda db: _answer(db, "decline"), True),
    "rating": (_rate, True),
    "extension": (_extend, True),
    "reopen": (_reopen, True),
    "urge": (_urge, True),
    "reroute": (_reroute, False),  # who holds a topic is no figure
    "moved": (_move, True),
    "holiday": (_holiday, True),
}


def _figures(db: Database, today: date = TODAY) -> list:
    return [compute(db, period, today, TZ, code) for period in PERIODS for code in (None, "v001")]


def _recounted(db: Database, today: date = TODAY) -> list:
    return [recount(db, period, today, TZ, code) for period in PERIODS for code in (None, "v001")]


@pytest.mark.parametrize("name", list(CHANGES))
def test_remembered_figures_follow_every_change(store: Store, name: str) -> None:
    change, moves = CHANGES[name]
    before = _figures(store.db)  # remembered from here on
    assert before == _recounted(store.db)
    with store.transaction() as db:
        change(db)
    after = _figures(store.db)
    assert after == _recounted(store.db), name
    assert (after != before) == moves, name  # the change shows in the figures at once


def test_a_rolled_back_change_leaves_no_figures_behind(store: Store) -> None:
    before = _figures(store.db)
    with pytest.raises(KeyError), store.transaction(handling=False) as db:
        _file(db)
        assert _figures(db) != before  # counted inside the change, then rolled back
        raise KeyError
    assert _figures(store.db) == before == _recounted(store.db)
    with store.transaction() as db:
        _urge(db)  # a later change must not find the rolled-back figures current
    assert _figures(store.db) == _recounted(store.db)


def test_the_date_rolling_over_counts_overdue_topics_again(store: Store) -> None:
    tomorrow = TODAY + timedelta(days=1)
    with store.transaction() as db:
        topic_id = _one(db, "status = 'assigned'")
        topics.set_due(db, topic_id, TODAY, False, AT, extended=False)  # overdue from tomorrow
    today = _figures(store.db)
    assert _figures(store.db, tomorrow) == _recounted(store.db, tomorrow) != today


def test_only_the_villages_that_changed_are_counted_again(
    store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    period = parse_period("2026Q4")
    asked: list[list[str]] = []
    counted = stats._count

    def spy(*args: object) -> dict:
        asked.append(list(args[-1]))
        return counted(*args)

    monkeypatch.setattr(stats, "_count", spy)
    monkeypatch.setattr(figure_memory, "_memory", OrderedDict())  # none from earlier tests
    monkeypatch.setattr(figure_totals, "_kept", OrderedDict())
    first, _ = compute(store.db, period, TODAY, TZ)
    assert len(asked) == 1 and len(asked[0]) == len(first) > 1
    compute(store.db, period, TODAY, TZ)
    assert len(asked) == 1  # nothing changed: nothing counted
    with store.transaction() as db:
        _urge(db)
    compute(store.db, period, TODAY, TZ)
    assert asked[1:] == [["v001"]]


def test_the_same_period_in_another_zone_is_counted_afresh(store: Store) -> None:
    """The memory is keyed by the zone too: the same day in another zone counts afresh."""
    period = parse_period("2026-11")
    shanghai = compute(store.db, period, TODAY, TZ)
    other = ZoneInfo("America/New_York")
    assert compute(store.db, period, TODAY, other) == recount(store.db, period, TODAY, other)
    assert compute(store.db, period, TODAY, TZ) == shanghai


def _categories_recounted(db: Database, period: Period) -> dict[str, dict[str, int]]:
    start, end = day_start(period.first, TZ), day_start(period.last + timedelta(days=1), TZ)
    found: dict[str, dict[str, int]] = {}
    for topic in topics.filed_between(db, start, end):
        per = found.setdefault(topic.village_code, {})
        per[topic.category] = per.get(topic.category, 0) + 1
    return found


def test_remembered_categories_follow_a_category_set_later(store: Store) -> None:
    period = parse_period("2026Q4")
    codes = [v.code for v in villages.all_active(store.db)]
    before = stats.category_counts(store.db, period, TZ, codes)
    assert {k: v for k, v in before.items() if v} == _categories_recounted(store.db, period)
    with store.transaction() as db:
        topic_id = _one(db, "filed_at >= '2026-10-01'")
        category = "other" if topics.get(db, topic_id).category != "other" else "finance"
        topics.set_category(db, topic_id, category, AT)
    after = stats.category_counts(store.db, period, TZ, codes)
    assert after != before
    assert {k: v for k, v in after.items() if v} == _categories_recounted(store.db, period)


def test_a_total_is_kept_whole_until_one_of_its_villages_moves(
    store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(figure_totals, "_kept", OrderedDict())
    period = parse_period("2026Q4")
    first = compute(store.db, period, TODAY, TZ)
    assert compute(store.db, period, TODAY, TZ) is first  # nothing moved: not assembled again
    with store.transaction() as db:
        db.execute("UPDATE data_version SET version = version + 1")  # no figure changed
    assert compute(store.db, period, TODAY, TZ) is first
    with store.transaction() as db:
        _urge(db)
    again = compute(store.db, period, TODAY, TZ)
    assert again is not first and again == recount(store.db, period, TODAY, TZ) != first


def test_a_kept_total_ends_at_its_moment_and_on_a_renamed_village(store: Store) -> None:
    built: list[int] = []
    until = NOW + timedelta(hours=1)

    def build() -> tuple[int, object]:
        built.append(len(built))
        return len(built), until

    def kept(now: object) -> int:
        return figure_totals.added_up(store.db, ("test", "moment"), None, build, now)

    assert kept(NOW) == kept(NOW) == 1
    assert kept(until) == 2  # the clock alone may change it from then on
    with store.transaction() as db:
        villages.sync(db, [(v.code, f"{v.name}新", v.chat_id) for v in villages.all_active(db)])
    assert kept(NOW) == 3  # a name is part of what it shows
