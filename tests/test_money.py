"""The amount parser: integer fen from what accountants type; ambiguity refused with a reason."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.services.money import AmountError, format_fen, parse_amount, parse_cell


@pytest.mark.parametrize(
    ("text", "fen"),
    [
        ("1,234.50", 123450),
        ("1234.5", 123450),
        ("¥1,234.50", 123450),
        ("￥1,234.50", 123450),
        ("1234.50元", 123450),
        ("RMB 12", 1200),
        ("１２３４．５", 123450),
        ("0", 0),
        ("0.01", 1),
        ("1,000,000", 100000000),
        (" 88 ", 8800),
    ],
)
def test_accepted_forms(text, fen):
    assert parse_amount(text) == fen


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("", "empty"),
        ("元", "empty"),
        ("1,23", "ambiguous"),
        ("1.234", "ambiguous"),
        ("1.234,50", "ambiguous"),
        ("12,34.5", "ambiguous"),
        ("-5", "negative"),
        ("(5.00)", "negative"),
        ("¥-5", "negative"),
        ("abc", "invalid"),
        ("1.2.3", "invalid"),
        ("1e5", "invalid"),
    ],
)
def test_refused_with_reason(text, reason):
    with pytest.raises(AmountError) as caught:
        parse_amount(text)
    assert caught.value.reason == reason


def test_negative_allowed_where_it_makes_sense():
    assert parse_amount("-1,234.50", allow_negative=True) == -123450
    assert parse_amount("(12)", allow_negative=True) == -1200


def test_spreadsheet_numbers_never_go_through_float_arithmetic():
    assert parse_cell(1234.5) == 123450
    with pytest.raises(AmountError):  # 0.30000000000000004: a float artefact, not money
        parse_cell(0.1 + 0.2)
    assert parse_cell(1200) == 120000
    with pytest.raises(AmountError):
        parse_cell(True)


fen_values = st.integers(min_value=0, max_value=10**13)


@given(fen_values)
def test_format_then_parse_round_trips(fen):
    text = format_fen(fen)
    assert parse_amount(text) == fen
    assert parse_amount(f"¥{text}") == fen
    assert parse_amount(f"{text}元") == fen
    assert parse_amount(text.replace(",", "")) == fen


@given(fen_values)
def test_negative_refused_unless_allowed(fen):
    text = "-" + format_fen(fen)
    if fen == 0:
        assert parse_amount(text) == 0
        return
    with pytest.raises(AmountError) as caught:
        parse_amount(text)
    assert caught.value.reason == "negative"
    assert parse_amount(text, allow_negative=True) == -fen


@given(st.text(max_size=20))
def test_any_text_is_a_number_or_a_reason_never_a_crash(text):
    try:
        fen = parse_amount(text)
    except AmountError as error:
        assert error.reason in {"empty", "ambiguous", "invalid", "negative", "too_large"}
    else:
        assert isinstance(fen, int) and fen >= 0


@given(st.integers(min_value=0, max_value=999), st.integers(min_value=1, max_value=99))
def test_comma_not_in_thousands_position_is_ambiguous(head, tail):
    with pytest.raises(AmountError) as caught:
        parse_amount(f"{head},{tail:02d}")
    assert caught.value.reason == "ambiguous"


@pytest.mark.parametrize("value", [None, "", "  ", "-", "—", "－", "/"])
def test_an_empty_ledger_cell_or_a_dash_is_zero_where_told(value):
    assert parse_cell(value, blank_zero=True) == 0
    with pytest.raises(AmountError):
        parse_cell(value)


@pytest.mark.parametrize(
    ("value", "fen"),
    [
        ("(1,200.00)", -120000),
        ("（1,200.00）", -120000),
        ("-1,200.00", -120000),
        ("¥1,200.00", 120000),
        ("1,200.00元", 120000),
        ("１，２００．００", 120000),
        (1200, 120000),
    ],
)
def test_amounts_as_accountants_write_them_in_a_ledger(value, fen):
    assert parse_cell(value, allow_negative=True, blank_zero=True) == fen


@given(st.integers(min_value=-(10**12), max_value=10**12))
def test_bracketed_negatives_round_trip(fen):
    text = format_fen(abs(fen))
    written = f"({text})" if fen < 0 else text
    assert parse_cell(written, allow_negative=True, blank_zero=True) == fen
