"""Invisible text is no text: zero-width and bidirectional characters are dropped before a
length counts or a text is stored (a hostile review filed "topics" of nothing but U+200B)."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from bot.core.typed_text import clean
from storage import topics
from tests.conftest import eventually

INVISIBLE = "\u200b\u200c\u200d\u2060\ufeff\u202e\u202d\u2066\u2069\u0000\u001b\u007f"


def test_invisible_characters_are_dropped():
    assert clean("\u202e修路款\u200b用在哪里\u202c") == "修路款用在哪里"
    assert clean(f" {INVISIBLE} ") == ""
    assert clean("第一行\r\n第二行\r第三行\t末") == "第一行\n第二行\n第三行\t末"
    assert clean(None) == ""


@given(st.text(alphabet=INVISIBLE + " \n\t"))
def test_text_of_only_invisible_characters_is_empty(text):
    assert clean(text) == ""


@given(st.text())
def test_cleaning_keeps_every_visible_character(text):
    cleaned = clean(text)
    assert clean(cleaned) == cleaned
    assert not any(c in cleaned for c in INVISIBLE)


async def test_a_topic_of_invisible_characters_is_refused_as_too_short(runtime, chat):
    resident = chat(1001)
    (confirm,) = await resident.say("/start v_qingshan")
    await resident.press(confirm, "join:qingshan")
    await eventually(lambda: runtime.services.membership.person(1001).roles)
    (refused,) = await resident.say("/topic \u200b\u200b\u202e\u200b\u200d\u200b\u200b\u2060\u200b")
    assert "太短" in refused["text"] or "至少" in refused["text"], refused["text"]
    assert topics.of_requester(runtime.store.db, 1001) == []
    (filed,) = await resident.say("/topic \u202e修路款用在哪里了\u202c？")
    assert "DT-" in filed["text"]
    (stored,) = topics.of_requester(runtime.store.db, 1001)
    assert stored.text == "修路款用在哪里了？"
