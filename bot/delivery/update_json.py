"""Reading updates from JSON even when one of them is nested deeper than the parser goes.

Telegram sends updates in order and holds the rest until one is confirmed, so an update that
cannot be read must still be read far enough to be stored (by its update_id) and parked.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any

from telegram import Update
from telegram.error import TelegramError
from telegram.request import HTTPXRequest

# The keys of a stand-in for an update that could not be read: the reason, and the update as
# received when it could at least be parsed as JSON.
UNREADABLE = "_unreadable"
ORIGINAL = "_original"
TOO_DEEP = "JSON nested too deeply"
_UPDATE_ID = re.compile(r'"update_id"\s*:\s*(-?\d+)')


def read_update(text: str) -> Any:
    """One update's JSON; when nested too deeply, a stand-in with its update_id and the reason."""
    try:
        return json.loads(text)
    except RecursionError:
        found = _UPDATE_ID.search(text)
        return {"update_id": int(found.group(1)) if found else None, UNREADABLE: TOO_DEEP}


def read_batch(text: str) -> dict[str, Any]:
    """A getUpdates answer; an update in it that is nested too deeply becomes a stand-in."""
    try:
        return json.loads(text)
    except RecursionError:
        pass
    head = re.match(r'\s*\{\s*"ok"\s*:\s*true\s*,\s*"result"\s*:\s*\[', text)
    if head is None:
        raise ValueError("a getUpdates answer nested too deeply, and not in Telegram's shape")
    updates = []
    at = head.end()
    while True:
        at = _skip(text, at, " \t\r\n,")
        if at >= len(text) or text[at] == "]":
            break
        end = _end_of_value(text, at)
        updates.append(read_update(text[at:end]))
        at = end
    return {"ok": True, "result": updates}


def _skip(text: str, at: int, characters: str) -> int:
    while at < len(text) and text[at] in characters:
        at += 1
    return at


def _end_of_value(text: str, at: int) -> int:
    """Where the JSON object or array starting at `at` ends, found by counting brackets."""
    depth = 0
    in_string = False
    i = at
    while i < len(text):
        char = text[i]
        if in_string:
            if char == "\\":
                i += 1
            elif char == '"':
                in_string = False
        elif char == '"':
            in_string = True
        elif char in "[{":
            depth += 1
        elif char in "]}":
            depth -= 1
            if depth == 0:
                return i + 1
        i += 1
    raise ValueError("a getUpdates answer ends inside an update")


@dataclass(frozen=True, slots=True)
class Sender:
    """The person an update came from, read straight from its JSON."""

    id: int
    first_name: str
    last_name: str | None
    username: str | None
    language_code: str | None


def sender_of(update: dict) -> Sender | None:
    """The person (not a bot) an update came from, as python-telegram-bot's `effective_user`
    would name them, without building the update's objects; None when it names nobody."""
    for kind, fields in update.items():
        if kind == "update_id" or not isinstance(fields, dict):
            continue
        user = fields.get("from") or fields.get("user")
        if not isinstance(user, dict) or user.get("is_bot") is not False:
            return None
        names = [user.get(key) for key in ("last_name", "username", "language_code")]
        if type(user.get("id")) is not int or not isinstance(user.get("first_name"), str):
            return None
        if not all(name is None or isinstance(name, str) for name in names):
            return None
        return Sender(user["id"], user["first_name"], *names)
    return None


def blocked_change(update: dict) -> bool | None:
    """For a change of the bot's own membership in a private chat, whether the person blocked it
    (True) or unblocked it (False); None for any other update."""
    change = update.get("my_chat_member")
    if not isinstance(change, dict):
        return None
    chat, member = change.get("chat"), change.get("new_chat_member")
    if not isinstance(chat, dict) or chat.get("type") != "private" or not isinstance(member, dict):
        return None
    return member.get("status") == "kicked"


def stand_in(update: Any) -> Any:
    """The update itself when python-telegram-bot can read it, else a stand-in keeping it."""
    if not isinstance(update, dict) or UNREADABLE in update:
        return update
    try:
        Update.de_json(update, None)
    except Exception as exc:  # whatever the library trips on, the batch must go through
        return {"update_id": update.get("update_id"), UNREADABLE: repr(exc), ORIGINAL: update}
    return update


class UpdatesRequest(HTTPXRequest):
    """The connection getUpdates uses: a batch holding an update the library cannot read (too
    deeply nested, a field missing) still arrives, with a stand-in for that update. The updates
    of the latest answer are kept as read (`last_batch`): stored as they came, they need not be
    written back from the library's objects."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.last_batch: list[Any] = []

    def parse_json_payload(self, payload: bytes) -> dict[str, Any]:
        """Parse like python-telegram-bot, then replace what it could not read."""
        try:
            answer = read_batch(payload.decode("utf-8", "replace"))
        except ValueError as exc:
            raise TelegramError("Invalid server response") from exc
        if isinstance(answer, dict) and isinstance(answer.get("result"), list):
            answer["result"] = [stand_in(update) for update in answer["result"]]
            self.last_batch = answer["result"]
        return answer
