"""Logs: one line per update and per web request with its outcome; no token or secret ever."""

from __future__ import annotations

import io
import logging
from collections.abc import Iterator

import pytest

from bot.delivery.log_secrets import REDACTED, hide_secrets
from run import Runtime
from tests.conftest import TOKEN, eventually, webhook_config

SECRET = "webhook-secret-never-logged"


@pytest.fixture
def log_text() -> Iterator[io.StringIO]:
    """Everything logged at INFO and up, as the process writes it, with the secrets hidden."""
    root = logging.getLogger()
    out = io.StringIO()
    handler = logging.StreamHandler(out)
    handler.setFormatter(logging.Formatter("%(levelname)s %(name)s: %(message)s"))
    owner = logging.Logger("owner")  # as run.py does on the root logger's own handler
    owner.addHandler(handler)
    hide_secrets(TOKEN, SECRET, logger=owner)
    level = root.level
    root.addHandler(handler)
    root.setLevel(logging.INFO)
    yield out
    root.removeHandler(handler)
    root.setLevel(level)


def test_secrets_are_redacted_from_messages_and_tracebacks(log_text):
    log = logging.getLogger("village_bot.test")
    log.warning("calling https://api.telegram.org/bot%s/getMe", TOKEN)
    try:
        raise RuntimeError(f"secret {SECRET} refused")
    except RuntimeError:
        log.exception("failed")
    text = log_text.getvalue()
    assert TOKEN not in text and SECRET not in text
    assert text.count(REDACTED) == 2  # in the message and in the traceback's error


async def test_an_update_and_a_request_each_log_one_line_without_secrets(
    tmp_path, emulator, chat, log_text
):
    config = webhook_config(tmp_path, emulator, SECRET)
    rt = Runtime(config)
    await rt.start()
    try:
        sent = await emulator.send_text(1001, "/help")
        await chat(1001).replies()
        update_id = sent["update_id"]
        await eventually(lambda: f"update={update_id} outcome=done" in log_text.getvalue())
    finally:
        await rt.stop()
    text = log_text.getvalue()
    assert text.count(f"update={update_id} outcome=") == 1
    assert 'request="POST /telegram/webhook HTTP/1.1" status=200' in text
    assert TOKEN not in text and SECRET not in text
