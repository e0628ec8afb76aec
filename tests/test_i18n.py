"""Catalogues: English complete, same placeholders, every menu command described."""

from __future__ import annotations

from bot.i18n import Term, catalogue, pick_language, placeholders, t, t_plain
from bot.menus import BY_ROLE, EVERYONE
from bot.sandbox.emulator.formatting import EntityParseError, parse_html


def test_both_catalogues_have_the_same_keys_and_placeholders():
    zh, en = catalogue("zh-CN"), catalogue("en")
    assert set(zh) == set(en)
    for key in zh:
        assert placeholders(zh[key]) == placeholders(en[key]), key


def test_every_menu_command_is_described_within_telegram_limits():
    names = set(EVERYONE).union(*BY_ROLE.values())
    for language in ("zh-CN", "en"):
        for name in names:
            assert 1 <= len(t_plain(language, f"commands.{name}")) <= 256


def test_parameters_are_escaped_for_html_but_terms_are_translated():
    text = t("en", "join.done", village="<b>&")
    assert "&lt;b&gt;&amp;" in text
    assert (
        t("zh-CN", "denied.role", role=Term("roles.township"))
        == "抱歉，此操作仅限乡镇工作人员使用。"
    )


def test_language_is_picked_from_choice_then_telegram_then_default():
    assert pick_language("en", "zh-hans", "zh-CN") == "en"
    assert pick_language(None, "en-GB", "zh-CN") == "en"
    assert pick_language(None, "zh-hant", "en") == "zh-CN"
    assert pick_language(None, "ru", "zh-CN") == "zh-CN"


def test_every_text_is_valid_telegram_html():
    # Texts go out in HTML parse mode: a bare "<number>" or "&" makes Telegram refuse the whole
    # message (the emulator's parser is Telegram's rules).
    for language in ("zh-CN", "en"):
        for key, text in catalogue(language).items():
            filled = t(language, key, **{name: "x" for name in placeholders(text)})
            try:
                parse_html(filled)
            except EntityParseError as error:
                raise AssertionError(f"{language} {key}: {error}: {text!r}") from None
