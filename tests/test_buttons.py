"""The one button router: every button the bot sends reaches its handler; anything else is
refused (by the wing for a malformed `tp:` button, by the fallback otherwise)."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from handlers import everyone
from handlers.disclosures import draft_commands, reading_commands, review_commands
from handlers.registry import BUTTONS
from handlers.topics import topic_buttons


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        ("join:qingshan", everyone.join_pressed),
        ("join:-", everyone.join_pressed),
        ("lang:en", everyone.language_pressed),
        ("leave:yes", everyone.leave_pressed),
        ("dkind:finance", draft_commands.kind_pressed),
        ("dper:2026Q3", draft_commands.period_pressed),
        ("dapp:12:3", review_commands.approve_pressed),
        ("dexp:7:csv", reading_commands.export_pressed),
        ("tp:s:5", topic_buttons.support_pressed),
    ],
)
def test_buttons_reach_their_handler(data, expected):
    assert BUTTONS.route(data) is expected


TOPIC_BUTTONS = (
    *("tp:cat:road", "tp:ok", "tp:no", "tp:a:5", "tp:d:5", "tp:dr:5:privacy", "tp:x:5"),
    *("tp:t:5", "tp:tt:5:1001", "tp:xa:3", "tp:xr:3", "tp:r:5:2:s"),
    *("tp:fw:5", "tp:fa:5", "tp:ms:5", "tp:mg"),
)
STALE = (
    *("", "join:Nowhere!", "leave:maybe", "dsub:x", "dexp:1:pdf", "dapp:1", "tp:abcd:1", "x" * 64),
    *("dkind", "revoke:1", "admin:grant", "tp:a:1:2:3:4", "dsub:1\n"),
)


@pytest.mark.parametrize("data", TOPIC_BUTTONS)
def test_topic_buttons_reach_their_action(data):
    action = data.split(":")[1]
    route = next(r for r in topic_buttons.BUTTONS if r.prefix == f"tp:{action}")
    assert BUTTONS.route(data) is route.callback


@pytest.mark.parametrize("data", ["tp:zz:1", "tp:a", "tp:dr:5:x:y"])
def test_malformed_topic_buttons_are_refused_by_the_topics_wing(data):
    """Today's answer to them: the wing's own `topics.stale` refusal, not the fallback's."""
    assert BUTTONS.route(data) in {r.callback for r in topic_buttons.BUTTONS}


@pytest.mark.parametrize("data", STALE)
def test_anything_else_is_a_stale_button(data):
    assert BUTTONS.route(data) is everyone.stale_button


@given(st.text(max_size=70))
def test_every_press_has_exactly_one_handler(data):
    assert callable(BUTTONS.route(data))
