"""The baseline bot: python-telegram-bot's stock application echoing every text, nothing stored.

`python -m bench.echo_bot <base_url> <token> [--paced]`; runs until terminated. `--paced` holds
its replies to the limits the project keeps (`PER_SECOND` overall, one a second per chat), as a
bot that must not be refused by Telegram would: the same replies, spread over the same time.
"""

from __future__ import annotations

import asyncio
import sys

from telegram import Update
from telegram.ext import Application, ContextTypes, MessageHandler, filters

PER_SECOND = 30  # the overall cap, which bench/interactive.py configures the project with too
PER_CHAT = 1.0  # seconds between two messages to one private chat


class Limits:
    """When the next reply may go: evenly spaced overall, a second apart in each chat."""

    def __init__(self) -> None:
        self.next_any = 0.0
        self.next_in: dict[int, float] = {}

    async def wait(self, chat_id: int) -> None:
        now = asyncio.get_running_loop().time()
        at = max(now, self.next_any, self.next_in.get(chat_id, 0.0))
        self.next_any = at + 1 / PER_SECOND
        self.next_in[chat_id] = at + PER_CHAT
        await asyncio.sleep(at - now)


async def echo(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    limits: Limits | None = context.bot_data.get("limits")
    if limits is not None:
        await limits.wait(update.effective_chat.id)
    await update.effective_chat.send_message(update.effective_message.text)


def main(base_url: str, token: str, paced: bool = False) -> None:
    """Poll the emulator and answer each text with the same text."""
    app = Application.builder().token(token).base_url(base_url).build()
    if paced:
        app.bot_data["limits"] = Limits()
    app.add_handler(MessageHandler(filters.TEXT, echo))
    app.run_polling(poll_interval=0, timeout=1, drop_pending_updates=False)


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2], "--paced" in sys.argv[3:])
