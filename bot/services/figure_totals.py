"""Results added up from many villages' remembered figures (a county's topic totals, its
ranking), kept whole while none of those villages moved (issue 12, county scale): a page after
a change elsewhere, or after a change of no figure at all, reads the villages' versions once
instead of assembling 300 villages again; one village's change rebuilds from the per-village
memory (figure_memory), which counts only that village again."""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Collection, Hashable
from datetime import datetime
from typing import Any, TypeVar

from sqlite_utils import Database

from storage import figure_versions

T = TypeVar("T")
KEPT = 64  # results of a few periods, days and townships

_kept: OrderedDict[tuple, tuple[tuple, datetime | None, Any]] = OrderedDict()
_lock = threading.Lock()


def added_up(
    db: Database,
    key: tuple[Hashable, ...],
    codes: Collection[str] | None,
    build: Callable[[], tuple[T, datetime | None]],
    now: datetime | None = None,
) -> T:
    """The result `build` makes from these active villages' figures (None: every active
    village), remembered under their codes, names and versions (every village: the county's
    group version, which moves with any of those); `build` also says until when
    it holds with nothing stored changed (None: until a village moves), checked against `now`.
    What is remembered is shared: callers never change it."""
    if codes is None:  # the county's one version moves with any village's (m026, m029)
        stamp = figure_versions.of_groups(db, [figure_versions.COUNTY])
    else:
        stamp = figure_versions.of_active(db, codes)
    with _lock:
        found = _kept.get(key)
    if found is not None and found[0] == stamp and (found[1] is None or now < found[1]):
        return found[2]
    value, until = build()
    with _lock:
        _kept[key] = (stamp, until, value)
        _kept.move_to_end(key)
        while len(_kept) > KEPT:
            _kept.popitem(last=False)
    return value
