"""A county's stale figures are counted in a worker thread on its own connection after each
tick, so the first page of the day (or after the morning's sweep) finds them remembered."""

from __future__ import annotations

import threading
from collections import OrderedDict

import pytest

from bot.core.periods import quarter_of
from bot.services import figure_memory
from bot.services.bundle import Services
from bot.services.figure_warmup import FigureWarmup
from bot.services.scores.scoring import Scores
from bot.services.topics import stats
from storage import score_inputs
from tests.test_county_figures import recount
from tests.test_score_memory import generated, services  # noqa: F401 (the fixtures)


def test_the_warmup_counts_off_the_loop_and_pages_then_count_nothing(
    services: Services,  # noqa: F811
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(figure_memory, "_memory", OrderedDict())
    ctx = services.ctx
    warmup = FigureWarmup(ctx)
    worker = threading.Thread(target=warmup.warm)
    worker.start()
    worker.join()
    counted: list[list[str]] = []
    real = stats._count
    monkeypatch.setattr(stats, "_count", lambda *a: counted.append(list(a[-1])) or real(*a))
    today = ctx.local_date(ctx.now())
    period = quarter_of(today)
    rows, total = stats.compute(ctx.store.db, period, today, ctx.tz)
    assert counted == []  # remembered by the worker
    assert (rows, total) == recount(ctx.store.db, period, today, ctx.tz)
    read: list[str] = []
    quarter_items = score_inputs.quarter_items
    monkeypatch.setattr(
        score_inputs,
        "quarter_items",
        lambda db, code, *a: read.append(code) or quarter_items(db, code, *a),
    )
    scores = Scores(ctx)
    scores.ranking(None, scores.default_period())
    assert read == []  # the score inputs too
