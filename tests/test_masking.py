"""Masking (DESIGN §6, SEC-03): ID 35*************123, phone 138****1234, card **** 1234."""

from __future__ import annotations

import re

from hypothesis import example, given
from hypothesis import strategies as st

from bot.services.masking import (
    MASKED_KEPT,
    contains_sensitive,
    mask_id,
    mask_name,
    mask_phone,
    mask_text,
)


def test_official_formats():
    assert mask_text("350102199001011123") == "35*************123"
    assert mask_text("35010219900101112X") == "35*************12X"
    assert mask_text("13812341234") == "138****1234"
    assert mask_text("+86 138 1234 1234") == "138****1234"
    assert mask_text("6222020200001234") == "**** 1234"
    assert mask_text("6222 0202 0000 1234 567") == "**** 4567"
    assert mask_text("6222-0202-0000-1234") == "**** 1234"


def test_numbers_inside_text_and_harmless_numbers_kept():
    text = "张三 身份证350102199001011123，电话13812341234，卡号6222020200001234。"
    masked = mask_text(text)
    assert masked == "张三 身份证35*************123，电话138****1234，卡号**** 1234。"
    for harmless in ("1,234.50", "2026Q3", "一组", "20261010", "12.5亩", "123450"):
        assert mask_text(harmless) == harmless


def test_the_issue_spellings():
    assert mask_text("１３８１２３４５６７８") == "138****5678"
    assert mask_text("138\u30001234\u30005678") == "138****5678"
    assert mask_text("138.1234.5678") == "138****5678"
    assert mask_text("350102-19900101-1123") == "35*************123"
    assert mask_text("6222\u30000202\u30000000\u30001234") == "**** 1234"
    assert mask_text("电话：１３８－１２３４－５６７８。") == "电话：138****5678。"


def test_ordinary_numbers_in_sentences_kept():
    for harmless in (
        "合计 1,200.00 元",
        "2026-09-15 公示",
        "回执 DT-2026-0042",
        "金额 138000000.50 元",
        "2026年 3 户 12.5 亩",
        "１，２００．００元",
    ):
        assert mask_text(harmless) == harmless


def test_names():
    assert mask_name("张三") == "张*"
    assert mask_name("张三丰") == "张*丰"
    assert mask_name("欧阳娜娜") == "欧**娜"
    assert mask_name("王") == "*"


digits = st.text(alphabet="0123456789", min_size=1, max_size=1)


@st.composite
def id_numbers(draw):
    region = draw(st.integers(min_value=110000, max_value=659999))
    year = draw(st.integers(min_value=1900, max_value=2025))
    month = draw(st.integers(min_value=1, max_value=12))
    day = draw(st.integers(min_value=1, max_value=28))
    seq = draw(st.integers(min_value=0, max_value=999))
    check = draw(st.sampled_from("0123456789X"))
    return f"{region}{year}{month:02d}{day:02d}{seq:03d}{check}"


phones = st.builds(
    lambda p, n: f"1{p}{n:09d}", st.sampled_from("3456789"), st.integers(0, 10**9 - 1)
)
cards = st.integers(min_value=10**15, max_value=10**19 - 1).map(str)
filler = st.text(alphabet="张王李村组补贴亩元 ，。:abc", max_size=6)


@given(st.lists(st.one_of(id_numbers(), phones, cards), min_size=1, max_size=4), filler)
def test_no_sensitive_digit_run_survives(numbers, words):
    masked = mask_text(f"{words}{' / '.join(numbers)}{words}")
    for number in numbers:
        assert number not in masked
    # at most four consecutive original digits remain anywhere
    assert not re.search(r"\d{5,}", masked)
    assert mask_text(masked) == masked  # idempotent
    assert not contains_sensitive(masked)


FULL_WIDTH = str.maketrans("0123456789X", "０１２３４５６７８９Ｘ")
# Between groups: ASCII and full-width blanks, dots and dashes, as people type them.
separators = st.sampled_from([" ", "\u3000", "  ", ".", "．", "-", "－", "\u2014", "\u00a0"])


@st.composite
def spelled(draw, number: str) -> str:
    """The number cut into groups at random places, joined by separators, maybe full-width."""
    cuts = sorted(draw(st.sets(st.integers(3, len(number) - 3), max_size=3)))
    parts = [number[a:b] for a, b in zip([0, *cuts], [*cuts, len(number)], strict=True)]
    text = parts[0]
    for part in parts[1:]:
        text += draw(separators) + part
    return text.translate(FULL_WIDTH) if draw(st.booleans()) else text


def spellings(numbers: st.SearchStrategy[str]) -> st.SearchStrategy[tuple[str, str]]:
    return numbers.flatmap(lambda n: spelled(n).map(lambda s: (n, s)))


@example(pair=("110000190001010000", "1100 0019 0001010000"), words="")  # 4-4-10: no card
@given(spellings(st.one_of(id_numbers(), phones)), filler)
def test_ids_and_phones_masked_in_any_spelling(pair, words):
    number, spelling = pair
    expected = mask_id(number) if len(number) == 18 else mask_phone(number[:3], number[-4:])
    masked = mask_text(f"{words}{spelling}{words}")
    assert masked == f"{words}{expected}{words}", spelling
    assert mask_text(masked) == masked
    assert not contains_sensitive(masked)


@st.composite
def grouped_cards(draw):
    number = draw(cards)
    groups = [number[i : i + 4] for i in range(0, len(number), 4)]
    sep = draw(separators)
    text = sep.join(groups)
    return number, text.translate(FULL_WIDTH) if draw(st.booleans()) else text


@given(grouped_cards(), filler)
def test_cards_masked_in_groups_of_four(pair, words):
    number, spelling = pair
    masked = mask_text(f"{words}，{spelling}，{words}")
    assert masked == f"{words}，**** {number[-4:]}，{words}", spelling


amounts = st.one_of(
    st.builds(lambda y, f: f"{y:,}.{f:02d}", st.integers(0, 10**9), st.integers(0, 99)),
    st.builds(lambda y, f: f"{y}.{f:02d}", st.integers(0, 10**9), st.integers(0, 99)),
)
dates = st.dates().map(lambda d: f"{d.year:04d}-{d.month:02d}-{d.day:02d}")
receipts = st.builds(lambda y, n: f"DT-{y}-{n:04d}", st.integers(2000, 2099), st.integers(0, 9999))
quantities = st.builds(lambda n, u: f"{n}{u}", st.integers(0, 10**6), st.sampled_from("亩户人元"))
ordinary = st.one_of(amounts, dates, receipts, quantities, st.integers(1900, 2100).map(str))


@given(st.lists(ordinary, min_size=1, max_size=4), st.sampled_from(["，", "、", "；", " / "]))
def test_ordinary_numbers_never_masked(values, joiner):
    text = joiner.join(values)
    assert mask_text(text) == text
    assert mask_text(text.translate(FULL_WIDTH)) == text.translate(FULL_WIDTH)


@given(st.text(alphabet="张王李赵陈欧阳秀英建国桂兰大海", min_size=2, max_size=5))
def test_masked_names_keep_only_first_and_last(name):
    masked = mask_name(name)
    assert len(masked) == len(name)
    assert masked[0] == name[0] and "*" in masked
    assert masked[1:-1] == "*" * (len(name) - 2) or len(name) == 2


def test_a_text_shown_again_is_masked_once_and_the_memory_is_bounded():
    """The public pages mask what they show at every request (issue 12 §3: a county's search
    hits are the same texts again and again): the masked form is remembered, a bounded number."""
    text = "联系人手机13812341234，身份证350102199001011234"
    mask_text.cache_clear()
    first, again = mask_text(text), mask_text(text)
    assert first == again == "联系人手机138****1234，身份证35*************234"
    info = mask_text.cache_info()
    assert (info.hits, info.misses, info.maxsize) == (1, 1, MASKED_KEPT)
