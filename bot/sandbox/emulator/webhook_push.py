"""Webhook delivery: push a bot's pending updates, in order, to its webhook URL."""

from __future__ import annotations

import asyncio
import contextlib

import aiohttp

from bot.sandbox.emulator.raw_updates import dumps
from bot.sandbox.emulator.state import BotAccount, EmulatorState, Webhook

_SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
_MAX_RETRY_DELAY = 60.0
_REQUEST_TIMEOUT = aiohttp.ClientTimeout(total=10)


def start_delivery(state: EmulatorState, bot: BotAccount) -> None:
    """(Re)start the delivery task for the bot's current webhook."""
    stop_delivery(bot)
    if bot.webhook is not None:
        bot.webhook_task = asyncio.create_task(
            _deliver(state, bot, bot.webhook), name=f"webhook {bot.user['username']}"
        )


def stop_delivery(bot: BotAccount) -> None:
    """Cancel the bot's delivery task, if any."""
    if bot.webhook_task is not None:
        bot.webhook_task.cancel()
        bot.webhook_task = None


async def wait_stopped(bot: BotAccount) -> None:
    """Cancel delivery and wait until the task has finished."""
    task = bot.webhook_task
    stop_delivery(bot)
    if task is not None:
        with contextlib.suppress(asyncio.CancelledError):
            await task


async def _deliver(state: EmulatorState, bot: BotAccount, webhook: Webhook) -> None:
    def current() -> bool:
        return bot.webhook is webhook and not state.closing

    headers = {_SECRET_HEADER: webhook.secret_token} if webhook.secret_token else {}
    delay = state.webhook_retry_delay
    async with aiohttp.ClientSession(timeout=_REQUEST_TIMEOUT) as session:
        while current():
            await state.signal.wait_for(lambda: bool(bot.updates) or not current(), None)
            if not current():
                return
            update = bot.updates[0]
            if await _post(session, webhook.url, update, headers):
                # Only a 2xx answer confirms the update; anything else is retried in order.
                if bot.updates and bot.updates[0] is update:
                    bot.updates.pop(0)
                delay = state.webhook_retry_delay
                state.signal.fire()
                continue
            await state.signal.wait_for(lambda: not current(), delay)
            delay = min(delay * 2, _MAX_RETRY_DELAY)


async def _post(
    session: aiohttp.ClientSession, url: str, update: object, headers: dict[str, str]
) -> bool:
    """POST one update; whether the webhook confirmed it with a 2xx answer."""
    try:
        headers = {**headers, "Content-Type": "application/json"}
        async with session.post(url, data=dumps(update), headers=headers) as response:
            return 200 <= response.status < 300
    except (TimeoutError, aiohttp.ClientError):
        return False
