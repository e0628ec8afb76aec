"""The floor: a bare aiohttp process answering every GET with the same bytes (the project's
board page, fetched once), so the web figures are held to what aiohttp alone can serve.

Run: python -m bench.county.bare_floor <port> <file>
"""

from __future__ import annotations

import sys
from pathlib import Path

from aiohttp import web


def app(body: bytes) -> web.Application:
    """An app that serves `body` as HTML on every path."""

    async def page(request: web.Request) -> web.Response:
        return web.Response(body=body, content_type="text/html", charset="utf-8")

    application = web.Application()
    application.router.add_get("/{tail:.*}", page)
    return application


if __name__ == "__main__":
    port, path = int(sys.argv[1]), Path(sys.argv[2])
    web.run_app(app(path.read_bytes()), host="127.0.0.1", port=port, access_log=None, print=None)
