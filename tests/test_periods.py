"""The one period parser: every way people write a quarter, month, year or day (DESIGN §4)."""

from __future__ import annotations

import unicodedata
from datetime import date

from hypothesis import given
from hypothesis import strategies as st

from bot.core.periods import Period, parse_period, previous_quarter, quarter_of

YEARS = st.integers(2000, 2099)
CN = "一二三四"


def full_width(text: str) -> str:
    """The same text typed with a Chinese input method: full-width digits and letters."""
    return "".join(chr(ord(c) + 0xFEE0) if "!" <= c <= "~" else c for c in text)


def quarter_spellings(year: int, q: int) -> list[str]:
    return [
        f"{year}Q{q}",
        f"{year}q{q}",
        f"{year} Q{q}",
        f"{year}年第{q}季度",
        f"{year}年第{CN[q - 1]}季度",
        f"{year}年{CN[q - 1]}季度",
        f"{year}年第{q}季",
    ]


def month_spellings(year: int, m: int) -> list[str]:
    return [f"{year}-{m:02d}", f"{year}-{m}", f"{year}/{m}", f"{year}年{m}月", f"{year}年{m:02d}月"]


def day_spellings(day: date) -> list[str]:
    y, m, d = day.year, day.month, day.day
    return [day.isoformat(), f"{y}/{m}/{d}", f"{y}-{m}-{d}", f"{y}年{m}月{d}日"]


def assert_all_read_as(spellings: list[str], expected: Period) -> None:
    for text in spellings:
        for typed in (text, full_width(text), f"  {text} "):
            assert unicodedata.normalize("NFKC", full_width(text)) == text
            assert parse_period(typed) == expected, typed


@given(YEARS, st.integers(1, 4))
def test_every_spelling_of_a_quarter_reads_the_same(year, q):
    expected = parse_period(f"{year}Q{q}")
    assert expected is not None and expected.kind == "quarter" and expected.text == f"{year}Q{q}"
    assert expected.first == date(year, 3 * q - 2, 1) and expected.last.month == 3 * q
    assert_all_read_as(quarter_spellings(year, q), expected)


@given(YEARS, st.integers(1, 12))
def test_every_spelling_of_a_month_reads_the_same(year, m):
    expected = Period.month(year, m)
    assert expected.text == f"{year}-{m:02d}" and expected.first == date(year, m, 1)
    assert_all_read_as(month_spellings(year, m), expected)


@given(st.dates(date(2000, 1, 1), date(2099, 12, 31)))
def test_every_spelling_of_a_day_reads_the_same(day):
    assert_all_read_as(day_spellings(day), Period.day(day))


@given(YEARS)
def test_a_year_alone_is_the_whole_year(year):
    assert_all_read_as([str(year), f"{year}年"], Period.whole_year(year))


@given(st.integers(0, 9999).filter(lambda y: not 2000 <= y <= 2099), st.integers(1, 4))
def test_years_outside_the_range_are_refused(year, q):
    for text in (f"{year:04d}Q{q}", f"{year:04d}", f"{year:04d}-01", f"{year:04d}-01-01"):
        assert parse_period(text) is None


@given(st.text(max_size=14))
def test_junk_is_none_or_a_coherent_period(text):
    period = parse_period(text)
    if period is not None:
        assert period.first <= period.last and parse_period(period.text) == period


def test_nonsense_is_refused():
    for text in ("", "去年", "2026Q5", "2026-13", "2026-02-30", "2026年第五季度", "Q3", None):
        assert parse_period(text) is None


@given(st.dates(date(2000, 4, 1), date(2099, 12, 31)))
def test_quarters_of_a_day(day):
    this = quarter_of(day)
    assert this.first <= day <= this.last
    before = previous_quarter(day)
    assert before.kind == "quarter" and (this.first - before.last).days == 1


def test_first_quarter_follows_the_previous_year():
    assert previous_quarter(date(2026, 2, 3)).text == "2025Q4"
