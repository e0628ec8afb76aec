"""A loopback Telegram Bot API server for the sandbox and the tests.

It emulates the Bot API methods the product calls, answers in the shapes of the Bot API reference
shipped beside it, and lets code act as Telegram users through `BotApiEmulator`.
"""

from bot.sandbox.emulator.server import BotApiEmulator

__all__ = ["BotApiEmulator"]
