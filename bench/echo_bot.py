"""The baseline bot: python-telegram-bot's stock application echoing every text, nothing stored.

`python -m bench.echo_bot <base_url> <token>`; runs until terminated.
"""

from __future__ import annotations

import sys

from telegram import Update
from telegram.ext import Application, ContextTypes, MessageHandler, filters


async def echo(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    await update.effective_chat.send_message(update.effective_message.text)


def main(base_url: str, token: str) -> None:
    """Poll the emulator and answer each text with the same text."""
    app = Application.builder().token(token).base_url(base_url).build()
    app.add_handler(MessageHandler(filters.TEXT, echo))
    app.run_polling(poll_interval=0, timeout=1, drop_pending_updates=False)


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
