"""python-telegram-bot's HTTP requests made with aiohttp's client instead of httpx.

aiohttp is already the web server's library; its client parses responses in C and a request
resumes its task a few times instead of httpx/httpcore's dozen (pool lock, write, headers, body),
which is most of a paced send's CPU. The wire is what the library's own request sends: the
parameters as a form of JSON-encoded values, multipart when a file goes with them.
"""

from __future__ import annotations

from typing import Any

import aiohttp
from telegram._utils.defaultvalue import DefaultValue  # what the library's own requests test
from telegram.error import NetworkError, TimedOut
from telegram.request import BaseRequest, RequestData


class AiohttpRequest(BaseRequest):
    """A `BaseRequest` on one `aiohttp.ClientSession`, opened by `initialize` (it needs the
    running loop) and closed by `shutdown`; timeouts mean what they mean for `HTTPXRequest`."""

    def __init__(
        self,
        connection_pool_size: int = 16,
        read_timeout: float | None = 5.0,
        write_timeout: float | None = 5.0,
        connect_timeout: float | None = 5.0,
        pool_timeout: float | None = 1.0,
        media_write_timeout: float | None = 20.0,
    ) -> None:
        self._pool_size = connection_pool_size
        self._defaults = (read_timeout, write_timeout, connect_timeout, pool_timeout)
        self._media_write_timeout = media_write_timeout
        self._session: aiohttp.ClientSession | None = None
        self._timeouts: dict[tuple[float | None, ...], aiohttp.ClientTimeout] = {}

    @property
    def read_timeout(self) -> float | None:
        """The read timeout used when a call names none."""
        return self._defaults[0]

    async def initialize(self) -> None:
        """Open the session (again, after a shutdown)."""
        if self._session is None or self._session.closed:
            self._session = aiohttp.ClientSession(
                connector=aiohttp.TCPConnector(limit=self._pool_size),
                headers={"User-Agent": self.USER_AGENT},
                # As httpx did: HTTPS_PROXY and the like from the environment are honoured.
                trust_env=True,
            )

    async def shutdown(self) -> None:
        """Close the session and its connections."""
        if self._session is not None and not self._session.closed:
            await self._session.close()

    async def do_request(
        self,
        url: str,
        method: str,
        request_data: RequestData | None = None,
        read_timeout: Any = BaseRequest.DEFAULT_NONE,
        write_timeout: Any = BaseRequest.DEFAULT_NONE,
        connect_timeout: Any = BaseRequest.DEFAULT_NONE,
        pool_timeout: Any = BaseRequest.DEFAULT_NONE,
    ) -> tuple[int, bytes]:
        """Make one request; a timeout raises `TimedOut`, any other failure `NetworkError`."""
        if self._session is None or self._session.closed:
            raise RuntimeError("This AiohttpRequest is not initialized!")
        files = request_data.contains_files if request_data else False
        read, write, connect, pool = (
            default if isinstance(given, DefaultValue) else given
            for given, default in zip(
                (read_timeout, write_timeout, connect_timeout, pool_timeout),
                self._defaults,
                strict=True,
            )
        )
        if isinstance(write_timeout, DefaultValue) and files:
            write = self._media_write_timeout
        try:
            async with self._session.request(
                method,
                url,
                data=_body(request_data, files),
                timeout=self._timeout(read, write, connect, pool),
            ) as response:
                return response.status, await response.read()
        except aiohttp.ConnectionTimeoutError as err:
            raise TimedOut("Connection timeout: the request was not sent") from err
        except TimeoutError as err:  # aiohttp's read timeouts are TimeoutErrors too
            raise TimedOut from err
        except aiohttp.ClientError as err:
            raise NetworkError(f"aiohttp.{type(err).__name__}: {err}") from err

    def _timeout(self, *given: float | None) -> aiohttp.ClientTimeout:
        """aiohttp's timeouts for httpx's four: waiting for a connection from the pool counts in
        aiohttp's `connect`, and the write has no timeout of its own, so the whole request is
        bounded by their sum."""
        timeout = self._timeouts.get(given)
        if timeout is None:
            read, write, connect, pool = given
            timeout = aiohttp.ClientTimeout(
                total=None if None in given else read + write + connect + pool,
                connect=None if connect is None or pool is None else connect + pool,
                sock_connect=connect,
                sock_read=read,
            )
            self._timeouts[given] = timeout
        return timeout


def _body(request_data: RequestData | None, files: bool) -> Any:
    """The request's body: a form of the JSON-encoded parameters, multipart with its files."""
    if request_data is None:
        return None
    fields = request_data.json_parameters
    if not files:
        return fields
    form = aiohttp.FormData(fields, quote_fields=False)
    for name, (filename, content, mimetype) in request_data.multipart_data.items():
        form.add_field(name, content, filename=filename, content_type=mimetype)
    return form
