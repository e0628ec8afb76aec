"""Reading updates from JSON even when one of them is nested deeper than the parser goes.

Telegram sends updates in order and holds the rest until one is confirmed, so an update that
cannot be read must still be read far enough to be stored (by its update_id) and parked.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any

from telegram import Bot, Update
from telegram.error import TelegramError

from bot.delivery.aiohttp_request import AiohttpRequest

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


def built(update: Any, bot: Bot | None) -> tuple[Any, Update | None]:
    """The update and python-telegram-bot's objects for it, built once; when the library cannot
    read it, a stand-in keeping it, and None."""
    if not isinstance(update, dict) or UNREADABLE in update:
        return update, None
    try:
        return update, Update.de_json(update, bot)
    except Exception as exc:  # whatever the library trips on, the batch must go through
        return {"update_id": update.get("update_id"), UNREADABLE: repr(exc), ORIGINAL: update}, None


class UpdatesRequest(AiohttpRequest):
    """The connection getUpdates uses: a batch holding an update the library cannot read (too
    deeply nested, a field missing) still arrives, with a stand-in for that update.

    Each update is read and built into the library's objects here, once (with `bot`, set once
    the bot exists): the poller takes the batch as received and as built (`take_batch`), and the
    library's own get_updates is handed an empty list, so it does not build them a second time.
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.bot: Bot | None = None
        self._batch: list[Any] = []
        self._built: dict[int, Update] = {}

    def parse_json_payload(self, payload: bytes) -> dict[str, Any]:
        """Parse like python-telegram-bot, then replace what it could not read."""
        try:
            answer = read_batch(payload.decode("utf-8", "replace"))
        except ValueError as exc:
            raise TelegramError("Invalid server response") from exc
        if isinstance(answer, dict) and isinstance(answer.get("result"), list):
            self._batch, self._built = [], {}
            for update in answer["result"]:
                kept, objects = built(update, self.bot)
                self._batch.append(kept)
                if objects is not None:
                    self._built[objects.update_id] = objects
            answer["result"] = []  # taken by the poller (take_batch), already built
        return answer

    def take_batch(self) -> tuple[list[Any], dict[int, Update]]:
        """The latest answer's updates as received (stand-ins for the unreadable) and the objects
        built for the readable ones by update_id; each batch is taken once."""
        batch, objects = self._batch, self._built
        self._batch, self._built = [], {}
        return batch, objects
