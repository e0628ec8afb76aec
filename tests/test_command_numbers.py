"""Numbers typed into commands: odd spellings get the command's usage, never the generic error."""

from __future__ import annotations

import re

import pytest

from bot.core.numbers import parse_number
from tests.conftest import STAFF, eventually
from tests.test_membership_e2e import invite_code

USAGE = "用法：/revoke"
ERROR = "出错"


@pytest.mark.parametrize(
    "argument", ["99999999999999999999", "²", "9223372036854775808", "1²", "-1", "1 2"]
)
async def test_revoke_with_no_usable_number_gets_its_usage(runtime, chat, argument):
    (answer,) = await chat(STAFF).say(f"/revoke {argument}")
    assert USAGE in answer["text"], answer["text"]


async def test_revoke_takes_full_width_digits(runtime, chat):
    staff = chat(STAFF)
    (created,) = await staff.say("/invite official qingshan 会计")
    official = chat(1002)
    await official.say(f"/start inv_{invite_code(created['text'])}")
    await staff.replies()
    (listing,) = await staff.say("/members ｑｉｎｇｓｈａｎ")
    number = re.search(r"#(\d+) 李建国", listing["text"]).group(1)
    wide = number.translate(str.maketrans("0123456789", "０１２３４５６７８９"))
    (done,) = await staff.say(f"/revoke ＃{wide}")
    assert "已撤销" in done["text"], done["text"]


async def test_members_with_a_huge_number_is_refused_politely(runtime, chat):
    (answer,) = await chat(STAFF).say("/members 99999999999999999999")
    assert ERROR not in answer["text"] and "99999999999999999999" in answer["text"]


def test_numbers_as_people_type_them():
    assert parse_number("12") == 12
    assert parse_number("#12") == 12
    assert parse_number("＃１２") == 12
    assert parse_number(" 7 ") == 7
    for junk in ("²", "1²", "-1", "+1", "1 2", "1.5", "", "  ", "一", "٣", None):
        assert parse_number(junk) is None, junk
    assert parse_number(str(2**63 - 1)) == 2**63 - 1
    assert parse_number(str(2**63)) is None
    assert parse_number("2027", largest=9999) == 2027
    assert parse_number("20270", largest=9999) is None


@pytest.mark.parametrize("argument", ["99999999999999999999", "²", "1²", "-3", "1 2"])
async def test_show_with_no_usable_number_gets_its_usage(runtime, chat, argument):
    (answer,) = await chat(1001).say(f"/show {argument}")
    assert "/show" in answer["text"] and ERROR not in answer["text"], answer["text"]


async def test_export_year_with_a_huge_year_gets_its_usage(runtime, chat):
    (answer,) = await chat(STAFF).say("/export_year 99999999999999999999")
    assert "/export_year" in answer["text"] and ERROR not in answer["text"], answer["text"]


async def test_a_refused_button_is_answered_once(runtime, emulator, chat):
    """A press refused after the handler began its work gets one answer: the refusal."""
    resident = chat(1001)
    (help_message,) = await resident.say("/help")
    for data in ("dexp:999999:csv", "dlist:99"):
        await resident.press(help_message, data, forged=True)
    answers = await eventually(lambda: (a := emulator.callback_answers()) and len(a) >= 2 and a)
    assert [a["data"] for a in answers] == ["dexp:999999:csv", "dlist:99"]
    # Each one answer is the refusal itself, shown to the presser, not a bare acknowledgement.
    assert all(a["show_alert"] and a["text"] for a in answers), answers
