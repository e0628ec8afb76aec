"""Masking (DESIGN §6, SEC-03): ID 35*************123, phone 138****1234, card **** 1234."""

from __future__ import annotations

import re

from hypothesis import given
from hypothesis import strategies as st

from bot.services.masking import contains_sensitive, mask_name, mask_text


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


@given(st.text(alphabet="张王李赵陈欧阳秀英建国桂兰大海", min_size=2, max_size=5))
def test_masked_names_keep_only_first_and_last(name):
    masked = mask_name(name)
    assert len(masked) == len(name)
    assert masked[0] == name[0] and "*" in masked
    assert masked[1:-1] == "*" * (len(name) - 2) or len(name) == 2
