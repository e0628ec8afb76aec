"""/sandbox (sandbox mode only): chat with the bot as any demo person, in the browser.

The page talks to `/sandbox/api/…` on our own origin, which forwards a few calls to the Bot API
emulator's test API (`/_emulator/…`), so the Content-Security-Policy can stay `'self'`.
"""

from __future__ import annotations

import json
import logging
from collections.abc import AsyncIterator
from dataclasses import dataclass

import aiohttp
from aiohttp import web

from bot.i18n import t_plain
from bot.services.bundle import Services
from handlers.web.keys import CONTEXT, SANDBOX_HTTP, SERVICES
from handlers.web.respond import html_page, language_of

log = logging.getLogger(__name__)

IMAGE_SIGNATURES = {
    b"\xff\xd8\xff": "image/jpeg",
    b"\x89PNG\r\n\x1a\n": "image/png",
    b"GIF87a": "image/gif",
    b"GIF89a": "image/gif",
}
AUDIO_SIGNATURES = {b"OggS": "audio/ogg"}


@dataclass(frozen=True, slots=True)
class DemoPerson:
    user_id: int
    name: str
    label: str


def _api(request: web.Request) -> str:
    origin = request.app[CONTEXT].sandbox_api
    if origin is None:  # the routes are only added in sandbox mode
        raise web.HTTPNotFound()
    return origin.rstrip("/")


async def http_client(app: web.Application) -> AsyncIterator[None]:
    """cleanup_ctx: one client session to the emulator for the app's lifetime."""
    app[SANDBOX_HTTP] = aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=30))
    yield
    await app[SANDBOX_HTTP].close()


def _json_error(status: int, description: str) -> web.Response:
    return web.json_response({"ok": False, "description": description}, status=status)


def _same_origin(request: web.Request) -> None:
    """Refuse cross-site writes: a page elsewhere must not act as a demo person."""
    origin = request.headers.get("Origin")
    if origin is not None and origin != f"{request.scheme}://{request.host}":
        raise web.HTTPForbidden(text="cross-origin request refused")


async def _forward(response: aiohttp.ClientResponse) -> web.Response:
    try:
        body = await response.json(content_type=None)
    except (json.JSONDecodeError, aiohttp.ContentTypeError):
        return _json_error(502, "the emulator answered something that is not JSON")
    return web.json_response(body, status=response.status)


def _role_label(services: Services, language: str, user_id: int) -> str:
    person = services.membership.person(user_id)
    parts = []
    for member in person.roles:
        role = t_plain(language, f"roles.{member.role}")
        place = services.membership.place_name(member)
        parts.append(f"{place}{role}" if language == "zh-CN" else f"{role}, {place}")
    return "、".join(parts) if parts else t_plain(language, "web.sandbox.roles_none")


async def page(request: web.Request) -> web.Response:
    """GET /sandbox[?user=<id>]: the person picker and their chat."""
    language = language_of(request)
    services = request.app[SERVICES]
    async with request.app[SANDBOX_HTTP].get(f"{_api(request)}/_emulator/users") as response:
        users = (await response.json())["result"]
    people = []
    for user in sorted(users, key=lambda u: u["id"]):
        if user.get("is_bot"):
            continue
        name = " ".join(p for p in (user.get("first_name"), user.get("last_name")) if p)
        roles = _role_label(services, language, user["id"])
        label = f"{name}（{roles}）" if language == "zh-CN" else f"{name} ({roles})"
        people.append(DemoPerson(user["id"], name, label))
    wanted = request.query.get("user", "")
    current = next((p for p in people if str(p.user_id) == wanted), people[0] if people else None)
    return html_page(request, "sandbox.html", language, people=people, current=current)


async def users(request: web.Request) -> web.Response:
    """GET /sandbox/api/users."""
    async with request.app[SANDBOX_HTTP].get(f"{_api(request)}/_emulator/users") as response:
        return await _forward(response)


async def messages(request: web.Request) -> web.Response:
    """GET /sandbox/api/chats/<user id>/messages: a person's private chat, as it stands now."""
    chat_id = request.match_info["chat_id"]
    url = f"{_api(request)}/_emulator/chats/{chat_id}/messages"
    async with request.app[SANDBOX_HTTP].get(url, params={"after": "0"}) as response:
        return await _forward(response)


async def _json_call(request: web.Request, method: str, fields: tuple[str, ...]) -> web.Response:
    _same_origin(request)
    try:
        body = await request.json()
    except (json.JSONDecodeError, UnicodeDecodeError):
        return _json_error(400, "the body must be JSON")
    if not isinstance(body, dict):
        return _json_error(400, "the body must be a JSON object")
    payload = {name: body[name] for name in fields if name in body}
    url = f"{_api(request)}/_emulator/{method}"
    async with request.app[SANDBOX_HTTP].post(url, json=payload) as response:
        return await _forward(response)


async def send_text(request: web.Request) -> web.Response:
    """POST /sandbox/api/send_text {user_id, text}."""
    return await _json_call(request, "send_text", ("user_id", "text"))


async def press(request: web.Request) -> web.Response:
    """POST /sandbox/api/press {user_id, chat_id, message_id, data}."""
    return await _json_call(request, "press", ("user_id", "chat_id", "message_id", "data"))


async def _upload(request: web.Request, field: str, *, required: bool) -> web.Response:
    """Forward a multipart upload to the emulator's `send_<field>`; without a file of its own
    a photo or voice note is the emulator's bundled sample."""
    _same_origin(request)
    form = await request.post()
    upload = form.get(field)
    content = upload.file.read() if isinstance(upload, web.FileField) else b""
    if required and not content:
        return _json_error(400, f"attach the file as the multipart field '{field}'")
    data = aiohttp.FormData()
    data.add_field("user_id", str(form.get("user_id", "")))
    if form.get("caption"):
        data.add_field("caption", str(form["caption"]))
    if content:
        data.add_field(
            field,
            content,
            filename=upload.filename or "file",
            content_type=upload.content_type or "application/octet-stream",
        )
    url = f"{_api(request)}/_emulator/send_{field}"
    async with request.app[SANDBOX_HTTP].post(url, data=data) as response:
        return await _forward(response)


async def send_document(request: web.Request) -> web.Response:
    """POST /sandbox/api/send_document (multipart: user_id, document, caption)."""
    return await _upload(request, "document", required=True)


async def send_photo(request: web.Request) -> web.Response:
    """POST /sandbox/api/send_photo (multipart: user_id, optional photo, caption)."""
    return await _upload(request, "photo", required=False)


async def send_voice(request: web.Request) -> web.Response:
    """POST /sandbox/api/send_voice (multipart: user_id, optional voice, caption)."""
    return await _upload(request, "voice", required=False)


def _sniff(content: bytes) -> str | None:
    for signatures in (IMAGE_SIGNATURES, AUDIO_SIGNATURES):
        for magic, kind in signatures.items():
            if content.startswith(magic):
                return kind
    if content[:4] == b"RIFF" and content[8:12] == b"WEBP":
        return "image/webp"
    return None


async def file(request: web.Request) -> web.Response:
    """GET /sandbox/api/file/<file_id>: a photo shown inline, anything else downloaded."""
    api = _api(request)
    token = request.app[SERVICES].config.telegram.token
    http = request.app[SANDBOX_HTTP]
    params = {"file_id": request.match_info["file_id"]}
    async with http.get(f"{api}/bot{token}/getFile", params=params) as response:
        found = await response.json(content_type=None)
    if not found.get("ok"):
        return _json_error(404, "no such file")
    info = found["result"]
    async with http.get(f"{api}/file/bot{token}/{info['file_path']}") as response:
        if response.status != 200:
            return _json_error(404, "no such file")
        content = await response.read()
    kind = _sniff(content)
    headers = {"Cache-Control": "private, max-age=3600"}
    if kind is None:
        # Never render an uploaded file on our origin: it is downloaded as bytes.
        name = info["file_path"].rsplit("/", 1)[-1]
        headers["Content-Disposition"] = f'attachment; filename="{name}"'
        kind = "application/octet-stream"
    return web.Response(body=content, content_type=kind, headers=headers)


def add_routes(app: web.Application) -> None:
    """Only called in sandbox mode (run.py's serve_sandbox passes the emulator's origin)."""
    app.cleanup_ctx.append(http_client)
    app.router.add_get("/sandbox", page)
    app.router.add_get("/sandbox/api/users", users)
    app.router.add_get(r"/sandbox/api/chats/{chat_id:\d+}/messages", messages)
    app.router.add_post("/sandbox/api/send_text", send_text)
    app.router.add_post("/sandbox/api/press", press)
    app.router.add_post("/sandbox/api/send_document", send_document)
    app.router.add_post("/sandbox/api/send_photo", send_photo)
    app.router.add_post("/sandbox/api/send_voice", send_voice)
    app.router.add_get(r"/sandbox/api/file/{file_id:[A-Za-z0-9_\-]+}", file)
