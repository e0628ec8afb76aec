"""Webhook mode: the emulator pushes updates to the bot's aiohttp route with the secret."""

from __future__ import annotations

import aiohttp

from run import Runtime
from storage import inbox
from tests.conftest import eventually, webhook_config

SECRET = "s3cret_for-tests"


async def test_webhook_mode_serves_and_checks_the_secret(tmp_path, emulator, chat):
    config = webhook_config(tmp_path, emulator, SECRET)
    url = config.telegram.webhook_url
    rt = Runtime(config)
    await rt.start()
    try:
        resident = chat(1001)
        (confirm,) = await resident.say("/start v_qingshan")
        await resident.press(confirm, "join:qingshan")
        await eventually(lambda: rt.services.membership.person(1001).has("resident"))
        async with aiohttp.ClientSession() as http:
            forged = {"update_id": 999999, "message": {"text": "/start"}}
            async with http.post(url, json=forged) as response:
                assert response.status == 403
            headers = {"X-Telegram-Bot-Api-Secret-Token": "wrong"}
            async with http.post(url, json=forged, headers=headers) as response:
                assert response.status == 403
            headers = {"X-Telegram-Bot-Api-Secret-Token": SECRET}
            async with http.post(url, data=b"not json", headers=headers) as response:
                assert response.status == 400
            async with http.post(url, json=[1, 2], headers=headers) as response:
                assert response.status == 400
        assert inbox.status(rt.store.db, 999999) is None
    finally:
        await rt.stop()
