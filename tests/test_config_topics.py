"""The [topics] section of the config: defaults, routes and one ConfigError per mistake."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import pytest

from bot.config import ConfigError, TopicRoute, TopicsConfig, load_config, parse_config

EXAMPLE = Path(__file__).resolve().parent.parent / "config.example.toml"
MINIMAL = {"villages": [{"code": "qingshan", "name": "青山村"}]}


def parse(**topics: Any):
    data = copy.deepcopy(MINIMAL)
    data["topics"] = topics
    return parse_config(data, environ={})


def error_for(**topics: Any) -> ConfigError:
    with pytest.raises(ConfigError) as info:
        parse(**topics)
    return info.value


def test_defaults_follow_the_issue():
    topics = parse_config(MINIMAL, environ={}).topics
    assert topics == TopicsConfig()
    assert (topics.answer_working_days, topics.extension_max_working_days) == (10, 10)
    assert (topics.hard_cap_calendar_days, topics.daily_limit_per_resident) == (30, 5)
    assert (topics.auto_close_days, topics.digest_hour_minute) == (7, (8, 30))
    assert topics.wall_chat_id is None and topics.joint_threshold_ratio == 0.1
    assert topics.routes == ()


def test_example_file_documents_the_section():
    config = load_config(EXAMPLE, environ={})
    assert config.topics == TopicsConfig()
    text = EXAMPLE.read_text(encoding="utf-8")
    for key in ("answer_working_days", "digest_time", "wall_chat_id", "[[topics.routes]]"):
        assert key in text


def test_values_and_routes():
    topics = parse(
        answer_working_days=15,
        digest_time="07:05",
        wall_chat_id=-100123,
        joint_threshold_ratio=0.2,
        routes=[{"village": "qingshan", "category": "finance", "user_id": 42}],
    ).topics
    assert topics.answer_working_days == 15 and topics.digest_hour_minute == (7, 5)
    assert topics.wall_chat_id == -100123 and topics.joint_threshold_ratio == 0.2
    assert topics.routes == (TopicRoute("qingshan", "finance", 42),)


@pytest.mark.parametrize(
    ("values", "key", "words"),
    [
        ({"answer_working_days": 0}, "topics.answer_working_days", "between"),
        ({"answer_working_days": "10"}, "topics.answer_working_days", "an integer"),
        ({"digest_time": "8:30"}, "topics.digest_time", "HH:MM"),
        ({"digest_time": "24:00"}, "topics.digest_time", "HH:MM"),
        ({"wall_chat_id": 0}, "topics.wall_chat_id", "must not be 0"),
        ({"joint_threshold_ratio": 2}, "topics.joint_threshold_ratio", "between"),
        ({"daily_limit": 5}, "topics.daily_limit", "did you mean"),
        ({"routes": {"village": "qingshan"}}, "topics.routes", "array of tables"),
        (
            {"routes": [{"village": "nowhere", "category": "finance", "user_id": 1}]},
            "topics.routes[0].village",
            "no [[villages]]",
        ),
        (
            {"routes": [{"village": "qingshan", "category": "money", "user_id": 1}]},
            "topics.routes[0].category",
            "must be one of",
        ),
        (
            {"routes": [{"village": "qingshan", "category": "land"}]},
            "topics.routes[0].user_id",
            "missing",
        ),
        (
            {
                "routes": [
                    {"village": "qingshan", "category": "land", "user_id": 1},
                    {"village": "qingshan", "category": "land", "user_id": 2},
                ]
            },
            "topics.routes[1].category",
            "duplicate",
        ),
    ],
)
def test_each_mistake_names_its_key(values, key, words):
    error = error_for(**values)
    assert error.key == key and words in error.message, str(error)
