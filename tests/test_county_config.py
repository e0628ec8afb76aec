"""A whole county on one instance (issue 13 §1): [county] and [[townships]] in the config file,
and old single-township files loading unchanged."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import pytest

from bot.config import ConfigError, load_config, parse_config
from bot.config.sections import SOLE_TOWNSHIP

EXAMPLE = Path(__file__).resolve().parent.parent / "config.example.toml"
COUNTY: dict[str, Any] = {
    "county": {"name": "示范县", "staff": [7001], "digest_weekday": 1},
    "townships": [
        {"code": "shifan", "name": "示范镇", "staff": [9001]},
        {"code": "nanshan", "name": "南山乡", "staff": [9101]},
    ],
    "villages": [
        {"code": "qingshan", "name": "青山村", "township": "shifan"},
        {"code": "hexi", "name": "河西村", "township": "shifan"},
        {"code": "taoyuan", "name": "桃源村", "township": "nanshan"},
    ],
}


def county(**change: Any) -> dict[str, Any]:
    data = copy.deepcopy(COUNTY)
    data.update(change)
    return data


def error_for(data: dict[str, Any]) -> ConfigError:
    with pytest.raises(ConfigError) as info:
        parse_config(data, environ={})
    return info.value


def test_a_county_declares_townships_and_each_village_names_its_own():
    config = parse_config(COUNTY, environ={})
    assert config.is_county
    assert config.county_name == "示范县"
    assert [t.code for t in config.all_townships] == ["shifan", "nanshan"]
    assert config.township_of("taoyuan").name == "南山乡"
    assert config.township_of("qingshan").staff == (9001,)
    assert config.township_of("nowhere") is None


def test_an_old_single_township_file_is_the_one_township():
    config = load_config(EXAMPLE, environ={})
    assert not config.is_county and config.townships == ()
    (sole,) = config.all_townships
    assert (sole.code, sole.name, sole.staff) == (SOLE_TOWNSHIP, "示范镇", ())
    assert {config.township_of(v.code).code for v in config.villages} == {SOLE_TOWNSHIP}
    assert config.county_name == config.township.name


@pytest.mark.parametrize(
    ("change", "key", "words"),
    [
        (
            {"villages": [{"code": "qingshan", "name": "青山村"}]},
            "villages[0].township",
            "required when [[townships]] exist",
        ),
        (
            {"villages": [{"code": "qingshan", "name": "青山村", "township": "beishan"}]},
            "villages[0].township",
            "no [[townships]] has code 'beishan'",
        ),
        (
            {"townships": [{"code": "shifan", "name": "甲"}, {"code": "shifan", "name": "乙"}]},
            "townships[1].code",
            "duplicate code",
        ),
        (
            {
                "townships": [
                    {"code": "shifan", "name": "示范镇", "staff": [9001]},
                    {"code": "nanshan", "name": "南山乡", "staff": [9001]},
                ]
            },
            "townships[1].staff",
            "already staff of townships[0]",
        ),
        ({"county": {"staff": [9101]}}, "county.staff", "already township staff"),
        ({"township": {"staff": [9001]}}, "township.staff", "must be empty"),
        ({"county": {"digest_weekday": 8}}, "county.digest_weekday", "between 1 and 7"),
        ({"townships": [{"code": "Bad Code", "name": "x"}]}, "townships[0].code", "a-z 0-9"),
    ],
)
def test_county_mistakes_are_named_by_key(change, key, words):
    error = error_for(county(**change))
    assert error.key == key and words in error.message, error


def test_a_village_may_not_name_a_township_when_none_are_declared():
    data = {"villages": [{"code": "qingshan", "name": "青山村", "township": "shifan"}]}
    error = error_for(data)
    assert (error.key, error.message) == ("villages[0].township", "no [[townships]] are declared")


def test_county_staff_may_not_be_the_single_townships_staff():
    data = {
        "township": {"staff": [9001]},
        "county": {"staff": [9001]},
        "villages": [{"code": "qingshan", "name": "青山村"}],
    }
    assert error_for(data).key == "county.staff"
