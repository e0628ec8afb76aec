"""The daily digest reads and builds only the lines it sends (issue 12 §3): with more items
than fit, the first MAX_LINES lines are those a full listing would start with, then "more"."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from bot.services.topics import schedule
from tests.test_topics import RES1, RES2, RES3, STAFF, texts, who, world  # noqa: F401


def _digest(world) -> list[str]:  # noqa: F811
    world.ticker.run(datetime(2026, 10, 20, 0, 30, tzinfo=UTC))  # 08:30 in Shanghai
    (digest,) = [t for t in texts(world, STAFF) if "点题日报</b> 2026-10-20" in t]
    return digest.split("\n")


@pytest.mark.parametrize("fits", [4, 6, 30])
def test_a_digest_longer_than_a_message_starts_as_the_full_one_and_says_more(
    world,  # noqa: F811
    monkeypatch: pytest.MonkeyPatch,
    fits: int,
) -> None:
    filed = [
        world.topics.filing.file(who(world, uid), f"请公开第{n}笔支出")
        for n, uid in enumerate((RES1, RES2, RES3, RES1, RES2))
    ]
    world.clock.set(datetime(2026, 10, 19, 12, 0, tzinfo=UTC))  # one filed the day before
    filed.append(world.topics.filing.file(who(world, RES3), "请公开土地流转合同"))
    monkeypatch.setattr(schedule, "MAX_LINES", fits)
    lines = _digest(world)
    body = lines[1:]
    full = [
        "新点题：1 条",
        f"  • {filed[-1].receipt}",
        "今日到期：0 条",
        f"已超期：{len(filed) - 1} 条",
        *(f"  • {t.receipt}" for t in sorted(filed[:-1], key=lambda t: (t.due_date, t.id))),
        "报乡镇督办（二次不满意）：0 条",
    ]
    shown = full[:fits]
    assert [line[: len(want)] for line, want in zip(body, shown, strict=False)] == shown
    if len(full) > fits:
        assert len(body) == fits + 1 and "更多请用" in body[-1]
    else:  # the disclosure sections' lines follow the topics'
        assert len(body) > len(full) and not any("更多请用" in line for line in body)
