"""Per-village figures remembered between requests (issue 12 §3): a county's figures are
300 villages' counts, and a request after one change counts again only the villages whose
version (storage/figure_versions.py, kept by triggers) moved. The period, today, the zone and
the working-day calendar are part of the key, so a date rollover or a /holiday counts afresh."""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable, Sequence
from typing import Any, TypeVar

from sqlite_utils import Database

from storage import figure_versions

T = TypeVar("T")
Versions = tuple[bytes, dict[str, bytes]]
KEYS = 32  # periods x days remembered: figures, categories and scores of a few periods

_memory: OrderedDict[tuple, dict[str, tuple[bytes | None, Any]]] = OrderedDict()
_lock = threading.Lock()


def village_figures(
    db: Database,
    key: tuple[Hashable, ...],
    codes: Sequence[str],
    count: Callable[[Sequence[str]], dict[str, T]],
    versions_of: Callable[[Database, Sequence[str]], Versions] = figure_versions.of,
) -> dict[str, T]:
    """Each village's (or, by `versions_of`, group's) figures under `key`: remembered ones whose
    version is current, the rest counted now by `count` (given only those, it returns each of
    them) and remembered, shared: callers never change it."""
    token, versions = versions_of(db, codes)
    full_key = (token, *key)
    with _lock:
        known = dict(_memory.get(full_key, {}))
    stale = [c for c in codes if c not in known or known[c][0] != versions.get(c)]
    if stale:
        counted = count(stale)
        for code in stale:
            known[code] = (versions.get(code), counted[code])
        with _lock:
            bucket = _memory.setdefault(full_key, {})
            bucket.update({code: known[code] for code in stale})
            _memory.move_to_end(full_key)
            while len(_memory) > KEYS:
                _memory.popitem(last=False)
    return {code: known[code][1] for code in codes}
