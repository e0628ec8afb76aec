"""`?township=<code>`: every statistic, feed and API route can be scoped to one township of a
county (issue 13 §1); an unknown code is refused, never silently widened to the county."""

from __future__ import annotations

from aiohttp import web

from handlers.web.keys import SERVICES


class UnknownTownship(Exception):
    """The request named a township this instance does not have."""

    def __init__(self, code: str) -> None:
        super().__init__(code)
        self.code = code


def township_villages(request: web.Request) -> frozenset[str] | None:
    """The village codes of the township the query names, None when it names none."""
    code = request.query.get("township", "").strip()[:32]
    if not code:
        return None
    found = request.app[SERVICES].county.township(code)
    if found is None:
        raise UnknownTownship(code)
    return frozenset(v.code for v in found[1])
