"""What picking costs as the queue grows: pick the next message, read it and mark it sent, per
message, with 100, 10,000 and 100,000 messages queued (storage only, no network).

The target is a flat cost: the 100,000 figure within 1.5x of the 100 one.
"""

from __future__ import annotations

import json
import statistics
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from storage import outbox
from storage.db import Store
from storage.times import utcnow

SIZES = (100, 10_000, 100_000)
PICKED = 200  # messages picked per round, from a queue filled with enough more than its size
ROUNDS = 3  # the quietest round counts: the machine is shared, a busy moment is not the queue
TARGET = 1.5


@dataclass(frozen=True)
class Picking:
    queued: int
    micros: float  # median per message picked, read and marked sent


def _fill(store: Store, n: int) -> None:
    now = utcnow().isoformat(timespec="microseconds")
    payload = json.dumps({"text": "本季度财务已公开，请查看。"}, ensure_ascii=False)
    rows = ((f"bulk:{i}", 10_000 + i, "text", payload, i % 3 * 4 + 1, now, now) for i in range(n))
    with store.transaction() as db:
        db.conn.executemany(
            "INSERT INTO outbox (idempotency_key, chat_id, kind, payload, priority, "
            "next_attempt_at, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
            rows,
        )
    # The bulk insert's log is folded in now, not during the timed picks.
    store.db.execute("PRAGMA wal_checkpoint(TRUNCATE)")


def _drain(store: Store, n: int) -> float:
    """The median time of one pick, read and mark, in microseconds."""
    times = []
    for _ in range(n):
        start = time.perf_counter()
        due = outbox.next_due(store.db, utcnow())
        message = outbox.by_id(store.db, due.id)
        with store.transaction() as db:
            outbox.mark_sent(db, message.id, 1)
        times.append(time.perf_counter() - start)
    return statistics.median(times) * 1e6


def measure() -> list[Picking]:
    """The cost per message at each queue size."""
    results = []
    with tempfile.TemporaryDirectory() as tmp:
        for size in SIZES:
            store = Store(Path(tmp) / f"outbox-{size}.db")
            _fill(store, size + PICKED * ROUNDS)
            rounds = [_drain(store, PICKED) for _ in range(ROUNDS)]
            results.append(Picking(size, min(rounds)))
            store.close()
    return results


def report(results: list[Picking]) -> list[str]:
    """Printable lines, with the ratio of the largest queue to the smallest."""
    lines = [
        f"outbox picking: one message picked, read and marked sent (median of {PICKED}, "
        f"quietest of {ROUNDS} rounds)"
    ]
    for r in results:
        lines.append(f"  {r.queued:>7,} queued: {r.micros:8.1f} µs per message")
    ratio = results[-1].micros / results[0].micros
    verdict = "met" if ratio <= TARGET else "NOT met"
    lines.append(
        f"  ratio {SIZES[-1]:,} vs {SIZES[0]:,}: {ratio:.2f}x (target ≤ {TARGET}x: {verdict})"
    )
    return lines
