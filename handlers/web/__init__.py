"""The aiohttp web app: public pages, health check, Telegram webhook and the sandbox chat page."""

from handlers.web.app import make_app
from handlers.web.keys import WebContext

__all__ = ["WebContext", "make_app"]
