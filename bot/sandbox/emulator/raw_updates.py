"""Updates queued exactly as a test writes them, even as JSON text no dict can hold."""

from __future__ import annotations

import json
from typing import Any


class RawUpdate:
    """An update sent as the given JSON text, verbatim (e.g. nested deeper than a parser takes)."""

    def __init__(self, update_id: int, fields: str) -> None:
        """``fields`` is the JSON text of an object; the update_id is put first in it."""
        if not fields.lstrip().startswith("{"):
            raise ValueError("a raw update is the JSON text of an object")
        rest = fields.lstrip()[1:].strip()
        self.text = f'{{"update_id": {update_id}' + (", " if rest != "}" else "") + rest
        self.update_id = update_id

    def __getitem__(self, key: str) -> Any:
        if key != "update_id":
            raise KeyError(key)
        return self.update_id

    def __deepcopy__(self, memo: dict) -> RawUpdate:
        return self


def dumps(value: object) -> str:
    """``json.dumps`` that writes each RawUpdate's own text in its place."""
    raws: dict[str, str] = {}

    def placeholder(item: object) -> str:
        if not isinstance(item, RawUpdate):
            raise TypeError(f"{type(item).__name__} is not JSON serializable")
        key = f"\x00raw{len(raws)}\x00"
        raws[json.dumps(key)] = item.text
        return key

    text = json.dumps(value, default=placeholder)
    for key, raw in raws.items():
        text = text.replace(key, raw)
    return text
