"""Rendered posters kept by the content hash of what they show, so printing a long list again
(or four people opening it at once) lays it out once (issue "Trust" §5)."""

from __future__ import annotations

import asyncio
import hashlib
from collections import OrderedDict
from collections.abc import Awaitable, Callable

BUDGET_BYTES = 64_000_000  # the least recently used posters are dropped past this


def content_key(*parts: object) -> str:
    """A hash of everything a poster shows: the published version (frozen dataclasses, whose
    repr holds every field), its links and its language."""
    return hashlib.sha256(repr(parts).encode()).hexdigest()


class PosterCache:
    """Finished posters by key, bounded in bytes, with one render at a time per key."""

    def __init__(self, budget: int = BUDGET_BYTES) -> None:
        self.budget = budget
        self.renders = 0
        self._done: OrderedDict[str, bytes] = OrderedDict()
        self._size = 0
        self._rendering: dict[str, asyncio.Future[bytes]] = {}

    async def get(self, key: str, render: Callable[[], Awaitable[bytes]]) -> bytes:
        """The poster for `key`: kept, being rendered for someone else, or rendered now."""
        if key in self._done:
            self._done.move_to_end(key)
            return self._done[key]
        if key in self._rendering:
            return await asyncio.shield(self._rendering[key])
        future: asyncio.Future[bytes] = asyncio.get_running_loop().create_future()
        self._rendering[key] = future
        try:
            body = await render()
        except asyncio.CancelledError:
            future.cancel()
            raise
        except Exception as error:
            future.set_exception(error)
            future.exception()  # retrieved: no "never retrieved" warning when nobody waited
            raise
        finally:
            del self._rendering[key]
        self.renders += 1
        future.set_result(body)
        self._keep(key, body)
        return body

    def _keep(self, key: str, body: bytes) -> None:
        if len(body) > self.budget:
            return
        self._done[key] = body
        self._size += len(body)
        while self._size > self.budget:
            _, dropped = self._done.popitem(last=False)
            self._size -= len(dropped)
