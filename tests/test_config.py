"""Tests for bot.config: loading, defaults, and one ConfigError per kind of mistake."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.config import (
    Config,
    ConfigError,
    check_config_main,
    load_config,
    parse_config,
)
from tests.test_config_example import declared

EXAMPLE = Path(__file__).resolve().parent.parent / "config.example.toml"
MINIMAL = {"villages": [{"code": "qingshan", "name": "青山村"}]}
NO_ENV: dict[str, str] = {}


def parse(data: dict[str, Any], **kw: Any) -> Config:
    return parse_config(data, environ=kw.pop("environ", NO_ENV), **kw)


def with_section(section: str, **values: Any) -> dict[str, Any]:
    data = copy.deepcopy(MINIMAL)
    data[section] = values
    return data


def error_for(data: Any) -> ConfigError:
    with pytest.raises(ConfigError) as info:
        parse(data)
    return info.value


@pytest.fixture
def write(tmp_path: Path):
    def _write(text: str, name: str = "config.toml") -> Path:
        path = tmp_path / name
        path.write_text(text, encoding="utf-8")
        return path

    return _write


VILLAGE = '[[villages]]\ncode = "qingshan"\nname = "青山村"\n'


# --------------------------------------------------------------------------- happy paths


def test_example_loads() -> None:
    config = load_config(EXAMPLE, environ=NO_ENV)
    assert [v.code for v in config.villages] == ["qingshan", "hexi", "dongling"]
    assert [v.name for v in config.villages] == ["青山村", "河西村", "东岭村"]
    assert config.villages[0].chat_id == -1001234567890
    assert config.villages[2].chat_id is None
    assert config.source == str(EXAMPLE)
    assert config.storage.path == str(EXAMPLE.parent / "data" / "village.db")
    assert not config.telegram.has_token


def test_defaults() -> None:
    config = parse(MINIMAL)
    tg = config.telegram
    assert (tg.token, tg.base_url, tg.base_file_url, tg.mode) == ("", "", "", "polling")
    assert (tg.webhook_url, tg.webhook_secret) == ("", "")
    assert (tg.webhook_path, tg.poll_timeout, tg.has_token) == ("/telegram/webhook", 30, False)
    assert config.storage.path == "data/village.db"  # no base_dir: kept as written
    assert (config.web.host, config.web.port) == ("127.0.0.1", 8080)
    assert config.web.public_url == "http://127.0.0.1:8080"
    ts = config.township
    assert (ts.name, ts.timezone, ts.staff, ts.default_language) == (
        "示范镇",
        "Asia/Shanghai",
        (),
        "zh-CN",
    )
    assert ts.tz == ZoneInfo("Asia/Shanghai")
    assert config.invites.ttl_days == 7
    ob = config.outbox
    assert (ob.global_per_second, ob.group_per_minute, ob.max_attempts) == (25, 20, 8)
    assert ob.private_interval_seconds == 1.0
    assert config.source == "<config>"
    assert config.village("qingshan") is config.villages[0]
    assert config.village("nope") is None


def test_config_is_frozen() -> None:
    config = parse(MINIMAL)
    with pytest.raises(AttributeError):
        config.web.port = 1  # type: ignore[misc]


def test_values_are_converted() -> None:
    data = with_section("township", staff=[42, 7])
    data["outbox"] = {"private_interval_seconds": 2}
    config = parse(data)
    assert config.township.staff == (42, 7)
    assert config.outbox.private_interval_seconds == 2.0
    assert isinstance(config.outbox.private_interval_seconds, float)


def test_env_token_overrides(write) -> None:
    path = write('[telegram]\ntoken = "from-file"\n' + VILLAGE)
    assert load_config(path, environ={}).telegram.token == "from-file"
    assert load_config(path, environ={"VILLAGE_BOT_TOKEN": ""}).telegram.token == "from-file"
    config = load_config(path, environ={"VILLAGE_BOT_TOKEN": "123:abc"})
    assert config.telegram.token == "123:abc"
    assert config.telegram.has_token


def test_env_defaults_to_os_environ(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("VILLAGE_BOT_TOKEN", "999:xyz")
    assert parse_config(MINIMAL).telegram.token == "999:xyz"


def test_relative_storage_path_resolves_against_config_dir(
    tmp_path: Path, write, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = write('[storage]\npath = "db/v.db"\n' + VILLAGE)
    monkeypatch.chdir(tmp_path.parent)  # a relative config path must still work
    config = load_config(Path(tmp_path.name) / path.name, environ=NO_ENV)
    assert config.storage.path == str(tmp_path / "db" / "v.db")


def test_absolute_and_memory_storage_paths_kept(tmp_path: Path, write) -> None:
    target = tmp_path / "elsewhere" / "x.db"
    path = write(f'[storage]\npath = "{target.as_posix()}"\n' + VILLAGE)
    assert load_config(path, environ=NO_ENV).storage.path == str(target)
    path = write('[storage]\npath = ":memory:"\n' + VILLAGE, "mem.toml")
    assert load_config(path, environ=NO_ENV).storage.path == ":memory:"


def test_base_file_url_derived() -> None:
    config = parse(with_section("telegram", base_url="http://127.0.0.1:8081/bot"))
    assert config.telegram.base_file_url == "http://127.0.0.1:8081/file/bot"
    config = parse(
        with_section("telegram", base_url="http://a/bot", base_file_url="http://b/file/bot")
    )
    assert config.telegram.base_file_url == "http://b/file/bot"


def test_public_url_default_follows_host_and_port() -> None:
    assert parse(with_section("web", host="0.0.0.0", port=0)).web.public_url == "http://0.0.0.0:0"
    assert parse(with_section("web", host="::1")).web.public_url == "http://[::1]:8080"
    url = parse(with_section("web", public_url="https://cun.example.cn/")).web.public_url
    assert url == "https://cun.example.cn"


def test_webhook_mode_ok() -> None:
    config = parse(
        with_section(
            "telegram",
            mode="webhook",
            webhook_url="https://bot.example.cn/telegram/webhook",
            webhook_secret="s3cret_-X",
        )
    )
    assert config.telegram.mode == "webhook"
    local = with_section(
        "telegram", mode="webhook", webhook_url="http://127.0.0.1:8080/hook", webhook_secret="x"
    )
    assert parse(local).telegram.webhook_url == "http://127.0.0.1:8080/hook"


# --------------------------------------------------------------------------- errors


def test_error_str_format() -> None:
    err = ConfigError("web.port", "boom", "conf.toml")
    assert (err.key, err.source, err.message) == ("web.port", "conf.toml", "boom")
    assert str(err) == "conf.toml: web.port: boom"


def test_wrong_type() -> None:
    err = error_for(with_section("web", port="80"))
    assert err.key == "web.port"
    assert "expected an integer" in str(err) and "string" in str(err)


def test_bool_is_not_an_int() -> None:
    err = error_for(with_section("invites", ttl_days=True))
    assert err.key == "invites.ttl_days"
    assert "boolean" in err.message


def test_section_must_be_table() -> None:
    assert error_for(dict(MINIMAL, web=5)).key == "web"


def test_unknown_top_level_key() -> None:
    err = error_for(dict(MINIMAL, telegarm={}))
    assert err.key == "telegarm"
    assert "unknown key" in err.message and "telegram" in err.message


def test_unknown_nested_key() -> None:
    err = error_for(with_section("telegram", tokne="x"))
    assert err.key == "telegram.tokne"
    assert str(err) == "<config>: telegram.tokne: unknown key (did you mean 'token'?)"
    err = error_for({"villages": [{"code": "ab", "name": "A", "chat": 1}]})
    assert err.key == "villages[0].chat"


def test_missing_villages() -> None:
    assert error_for({}).key == "villages"
    assert error_for({"villages": []}).key == "villages"


def test_missing_village_code() -> None:
    err = error_for({"villages": [{"code": "ab", "name": "A"}, {"name": "河西村"}]})
    assert err.key == "villages[1].code"
    assert "missing" in err.message


def test_duplicate_village_code() -> None:
    villages = [{"code": c, "name": c} for c in ("qingshan", "hexi", "qingshan")]
    err = error_for({"villages": villages})
    assert err.key == "villages[2].code"
    assert "duplicate" in err.message and "villages[0]" in err.message


@pytest.mark.parametrize("code", ["QingShan", "qing-shan", "q", "x" * 33, "青山", "a b", "ab\n"])
def test_bad_village_code(code: str) -> None:
    err = error_for({"villages": [{"code": code, "name": "青山村"}]})
    assert err.key == "villages[0].code"


def test_bad_staff_entry() -> None:
    assert error_for(with_section("township", staff=[1, 0])).key == "township.staff[1]"
    assert error_for(with_section("township", staff=[1, "2"])).key == "township.staff[1]"
    assert error_for(with_section("township", staff=5)).key == "township.staff"


def test_bad_time_zone() -> None:
    err = error_for(with_section("township", timezone="Asia/Beijing"))
    assert err.key == "township.timezone"
    assert "time zone" in err.message


@pytest.mark.parametrize(
    ("section", "values", "key"),
    [
        ("telegram", {"mode": "push"}, "telegram.mode"),
        ("telegram", {"poll_timeout": 51}, "telegram.poll_timeout"),
        ("telegram", {"base_url": "ftp://x/bot"}, "telegram.base_url"),
        ("telegram", {"webhook_path": "hook"}, "telegram.webhook_path"),
        ("web", {"port": 65536}, "web.port"),
        ("web", {"public_url": "cun.example.cn"}, "web.public_url"),
        ("township", {"name": "  "}, "township.name"),
        ("township", {"default_language": "zh"}, "township.default_language"),
        ("invites", {"ttl_days": 0}, "invites.ttl_days"),
        ("outbox", {"private_interval_seconds": float("nan")}, "outbox.private_interval_seconds"),
        ("storage", {"path": ""}, "storage.path"),
    ],
)
def test_out_of_range_values(section: str, values: dict[str, Any], key: str) -> None:
    assert error_for(with_section(section, **values)).key == key


def test_webhook_mode_requires_url() -> None:
    err = error_for(with_section("telegram", mode="webhook", webhook_secret="abc"))
    assert err.key == "telegram.webhook_url"
    assert "missing" in err.message


def test_webhook_mode_requires_secret() -> None:
    err = error_for(with_section("telegram", mode="webhook", webhook_url="https://a.cn/h"))
    assert err.key == "telegram.webhook_secret"


def test_webhook_url_must_be_https() -> None:
    data = with_section(
        "telegram", mode="webhook", webhook_url="http://bot.example.cn/h", webhook_secret="abc"
    )
    assert error_for(data).key == "telegram.webhook_url"


def test_webhook_secret_charset() -> None:
    data = with_section(
        "telegram", mode="webhook", webhook_url="https://a.cn/h", webhook_secret="no spaces!"
    )
    assert error_for(data).key == "telegram.webhook_secret"


def test_first_error_wins() -> None:
    data = {"telegram": {"mode": "x"}, "web": {"port": "x"}}
    assert error_for(data).key == "telegram.mode"


def test_toml_syntax_error(write) -> None:
    path = write('[telegram]\ntoken = "unterminated\n' + VILLAGE)
    with pytest.raises(ConfigError) as info:
        load_config(path, environ=NO_ENV)
    err = info.value
    assert err.key == "(syntax)"
    assert err.source == str(path)
    assert "line 2" in err.message


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(ConfigError) as info:
        load_config(tmp_path / "nope.toml")
    assert "not found" in str(info.value)


def test_error_names_source_file(write) -> None:
    path = write("[web]\nport = 0.5\n" + VILLAGE)
    with pytest.raises(ConfigError, match=r"config\.toml: web\.port: expected an integer"):
        load_config(path, environ=NO_ENV)


# --------------------------------------------------------------------------- check-config


def test_check_config_main_ok(capsys: pytest.CaptureFixture[str]) -> None:
    assert check_config_main(str(EXAMPLE)) == 0
    out, err = capsys.readouterr()
    assert out.startswith("OK: ") and "qingshan, hexi, dongling" in out
    assert err == ""


def test_check_config_main_error(write, capsys: pytest.CaptureFixture[str]) -> None:
    path = write("[web]\nprot = 80\n" + VILLAGE)
    assert check_config_main(str(path)) == 2
    out, err = capsys.readouterr()
    assert out == ""
    assert "web.prot" in err and "unknown key" in err


def test_check_config_main_never_prints_token(write, capsys, monkeypatch) -> None:
    monkeypatch.delenv("VILLAGE_BOT_TOKEN", raising=False)
    path = write('[telegram]\ntoken = "123:SECRET"\n' + VILLAGE)
    assert check_config_main(str(path)) == 0
    assert "SECRET" not in capsys.readouterr().out


# --------------------------------------------------------------------------- property

# Every key of every table the file may hold (``villages`` stands for its first table).
FIELDS = [
    (table, key)
    for table, keys in declared().items()
    if table != "topics.routes"
    for key in [*keys, None]  # None: replace the whole table
]

JUNK = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats()
    | st.text()
    | st.sampled_from(["webhook", "polling", "Asia/Shanghai", "http://[::1", "http://a:x", "/"])
    | st.datetimes()
    | st.dates()
    | st.times(),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner),
    max_leaves=6,
)


@settings(max_examples=300, deadline=None)
@given(field=st.sampled_from(FIELDS), junk=JUNK)
def test_junk_values_raise_only_config_error(field: tuple[str, str | None], junk: Any) -> None:
    section, key = field
    data: dict[str, Any] = copy.deepcopy(MINIMAL)
    target = data["villages"][0] if section == "villages" else data.setdefault(section, {})
    if key is None:
        data[section] = junk
    else:
        target[key] = junk
    try:
        config = parse(data)
    except ConfigError as err:
        assert err.key and err.message  # a dotted key and a reason, never another exception
    else:
        assert isinstance(config, Config)
