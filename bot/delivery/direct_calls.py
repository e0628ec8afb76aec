"""Bot API calls made while an update is handled (not through the outbox): a passing Telegram
fault is retried a few times with a short, bounded backoff instead of failing the update."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Coroutine
from typing import Any

from telegram.error import BadRequest, NetworkError, RetryAfter
from telegram.ext import AIORateLimiter

from bot.delivery.wire import retry_seconds

log = logging.getLogger(__name__)

# Reads and acknowledgements a handler waits for; the outbox retries the sends itself.
RETRIED = frozenset({"answerCallbackQuery", "getFile", "getChat", "getChatMember", "getMe"})
ATTEMPTS = 4
BACKOFF = 0.25  # seconds, doubled after each failure
MAX_WAIT = 5.0  # a longer retry_after fails the call rather than stall the update


class DirectCallRetry(AIORateLimiter):
    """python-telegram-bot's rate limiter (no retries of its own) that retries direct calls."""

    def __init__(self) -> None:
        super().__init__(max_retries=0)

    async def process_request(
        self,
        callback: Callable[..., Coroutine[Any, Any, Any]],
        args: Any,
        kwargs: dict[str, Any],
        endpoint: str,
        data: dict[str, Any],
        rate_limit_args: int | None,
    ) -> Any:
        """Send; a direct call that meets a 5xx, a 429 or a lost connection is sent again."""
        send = super().process_request
        if endpoint not in RETRIED:
            return await send(callback, args, kwargs, endpoint, data, rate_limit_args)
        wait, attempt = BACKOFF, 1
        while True:
            try:
                return await send(callback, args, kwargs, endpoint, data, rate_limit_args)
            except RetryAfter as exc:
                if attempt == ATTEMPTS or retry_seconds(exc) > MAX_WAIT:
                    raise
                await asyncio.sleep(retry_seconds(exc))
            except BadRequest:
                if attempt > 1 and endpoint == "answerCallbackQuery":
                    # The earlier attempt reached Telegram after all (it answered late).
                    return True
                raise
            except NetworkError as exc:
                if attempt == ATTEMPTS:
                    raise
                log.warning("%s failed (%s); trying again", endpoint, exc)
                await asyncio.sleep(wait)
                wait *= 2
            attempt += 1
