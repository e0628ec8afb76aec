"""Receipt numbers and category words (issue 4 §1), with property tests for the parser."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from bot.services.topics.text import (
    classify,
    find_link,
    format_receipt,
    parse_receipt,
    reason_from,
)


def test_receipt_format_and_lenient_parsing():
    assert format_receipt(2026, 42) == "DT-2026-0042"
    assert format_receipt(2026, 12345) == "DT-2026-12345"
    for typed in ("DT-2026-0042", "dt-2026-42", "DT2026-0042", " DT－2026－0042 ", "DT_2026_42"):
        assert parse_receipt(typed) == "DT-2026-0042", typed
    for bad in ("", "DT-26-1", "DT-2026-0", "XX-2026-0042", "DT-2026-0042x", "2026-0042"):
        assert parse_receipt(bad) is None, bad


@given(st.integers(1900, 2999), st.integers(1, 10**8 - 1))
def test_receipt_round_trip(year, number):
    receipt = format_receipt(year, number)
    assert parse_receipt(receipt) == receipt
    assert parse_receipt(receipt.lower()) == receipt
    assert len(receipt.rsplit("-", 1)[1]) >= 4


@given(st.text(max_size=40))
def test_parser_never_crashes_and_only_returns_canonical_receipts(text):
    found = parse_receipt(text)
    assert found is None or parse_receipt(found) == found


def test_one_shot_category_only_when_clearly_named():
    assert classify("今年的低保名单为什么没有公示？") == "lowincome"
    assert classify("村里的宅基地怎么分的") == "land"
    assert classify("修路工程花了多少钱") == "project"
    assert classify("村集体收入和修路工程的开支") == "other"  # names two: stays 其他
    assert classify("村里什么时候开会") == "other"


def test_reasons_and_links():
    assert reason_from("隐私") == "privacy" and reason_from("已公开") == "already_disclosed"
    assert reason_from("随便") is None
    assert find_link("见 https://example.org/d/12。谢谢") == "https://example.org/d/12"
    assert find_link("没有链接") is None
