"""The emulator's aiohttp app: Bot API and file endpoints plus a JSON test API under /_emulator/."""

from __future__ import annotations

import functools
import json
from collections.abc import Awaitable, Callable
from typing import Any

from aiohttp import web

from bot.sandbox.emulator import actions
from bot.sandbox.emulator.methods import call_method
from bot.sandbox.emulator.raw_updates import dumps
from bot.sandbox.emulator.state import (
    JSON,
    DropConnection,
    EmulatorState,
    Upload,
    is_valid_token,
)

STATE_KEY = web.AppKey("emulator_state", EmulatorState)
# Telegram accepts uploads of up to 50 MB.
MAX_UPLOAD = 50 * 1024 * 1024


def create_app(state: EmulatorState) -> web.Application:
    """Build the aiohttp application serving one emulator state."""
    app = web.Application(client_max_size=MAX_UPLOAD)
    app[STATE_KEY] = state
    app.router.add_route("*", "/bot{token}/{method}", _bot_api)
    app.router.add_get("/file/bot{token}/{path:.+}", _download)
    app.router.add_get("/_emulator/users", _list_users)
    app.router.add_post("/_emulator/send_text", _send_text)
    app.router.add_post("/_emulator/send_document", _send_document)
    app.router.add_post("/_emulator/press", _press)
    app.router.add_get("/_emulator/chats/{chat_id}/messages", _chat_messages)
    return app


def _telegram_error(code: int, description: str) -> web.Response:
    body = {"ok": False, "error_code": code, "description": description}
    return web.json_response(body, status=code)


async def _read_params(request: web.Request) -> tuple[JSON, dict[str, Upload]]:
    """Merge query parameters with a JSON, urlencoded or multipart body."""
    params: JSON = dict(request.query)
    uploads: dict[str, Upload] = {}
    if not request.body_exists:
        return params, uploads
    if request.content_type == "application/json":
        body = await request.json()
        if not isinstance(body, dict):
            raise ValueError("the JSON body must be an object")
        params.update(body)
    elif request.content_type in ("application/x-www-form-urlencoded", "multipart/form-data"):
        for key, value in (await request.post()).items():
            if isinstance(value, web.FileField):
                content = value.file.read()
                uploads[key] = Upload(value.filename, value.content_type, content)
            else:
                params[key] = value
    return params, uploads


async def _bot_api(request: web.Request) -> web.StreamResponse:
    state = request.app[STATE_KEY]
    try:
        params, uploads = await _read_params(request)
    except web.HTTPRequestEntityTooLarge:
        return _telegram_error(413, "Request Entity Too Large")
    except ValueError:
        return _telegram_error(400, "Bad Request: can't parse request body")
    except ConnectionResetError:
        # The client vanished mid-upload (e.g. the bot process was killed); nobody to answer.
        return web.Response()
    try:
        status, body = await call_method(
            state, request.match_info["token"], request.match_info["method"], params, uploads
        )
    except DropConnection:
        if request.transport is not None:
            request.transport.abort()
        # Nothing reaches the client once the transport is gone.
        return web.Response()
    return web.json_response(body, status=status, dumps=dumps)


async def _download(request: web.Request) -> web.StreamResponse:
    state = request.app[STATE_KEY]
    token = request.match_info["token"]
    stored = state.files_by_path.get(request.match_info["path"])
    if not is_valid_token(token) or token not in state.bots or stored is None:
        return _telegram_error(404, "Not Found")
    return web.Response(body=stored.content, content_type="application/octet-stream")


# --- test API -----------------------------------------------------------------------------


def _ok(result: object) -> web.Response:
    return web.json_response({"ok": True, "result": result})


def _fail(error: Exception) -> web.Response:
    text = error.args[0] if error.args else str(error)
    return web.json_response({"ok": False, "description": str(text)}, status=400)


def _test_api(
    action: Callable[[web.Request, EmulatorState], Awaitable[object]],
) -> Callable[[web.Request], Awaitable[web.Response]]:
    """Wrap a test-API action: its result as `ok`, a bad request as a 400 with the reason."""

    @functools.wraps(action)
    async def handler(request: web.Request) -> web.Response:
        try:
            return _ok(await action(request, request.app[STATE_KEY]))
        except (KeyError, LookupError, TypeError, ValueError) as exc:
            return _fail(exc)

    return handler


async def _json_body(request: web.Request) -> JSON:
    try:
        body = await request.json()
    except json.JSONDecodeError as exc:
        raise ValueError("the body must be JSON") from exc
    if not isinstance(body, dict):
        raise ValueError("the body must be a JSON object")
    return body


def _optional_int(value: Any) -> int | None:
    return None if value in (None, "") else int(value)


async def _list_users(request: web.Request) -> web.Response:
    return _ok(list(request.app[STATE_KEY].users.values()))


@_test_api
async def _send_text(request: web.Request, state: EmulatorState) -> object:
    body = await _json_body(request)
    return actions.send_text(
        state,
        state.default_bot(body.get("token")),
        int(body["user_id"]),
        str(body["text"]),
        chat_id=_optional_int(body.get("chat_id")),
        reply_to=_optional_int(body.get("reply_to")),
    )


@_test_api
async def _send_document(request: web.Request, state: EmulatorState) -> object:
    form = await request.post()
    upload = form.get("document")
    if not isinstance(upload, web.FileField):
        raise ValueError("attach the file as the multipart field 'document'")
    return actions.send_document(
        state,
        state.default_bot(str(form["token"]) if form.get("token") else None),
        int(str(form["user_id"])),
        upload.filename,
        upload.file.read(),
        mime_type=upload.content_type or "application/octet-stream",
        caption=str(form["caption"]) if form.get("caption") else None,
        chat_id=_optional_int(form.get("chat_id")),
    )


@_test_api
async def _press(request: web.Request, state: EmulatorState) -> object:
    body = await _json_body(request)
    return actions.press_button(
        state,
        state.default_bot(body.get("token")),
        int(body["user_id"]),
        int(body["chat_id"]),
        int(body["message_id"]),
        str(body["data"]),
    )


@_test_api
async def _chat_messages(request: web.Request, state: EmulatorState) -> object:
    chat_id = int(request.match_info["chat_id"])
    after = int(request.query.get("after", "0"))
    stored = state.messages.get(chat_id, {})
    return [item.message for key, item in sorted(stored.items()) if key > after]
