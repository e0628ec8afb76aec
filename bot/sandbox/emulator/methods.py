"""Bot API dispatch (auth, faults, parameters) and the methods that do not send messages."""

from __future__ import annotations

import copy
import re
import time
from typing import Any

from bot.sandbox.emulator.formatting import utf16_len
from bot.sandbox.emulator.media import find_file
from bot.sandbox.emulator.message_methods import MESSAGE_METHODS
from bot.sandbox.emulator.reference import canonical_method, decode_params, missing_required
from bot.sandbox.emulator.state import (
    JSON,
    ApiError,
    BotAccount,
    Call,
    CommandKey,
    DropConnection,
    EmulatorState,
    Handler,
    LoggedRequest,
    PollTicket,
    Upload,
    Webhook,
    is_valid_token,
    registrar,
)
from bot.sandbox.emulator.webhook_push import start_delivery, stop_delivery

_OTHER_METHODS: dict[str, Handler] = {}
_method = registrar(_OTHER_METHODS)
METHODS: dict[str, Handler] = {**MESSAGE_METHODS}

_CONFLICT_POLL = (
    "Conflict: terminated by other getUpdates request; "
    "make sure that only one bot instance is running"
)
_CONFLICT_WEBHOOK = (
    "Conflict: can't use getUpdates method while webhook is active; "
    "use deleteWebhook to delete the webhook first"
)
_COMMAND_RE = re.compile(r"^[a-z0-9_]{1,32}$")
_LANGUAGE_RE = re.compile(r"^[a-z]{2}$")
_SECRET_RE = re.compile(r"^[A-Za-z0-9_-]{1,256}$")
_SCOPES_WITH_CHAT = {"chat", "chat_administrators", "chat_member"}
_SCOPES = {"default", "all_private_chats", "all_group_chats", "all_chat_administrators"}
_SCOPES |= _SCOPES_WITH_CHAT


async def call_method(
    state: EmulatorState, token: str, name: str, raw: JSON, uploads: dict[str, Upload]
) -> tuple[int, JSON]:
    """Run one Bot API request and return (HTTP status, Telegram's JSON answer)."""
    try:
        method, result = await _call(state, token, name, raw, uploads)
    except ApiError as error:
        return error.code, error.payload()
    if state.on_response is not None:
        state.on_response(method, copy.deepcopy(result))
    return 200, {"ok": True, "result": result}


async def _call(
    state: EmulatorState, token: str, name: str, raw: JSON, uploads: dict[str, Upload]
) -> tuple[str, object]:
    if not is_valid_token(token):
        raise ApiError(404, "Not Found")
    bot = state.bots.get(token)
    if bot is None:
        raise ApiError(401, "Unauthorized")
    method = canonical_method(name)
    logged = {
        **raw,
        **{key: f"<file {u.filename!r}, {len(u.content)} bytes>" for key, u in uploads.items()},
    }
    if method is None:
        state.log.append(LoggedRequest(name, logged, time.monotonic()))
        raise ApiError(404, "Not Found")
    try:
        params = decode_params(method, raw)
    except ValueError as exc:
        state.log.append(LoggedRequest(method, logged, time.monotonic()))
        raise ApiError.bad_request(str(exc)) from None
    state.log.append(LoggedRequest(method, {**logged, **params}, time.monotonic()))
    late = await _inject_fault(state, method, params.get("chat_id"))
    handler = METHODS.get(method)
    if handler is None:
        raise ApiError(501, f"Not Implemented: the emulator does not support {method}")
    missing = missing_required(method, params, uploads)
    if missing:
        raise ApiError.bad_request(missing)
    result = await handler(state, bot, Call(params, uploads))
    if late and method.startswith("send") and isinstance(result, dict):
        state.late_messages.append((int(result["chat"]["id"]), int(result["message_id"])))
    return method, result


async def _inject_fault(state: EmulatorState, method: str, chat_id: object) -> bool:
    """Fail the request as an injected fault says; True when it is only answered late."""
    fault = state.take_fault(method, chat_id)
    if fault is None:
        return False
    if fault.kind == "blocked":
        raise ApiError(403, "Forbidden: bot was blocked by the user")
    if fault.kind == "retry_after":
        raise ApiError(
            429,
            f"Too Many Requests: retry after {fault.retry_after}",
            {"retry_after": fault.retry_after},
        )
    if fault.kind == "server_error":
        raise ApiError(500, "Internal Server Error")
    if fault.kind == "network":
        raise DropConnection
    # A shutdown cuts the delay short so the server can close promptly.
    await state.signal.wait_for(lambda: state.closing, fault.delay)
    return True


# --- identity -----------------------------------------------------------------------------


@_method("getMe")
async def get_me(state: EmulatorState, bot: BotAccount, call: Call) -> JSON:
    return copy.deepcopy(bot.user)


# --- updates and webhooks -----------------------------------------------------------------


def confirm_updates(bot: BotAccount, offset: Any) -> None:
    """Forget updates below offset; a negative offset keeps only the last -offset updates."""
    if not isinstance(offset, int) or offset == 0:
        return
    if offset > 0:
        bot.updates = [u for u in bot.updates if u["update_id"] >= offset]
    else:
        bot.updates = bot.updates[offset:]


@_method("getUpdates")
async def get_updates(state: EmulatorState, bot: BotAccount, call: Call) -> list[JSON]:
    params = call.params
    if bot.webhook is not None:
        raise ApiError(409, _CONFLICT_WEBHOOK)
    if isinstance(params.get("allowed_updates"), list):
        bot.allowed_updates = params["allowed_updates"]
    confirm_updates(bot, params.get("offset"))
    limit = params.get("limit") if isinstance(params.get("limit"), int) else 100
    limit = min(max(limit, 1), 100)
    timeout = params.get("timeout") if isinstance(params.get("timeout"), int) else 0
    # Telegram answers the older of two concurrent polls with a conflict.
    ticket = PollTicket()
    if bot.poll is not None:
        bot.poll.superseded = True
    bot.poll = ticket
    state.signal.fire()
    try:
        await state.signal.wait_for(
            lambda: (
                bool(bot.updates) or ticket.superseded or state.closing or bot.webhook is not None
            ),
            max(timeout, 0),
        )
    finally:
        if bot.poll is ticket:
            bot.poll = None
    if ticket.superseded:
        raise ApiError(409, _CONFLICT_POLL)
    if bot.webhook is not None:
        raise ApiError(409, _CONFLICT_WEBHOOK)
    return copy.deepcopy(bot.updates[:limit])


@_method("setWebhook")
async def set_webhook(state: EmulatorState, bot: BotAccount, call: Call) -> bool:
    params = call.params
    url = str(params.get("url") or "")
    if not url:
        return await delete_webhook(state, bot, call)
    if not url.startswith(("http://", "https://")):
        raise ApiError.bad_request(
            "bad webhook: Webhook can be set up only on ports 80, 88, 443 or 8443"
        )
    secret = params.get("secret_token")
    if secret is not None and not _SECRET_RE.match(str(secret)):
        raise ApiError.bad_request("secret token contains unallowed characters")
    if params.get("drop_pending_updates") is True:
        bot.updates.clear()
    allowed = params.get("allowed_updates")
    bot.webhook = Webhook(
        url=url,
        secret_token=str(secret) if secret else None,
        allowed_updates=allowed if isinstance(allowed, list) else None,
    )
    start_delivery(state, bot)
    state.signal.fire()
    return True


@_method("deleteWebhook")
async def delete_webhook(state: EmulatorState, bot: BotAccount, call: Call) -> bool:
    if call.params.get("drop_pending_updates") is True:
        bot.updates.clear()
    bot.webhook = None
    stop_delivery(bot)
    state.signal.fire()
    return True


# --- commands -----------------------------------------------------------------------------


def command_key(state: EmulatorState, scope: Any, language_code: Any) -> CommandKey:
    """The key Telegram stores a command list under: scope type, chat, user, language."""
    language = language_code or ""
    if not isinstance(language, str) or (language and not _LANGUAGE_RE.match(language)):
        raise ApiError.bad_request("invalid language code specified")
    if scope is None:
        return ("default", None, None, language)
    if not isinstance(scope, dict) or scope.get("type") not in _SCOPES:
        raise ApiError.bad_request("can't parse BotCommandScope JSON object")
    kind = scope["type"]
    chat_id = user_id = None
    if kind in _SCOPES_WITH_CHAT:
        chat_id = state.resolve_chat(scope.get("chat_id"))["id"]
    if kind == "chat_member":
        user_id = scope.get("user_id")
        if user_id not in state.users:
            raise ApiError.bad_request("user not found")
    return (kind, chat_id, user_id, language)


@_method("setMyCommands")
async def set_my_commands(state: EmulatorState, bot: BotAccount, call: Call) -> bool:
    commands = call.params["commands"]
    if not isinstance(commands, list) or len(commands) > 100:
        raise ApiError.bad_request("can't parse commands JSON object")
    cleaned = []
    for command in commands:
        name = command.get("command") if isinstance(command, dict) else None
        description = command.get("description") if isinstance(command, dict) else None
        if not isinstance(name, str) or not _COMMAND_RE.match(name):
            raise ApiError.bad_request("BOT_COMMAND_INVALID")
        if not isinstance(description, str) or not 1 <= utf16_len(description.strip()) <= 256:
            raise ApiError.bad_request("BOT_COMMAND_DESCRIPTION_INVALID")
        cleaned.append({"command": name, "description": description.strip()})
    key = command_key(state, call.params.get("scope"), call.params.get("language_code"))
    if cleaned:
        bot.commands[key] = cleaned
    else:
        # An empty list is the same as deleteMyCommands.
        bot.commands.pop(key, None)
    state.signal.fire()
    return True


# --- callbacks and files ----------------------------------------------------------------


@_method("answerCallbackQuery")
async def answer_callback_query(state: EmulatorState, bot: BotAccount, call: Call) -> bool:
    params = call.params
    record = bot.callback_queries.get(str(params["callback_query_id"]))
    if record is None or record.answered:
        raise ApiError.bad_request(
            "query is too old and response timeout expired or query ID is invalid"
        )
    text = params.get("text")
    if isinstance(text, str) and utf16_len(text) > 200:
        raise ApiError.bad_request("MESSAGE_TOO_LONG")
    record.answered = True
    state.callback_answers.append(
        {
            "callback_query_id": record.query_id,
            "user_id": record.user_id,
            "chat_id": record.chat_id,
            "message_id": record.message_id,
            "data": record.data,
            "text": text,
            "show_alert": params.get("show_alert") is True,
            "url": params.get("url"),
            "cache_time": params.get("cache_time", 0),
        }
    )
    state.signal.fire()
    return True


@_method("getFile")
async def get_file(state: EmulatorState, bot: BotAccount, call: Call) -> JSON:
    stored = find_file(state, str(call.params["file_id"]))
    return {
        "file_id": stored.file_id,
        "file_unique_id": stored.file_unique_id,
        "file_size": len(stored.content),
        "file_path": stored.file_path,
    }


METHODS.update(_OTHER_METHODS)
