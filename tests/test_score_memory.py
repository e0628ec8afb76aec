"""Score inputs remembered per village (issue 12 §3) equal a fresh read after every change they
are counted from: a board photo, a sign-off, a correction, a rating, an answer."""

from __future__ import annotations

import shutil
from collections import OrderedDict
from collections.abc import Callable, Iterator
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from sqlite_utils import Database

from bench.county.county_db import Shape, config_data, database
from bot.config import parse_config
from bot.core.periods import parse_period
from bot.services import figure_memory, figure_totals
from bot.services.bundle import Services
from bot.services.scores import inputs
from bot.services.scores.inputs import villages_inputs
from bot.services.scores.scoring import Scores
from bot.web_render.topic_sections import topic_board_of
from storage import board_photos, disclosure_signoffs, score_inputs, topics
from storage.db import Store
from storage.times import from_text
from tests.test_county_figures import NOW

SHAPE = Shape.county(0.01)
AT = NOW + timedelta(hours=1)


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return database(SHAPE, NOW, cache=tmp_path_factory.mktemp("cache"))


@pytest.fixture
def services(generated: Path, tmp_path: Path) -> Iterator[Services]:
    path = tmp_path / "county.db"
    shutil.copy(generated, path)
    config = parse_config({"telegram": {"token": "1:T"}, **config_data(SHAPE, path)}, environ={})
    store = Store(path)
    built = Services.build(config, store)
    built.membership.sync_config()
    yield built
    built.heavy.close()
    store.close()


def _item(db: Database, condition: str = "true") -> tuple[int, int]:
    """(id, review round) of v001's newest current item of the scored quarter (2026Q3)."""
    row = db.execute(
        "SELECT id, review_round FROM disclosures WHERE village_code = 'v001' "
        f"AND status = 'published' AND period = '2026Q3' AND {condition} "
        "ORDER BY id DESC LIMIT 1"
    ).fetchone()
    assert row is not None, condition
    return row[0], row[1]


def _photo(db: Database) -> None:
    item, _ = _item(db, "NOT EXISTS (SELECT 1 FROM board_photos p WHERE p.disclosure_id = id)")
    board_photos.add(
        db, disclosure_id=item, village_code="v001", content=b"\x89PNG\r\n\x1a\n" + bytes(32),
        mime_type="image/png", taken_at=AT, taken_from="received",
        received_at=AT - timedelta(days=60), sent_by=800_004,
    )  # fmt: skip


def _reject(db: Database) -> None:
    item, round_ = _item(db)
    assert disclosure_signoffs.add_signoff(db, item, round_, 899_999, "监委", "reject", "不对")


def _correct(db: Database) -> None:
    db.execute("UPDATE disclosures SET status = 'superseded' WHERE id = ?", [_item(db)[0]])


def _rate(db: Database) -> None:
    row = db.execute(
        "SELECT id FROM topics WHERE village_code = 'v001' AND filed_at >= '2026-07' "
        "AND filed_at < '2026-09-30' AND rating IS NULL AND filed_by IS NULL LIMIT 1"
    ).fetchone()
    topics.rate(db, row[0], "unsatisfied", AT)


def _publish_copy(services: Services) -> None:
    """v001 publishes a copy of its newest item of the scored quarter, for 2026Q4."""
    with services.store.transaction() as db:
        columns = [c.name for c in db["disclosures"].columns if c.name not in ("id", "period")]
        listed = ", ".join(columns)
        db.execute(
            f"INSERT INTO disclosures ({listed}, period) SELECT {listed}, '2026Q4' "
            "FROM disclosures WHERE id = ?",
            [_item(db)[0]],
        )


CHANGES: dict[str, Callable[[Database], None]] = {
    "photo": _photo,
    "reject": _reject,
    "correction": _correct,
    "rating": _rate,
}


@pytest.mark.parametrize("name", list(CHANGES))
def test_remembered_score_inputs_follow_every_change(
    services: Services, name: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    scores = Scores(services.ctx)
    period = scores.default_period()
    codes = ["v000", "v001", "v002"]
    before = villages_inputs(services.ctx, codes, period)  # remembered from here on
    with services.store.transaction() as db:
        CHANGES[name](db)
    after = villages_inputs(services.ctx, codes, period)
    monkeypatch.setattr(figure_memory, "_memory", OrderedDict())
    assert after == villages_inputs(services.ctx, codes, period)  # read afresh
    assert after["v001"] != before["v001"], name
    assert after["v000"] == before["v000"]


def test_the_ranking_reads_only_the_village_that_changed(
    services: Services, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(figure_memory, "_memory", OrderedDict())
    scores = Scores(services.ctx)
    period = scores.default_period()
    read: list[str] = []
    quarter_items = score_inputs.quarter_items

    def spy(db: Database, code: str, *args: object) -> list:
        read.append(code)
        return quarter_items(db, code, *args)

    monkeypatch.setattr(score_inputs, "quarter_items", spy)
    first = scores.ranking(None, period)
    assert sorted(read) == ["v000", "v001", "v002"]
    assert scores.ranking(None, period) == first and len(read) == 3
    with services.store.transaction() as db:
        _reject(db)
    scores.ranking(None, period)
    assert read[3:] == ["v001"]


def test_the_county_figures_count_a_publication_at_once(services: Services) -> None:
    quarter = parse_period("2026Q4")
    (before,) = services.county.figures(quarter)  # one township: remembered from here on
    _publish_copy(services)
    (after,) = services.county.figures(quarter)
    assert after.published == before.published + 1


def _photo_window_end(services: Services) -> datetime:
    """When the board-photo window of a published item without a photo closes."""
    db = services.store.db
    item, _ = _item(db, "NOT EXISTS (SELECT 1 FROM board_photos p WHERE p.disclosure_id = id)")
    published = from_text(
        db.execute("SELECT published_at FROM disclosures WHERE id = ?", [item]).fetchone()[0]
    )
    return published + timedelta(days=services.config.disclosure.board_photo_days)


def test_remembered_inputs_count_an_item_once_its_photo_window_closes(services: Services) -> None:
    closes = _photo_window_end(services)
    scores = Scores(services.ctx)
    services.clock.set(closes - timedelta(minutes=1))  # inside the window: not counted yet
    period = scores.default_period()
    inside = villages_inputs(services.ctx, ["v001"], period)["v001"]["photo"]
    services.clock.set(closes + timedelta(minutes=1))  # nothing stored changed, only the clock
    after = villages_inputs(services.ctx, ["v001"], period)["v001"]["photo"]
    assert after.counted > inside.counted  # counted again, though no version moved


def test_published_counts_are_remembered_until_a_village_publishes(services: Services) -> None:
    board = services.disclosures.board
    before = {f.code: f.published for f in board.figures(["v000", "v001"])}
    _publish_copy(services)
    after = {f.code: f.published for f in board.figures(["v000", "v001"])}
    assert after == {"v000": before["v000"], "v001": before["v001"] + 1}


def test_a_kept_ranking_is_ranked_again_once_a_photo_window_closes(
    services: Services, monkeypatch: pytest.MonkeyPatch
) -> None:
    # None kept from other tests: their copies have the same versions, counted at other hours.
    monkeypatch.setattr(figure_totals, "_kept", OrderedDict())
    monkeypatch.setattr(inputs, "_counted", {})
    closes = _photo_window_end(services)
    scores = Scores(services.ctx)
    period = scores.default_period()
    services.clock.set(closes - timedelta(minutes=1))
    first = scores.ranking(None, period)
    assert scores.ranking(None, period) is first  # kept whole: nothing moved
    services.clock.set(closes + timedelta(minutes=1))  # only the clock: the window closed
    later = scores.ranking(None, period)

    def photo(ranked: list) -> int:
        (row,) = [r for r in ranked if r.village.code == "v001"]
        return next(i.counted for i in row.village.inputs if i.key == "photo")

    assert later is not first and photo(later) > photo(first)


def test_open_topics_are_remembered_until_a_village_files_one(services: Services) -> None:
    board = topic_board_of(services)
    within = frozenset({"v000", "v001"})
    before = {c: f.open for c, f in board.figures(within=within).items()}
    assert {c: f.open for c, f in board.figures(within=within).items()} == before
    with services.store.transaction() as db:
        topics.create(
            db, receipt="T-TEST-1", village_code="v001", requester_id=1_000_001,
            category="other", text="新的问题", media_kind=None, media_file_id=None,
            routed_to="officials", assignee_id=None, at=AT, due_date=AT.date(),
            due_provisional=False,
        )  # fmt: skip
    after = {c: f.open for c, f in board.figures(within=within).items()}
    assert after == {"v000": before["v000"], "v001": before["v001"] + 1}
