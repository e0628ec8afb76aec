"""The county's township figures and a township's /stats, remembered under the county's and
each township's version (m026, issue 12 §3), equal a fresh sum after every kind of change, and
only the township that changed is summed again."""

from __future__ import annotations

import shutil
from collections import OrderedDict
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from sqlite_utils import Database

from bench.county.county_db import Shape, config_data, database
from bot.config import parse_config
from bot.core.periods import parse_period
from bot.services import county as county_module
from bot.services import figure_memory
from bot.services.bundle import Services
from storage.db import Store
from tests.test_county_figure_memory import CHANGES
from tests.test_county_figures import NOW

SHAPE = Shape.county(0.01)  # three villages: v000 and v001 in township "za", v002 in "zb"
QUARTER = parse_period("2026Q4")
STAFF = (900_001, 900_002)  # of township za, of zb


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return database(SHAPE, NOW, cache=tmp_path_factory.mktemp("cache"))


def _two_townships(data: dict) -> dict:
    """The generated config, its villages split between two townships of a county."""
    data = {k: v for k, v in data.items() if k != "township"}
    data["county"] = {"name": "基准县", "staff": [900_900]}
    data["townships"] = [
        {"code": "za", "name": "甲镇", "staff": [900_001]},
        {"code": "zb", "name": "乙镇", "staff": [900_002]},
    ]
    for village in data["villages"]:
        village["township"] = "zb" if village["code"] == "v002" else "za"
    return data


@pytest.fixture
def services(generated: Path, tmp_path: Path) -> Iterator[Services]:
    path = tmp_path / "county.db"
    shutil.copy(generated, path)
    data = _two_townships({"telegram": {"token": "1:T"}, **config_data(SHAPE, path)})
    built = Services.build(parse_config(data, environ={}), Store(path))
    built.membership.sync_config()
    yield built
    built.heavy.close()
    built.store.close()


def _figures(services: Services) -> tuple:
    """The county's township figures and each township's /stats, as their staff ask it."""
    stats = [services.topics.reporting.stats(services.membership.person(uid), []) for uid in STAFF]
    return services.county.figures(QUARTER), stats


def _fresh(services: Services, monkeypatch: pytest.MonkeyPatch) -> tuple:
    """The figures summed from a direct count, nothing remembered."""
    kept = figure_memory._memory
    monkeypatch.setattr(figure_memory, "_memory", OrderedDict())
    try:
        return _figures(services)
    finally:
        monkeypatch.setattr(figure_memory, "_memory", kept)


def _rename(db: Database) -> None:
    db.execute("UPDATE townships SET name = '丙镇' WHERE code = 'zb'")


def _move_village(db: Database) -> None:
    db.execute("UPDATE villages SET township_code = 'zb' WHERE code = 'v001'")


def _leave(db: Database) -> None:
    db.execute("UPDATE villages SET active = 0 WHERE code = 'v000'")


GROUP_CHANGES: dict[str, Callable[[Database], None]] = {
    **{name: change for name, (change, _) in CHANGES.items()},
    "township renamed": _rename,
    "village moved to another township": _move_village,
    "village left": _leave,
}


@pytest.mark.parametrize("name", list(GROUP_CHANGES))
def test_remembered_township_figures_follow_every_change(
    services: Services, monkeypatch: pytest.MonkeyPatch, name: str
) -> None:
    before = _figures(services)  # remembered from here on
    assert before == _fresh(services, monkeypatch)
    with services.store.transaction() as db:
        GROUP_CHANGES[name](db)
    after = _figures(services)
    assert after == _fresh(services, monkeypatch), name


def test_a_rolled_back_change_leaves_no_sums_behind(
    services: Services, monkeypatch: pytest.MonkeyPatch
) -> None:
    before = _figures(services)
    with pytest.raises(KeyError), services.store.transaction(handling=False) as db:
        _move_village(db)
        assert _figures(services) != before  # summed inside, then rolled back
        raise KeyError
    assert _figures(services) == before == _fresh(services, monkeypatch)
    with services.store.transaction() as db:
        _rename(db)  # a later change must not find the rolled-back sums current
    assert _figures(services) == _fresh(services, monkeypatch)


def test_only_the_township_that_changed_is_summed_again(
    services: Services, monkeypatch: pytest.MonkeyPatch
) -> None:
    summed: list[str] = []
    township = county_module.CountyService._township

    def spy(self: object, found: object, *args: object) -> object:
        summed.append(found.code)
        return township(self, found, *args)

    monkeypatch.setattr(county_module.CountyService, "_township", spy)
    monkeypatch.setattr(figure_memory, "_memory", OrderedDict())
    first = services.county.figures(QUARTER)
    assert sorted(summed) == ["za", "zb"]
    assert services.county.figures(QUARTER) == first and len(summed) == 2  # nothing changed
    with services.store.transaction() as db:
        CHANGES["urge"][0](db)  # a topic of v001, in township za
    services.county.figures(QUARTER)
    assert summed[2:] == ["za"]
