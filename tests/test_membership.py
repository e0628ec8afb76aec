"""Membership rules (DESIGN §2): one village per person, single-use expiring invites, audit."""

from __future__ import annotations

from datetime import timedelta

import pytest

from bot.config import parse_config
from bot.services.context import Context
from bot.services.membership import MembershipService, hash_code
from bot.services.people import Denied, ReplyTo
from storage import audit, invites, outbox, users
from storage.db import Store
from storage.times import utcnow

STAFF = 9001
HERE = ReplyTo(chat_id=77)


@pytest.fixture
def service(tmp_path):
    config = parse_config(
        {
            "township": {"staff": [STAFF]},
            "villages": [
                {"code": "qingshan", "name": "青山村"},
                {"code": "hexi", "name": "河西村"},
            ],
        },
        environ={},
    )
    store = Store(tmp_path / "v.db")
    svc = MembershipService(Context.build(config, store))
    svc.sync_config()
    with store.transaction() as db:
        for uid in (1, 2, 3):
            users.seen(db, uid, f"用户{uid}", None, None, "zh-hans")
    yield svc
    store.close()


def test_join_is_audited_and_refreshes_the_menu(service):
    village = service.join(service.person(1), "qingshan", HERE)
    assert village.name == "青山村"
    who = service.person(1)
    assert who.has("resident", "qingshan")
    assert audit.recent(service.store.db)[0].startswith("member.joined")
    queued = outbox.for_chat(service.store.db, 1)
    assert queued[-1].kind == "menu"
    assert queued[-1].chat_id == 1 and queued[-1].payload["everyone"] is False
    (answer,) = outbox.for_chat(service.store.db, 77)
    assert answer.priority == outbox.INTERACTIVE and "青山村" in answer.payload["text"]


def test_one_village_per_person(service):
    service.join(service.person(1), "qingshan", HERE)
    with pytest.raises(Denied) as denied:
        service.join(service.person(1), "hexi", HERE)
    assert denied.value.key == "join.other_village"


def test_invite_code_is_stored_hashed_and_works_once(service):
    staff = service.person(STAFF)
    issued = service.create_invite(staff, "official", "qingshan", "会计")
    assert invites.by_hash(service.store.db, issued.code) is None
    assert invites.by_hash(service.store.db, hash_code(issued.code)) is not None
    member = service.accept_invite(service.person(2), issued.code, HERE)
    assert (member.role, member.village_code, member.title) == ("official", "qingshan", "会计")
    with pytest.raises(Denied) as denied:
        service.accept_invite(service.person(3), issued.code, HERE)
    assert denied.value.key == "invite.used"
    notices = [m for m in outbox.for_chat(service.store.db, STAFF) if m.kind == "text"]
    assert "用户2" in notices[0].payload["text"]


def test_expired_and_wrong_village_invites_are_refused(service):
    staff = service.person(STAFF)
    issued = service.create_invite(staff, "supervisor", "qingshan", None)
    service.ctx.clock.set(utcnow() + timedelta(days=8))
    with pytest.raises(Denied) as denied:
        service.accept_invite(service.person(2), issued.code, HERE)
    assert denied.value.key == "invite.expired"
    service.ctx.clock.set(None)
    service.join(service.person(3), "hexi", HERE)
    with pytest.raises(Denied) as denied:
        service.accept_invite(service.person(3), issued.code, HERE)
    assert denied.value.key == "join.other_village"


def test_only_township_staff_invite_and_revoke(service):
    resident = service.person(1)
    with pytest.raises(Denied):
        service.create_invite(resident, "official", "qingshan", None)
    with pytest.raises(Denied):
        service.revoke(resident, "1", HERE)


def test_revoke_refuses_roles_from_the_config(service):
    staff = service.person(STAFF)
    with pytest.raises(Denied) as denied:
        service.revoke(staff, f"#{staff.roles[0].id}", HERE)
    assert denied.value.key == "revoke.from_config"


def test_config_staff_no_longer_listed_lose_the_role(service):
    from dataclasses import replace

    service.config = replace(service.config, township=replace(service.config.township, staff=()))
    service.sync_config()
    assert not service.person(STAFF).has("township")
