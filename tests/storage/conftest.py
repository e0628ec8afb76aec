"""A small world for storage tests: a migrated database on a temporary file with two villages
and a few people, nothing else."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlite_utils import Database

from storage import users, villages
from storage.db import Store
from tests.storage.factories import NEIGHBOUR, OFFICIAL, RESIDENT, STAFF


@pytest.fixture
def store(tmp_path) -> Iterator[Store]:
    s = Store(tmp_path / "village.db")
    yield s
    s.close()


@pytest.fixture
def db(store: Store) -> Database:
    """The store's database with villages qingshan and hexi and four people."""
    villages.sync(store.db, [("qingshan", "青山村", -1001), ("hexi", "河西村", None)])
    users.seen(store.db, RESIDENT, "王", "秀英", "wang", "zh-hans")
    users.seen(store.db, NEIGHBOUR, "李建国", None, None, None)
    users.seen(store.db, OFFICIAL, "张", "会计", None, None)
    users.ensure(store.db, STAFF)
    return store.db
