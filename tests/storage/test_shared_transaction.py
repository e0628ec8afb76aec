"""One connection serves every task: a transaction held open across an await would take in
another task's writes, so the second task is refused instead (DESIGN §7)."""

import asyncio

import pytest

from storage.db import SharedTransaction, Store


async def test_a_transaction_held_across_an_await_refuses_other_tasks(tmp_path):
    store = Store(tmp_path / "village.db")
    store.db.execute("CREATE TABLE notes (text TEXT)")
    entered = asyncio.Event()

    async def holds_it_open() -> None:
        with store.transaction(handling=False) as db:
            db.execute("INSERT INTO notes VALUES ('mine')")
            entered.set()
            await asyncio.sleep(0.05)

    async def writes_meanwhile() -> None:
        await entered.wait()
        with store.transaction(handling=False) as db:
            db.execute("INSERT INTO notes VALUES ('theirs')")

    holder = asyncio.create_task(holds_it_open())
    with pytest.raises(SharedTransaction):
        await writes_meanwhile()
    await holder
    assert [row[0] for row in store.db.execute("SELECT text FROM notes")] == ["mine"]
    store.close()


async def test_nested_transactions_of_one_task_are_one_transaction(tmp_path):
    store = Store(tmp_path / "village.db")
    store.db.execute("CREATE TABLE notes (text TEXT)")
    with store.transaction(handling=False) as db:
        db.execute("INSERT INTO notes VALUES ('outer')")
        await asyncio.sleep(0)
        with store.transaction(handling=False) as inner:
            inner.execute("INSERT INTO notes VALUES ('inner')")
    assert store.db.execute("SELECT count(*) FROM notes").fetchone() == (2,)
    store.close()
