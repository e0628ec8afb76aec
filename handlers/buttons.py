"""One router for every button press: a table of callback-data prefixes → handlers.

Callback data is ``prefix:arguments``; a route takes a press when the data starts with its prefix
and the whole data matches its pattern. Anything else (an old or forged button) goes to the
fallback, which refuses it and changes nothing. The data formats never change: buttons already
in people's chats must keep working.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from telegram import Update
from telegram.ext import CallbackQueryHandler, ContextTypes

from handlers.common import Callback


@dataclass(frozen=True, slots=True)
class ButtonRoute:
    """Presses whose data starts with ``prefix`` (then ``:`` or the end) and matches
    ``pattern`` whole go to ``callback``."""

    prefix: str
    callback: Callback
    pattern: re.Pattern[str] = field(repr=False)

    @classmethod
    def of(cls, prefix: str, callback: Callback, pattern: str) -> ButtonRoute:
        return cls(prefix, callback, re.compile(pattern, re.DOTALL))

    def takes(self, data: str) -> bool:
        starts = data == self.prefix or data.startswith(self.prefix + ":")
        return starts and self.pattern.fullmatch(data) is not None


class ButtonRouter:
    """Dispatches each press to the route with the longest prefix that takes it (so a wing may
    add a catch-all for its own family, e.g. ``tp``), else to the fallback."""

    def __init__(self, routes: Iterable[ButtonRoute], fallback: Callback) -> None:
        self.routes = tuple(sorted(routes, key=lambda r: -len(r.prefix)))
        self.fallback = fallback
        prefixes = [r.prefix for r in self.routes]
        if len(set(prefixes)) != len(prefixes):
            raise ValueError(f"two button routes share a prefix: {prefixes}")

    def route(self, data: str) -> Callback:
        for route in self.routes:
            if route.takes(data):
                return route.callback
        return self.fallback

    async def dispatch(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        await self.route(update.callback_query.data or "")(update, context)

    def handler(self) -> CallbackQueryHandler:
        return CallbackQueryHandler(self.dispatch)
