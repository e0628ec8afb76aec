"""Answer templates (答复模板) end to end through the emulator: an official keeps reusable answer
texts for their village with /templates, picks one under the guided answer and edits it before
sending; residents and other villages' officials cannot use or change them."""

from __future__ import annotations

from storage import answer_templates, topics
from tests.conftest import STAFF, eventually
from tests.test_topics_e2e import (  # noqa: F401 (the fixture)
    HEAD,
    HEXI_OFFICIAL,
    RES1,
    WALL,
    button,
    receipt_in,
    town,
)


def kept(town) -> list[str]:  # noqa: F811
    return [t.title for t in answer_templates.of_village(town.store.db, "qingshan")]


async def test_an_official_adds_lists_and_removes_templates(town, emulator, chat):  # noqa: F811
    head, hexi = chat(HEAD), chat(HEXI_OFFICIAL)
    (empty,) = await head.say("/templates")
    assert "还没有答复模板" in empty["text"]
    (added,) = await head.say(
        "/templates add 路灯报修 | 路灯已报修，电工三天内更换，联系 13812345678。"
    )
    assert "已添加答复模板 #1“路灯报修”" in added["text"]
    (second,) = await head.say("/templates 添加 账目公开 | 明细已张贴在村务公开栏，欢迎查看。")
    assert "#2" in second["text"]
    (listed,) = await head.say("/templates")
    assert "共 2 条" in listed["text"] and "#1 路灯报修" in listed["text"]
    assert "#2 账目公开" in listed["text"]
    # Masked before storing (SEC-03).
    (lamp, _) = answer_templates.of_village(town.store.db, "qingshan")
    assert "138****5678" in lamp.text and "13812345678" not in lamp.text

    # Another village's official neither sees nor removes them.
    (theirs,) = await hexi.say("/templates")
    assert "还没有答复模板" in theirs["text"]
    (not_theirs,) = await hexi.say("/templates remove 1")
    assert "没有编号为 1 的答复模板" in not_theirs["text"]
    assert kept(town) == ["路灯报修", "账目公开"]

    (removed,) = await head.say("/templates remove 1")
    assert "已删除答复模板“路灯报修”" in removed["text"]
    (gone,) = await head.say("/templates 删除 1")
    assert "没有编号为 1" in gone["text"]
    assert kept(town) == ["账目公开"]
    (usage,) = await head.say("/templates add 没有竖线的模板")
    assert "用法" in usage["text"]
    (too_long,) = await head.say("/templates add " + "长" * 21 + " | 内容足够长")
    assert "标题太长" in too_long["text"]
    assert kept(town) == ["账目公开"]


async def test_a_resident_and_township_staff_cannot_use_templates(town, emulator, chat):  # noqa: F811
    for uid in (RES1, STAFF):
        person = chat(uid)
        (listing,) = await person.say("/templates")
        assert "仅限村干部" in listing["text"], uid
        (adding,) = await person.say("/templates add 模板 | 我想加一个模板")
        assert "仅限村干部" in adding["text"], uid
    assert kept(town) == []


async def test_answering_with_a_template_then_editing_it(town, emulator, chat):  # noqa: F811
    head, resident = chat(HEAD), chat(RES1)
    await head.say("/templates add 路灯报修 | 路灯已报修，电工三天内更换。")
    await chat(HEXI_OFFICIAL).say("/templates add 水渠 | 水渠本月清理。")  # template #2, 河西村
    (receipt,) = await resident.say("/topic 村口的路灯坏了什么时候修好？")
    number = receipt_in(receipt["text"])
    (notice,) = await head.replies()
    await head.press(notice, button(notice, "tp:a:"))
    (prompt,) = await head.replies()
    assert "答复模板" in prompt["text"] and number in prompt["text"]
    pick = button(prompt, "tp:at:")
    assert pick.endswith(":1") and prompt["reply_markup"]["inline_keyboard"][0][0]["text"] == (
        "📋 路灯报修"
    )

    # Another village's template, by a forged button: refused, the form stays as it was.
    await head.press(prompt, pick[:-1] + "2", forged=True)
    alert = await eventually(lambda: [a for a in emulator.callback_answers() if a.get("text")])
    assert "没有编号为 2 的答复模板" in alert[-1]["text"]

    await head.press(prompt, pick)
    (confirm,) = await head.replies()
    assert "路灯已报修，电工三天内更换。" in confirm["text"]
    (edited,) = await head.say("路灯已报修，电工明天上午更换。")
    assert "电工明天上午更换" in edited["text"]
    await head.press(edited, "tp:ok")
    await eventually(lambda: "已答复" in head.last()["text"])

    (wall,) = await emulator.wait_for_messages(WALL, 1)
    assert "电工明天上午更换" in wall["text"] and number in wall["text"]
    (answered,) = await resident.replies()
    assert "您的点题有答复了" in answered["text"] and "电工明天上午更换" in answered["text"]
    topic = topics.by_receipt(town.store.db, number)
    assert topic.status == "answered"


async def test_without_templates_the_guided_answer_asks_as_before(town, emulator, chat):  # noqa: F811
    head = chat(HEAD)
    (receipt,) = await chat(RES1).say("/topic 村口的路灯坏了什么时候修好？")
    (notice,) = await head.replies()
    await head.press(notice, button(notice, "tp:a:"))
    (prompt,) = await head.replies()
    assert "答复模板" not in prompt["text"] and not prompt.get("reply_markup")
    assert receipt_in(receipt["text"]) in prompt["text"]
