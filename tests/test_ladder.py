import datetime as dt

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pariah import dates, ladder
from pariah.exceptions import InvalidDate, InvalidLevel
from pariah.acts import ACTS
from pariah.ladder import Components, Level, Step

D = dt.date


def test_ladder_is_defined_once_in_order():
    assert [int(level) for level, _ in ladder.LEVELS] == [0, 1, 2, 3, 4, 5]
    assert ladder.LEVEL_NAMES == ("hostile", "none", "engaged", "missions", "ambassadors", "recognized")


@pytest.mark.parametrize("value,expected", [("ambassadors", Level.AMBASSADORS), ("4", Level.AMBASSADORS),
                                            (5, Level.RECOGNIZED), ("Recognized", Level.RECOGNIZED)])
def test_parse_level(value, expected):
    assert ladder.parse_level(value) == expected


def test_parse_level_rejects_unknown():
    with pytest.raises(InvalidLevel, match="embassy"):
        ladder.parse_level("embassy")


@pytest.mark.parametrize("value,first,last", [
    ("2024-01-30", D(2024, 1, 30), D(2024, 1, 30)),
    ("2024-02", D(2024, 2, 1), D(2024, 2, 29)),
    ("2023", D(2023, 1, 1), D(2023, 12, 31)),
])
def test_date_bounds_keep_precision(value, first, last):
    assert dates.date_bounds(value) == (first, last)


@pytest.mark.parametrize("value", ["2024-02-30", "2024-13", "24-01-01", "2024/01/01", "", "January 2024"])
def test_date_bounds_reject_bad_dates(value):
    with pytest.raises(InvalidDate):
        dates.date_bounds(value)


def level_after(*acts, on=D(2024, 6, 1)):
    c = Components()
    for act in acts:
        c = c.apply(act, D(2024, 1, 1))
    return c.level(on)


@pytest.mark.parametrize("acts,level", [
    ((), Level.NONE),
    (("designate",), Level.HOSTILE),
    (("impose_sanctions", "lift_sanctions"), Level.NONE),
    (("official_visit",), Level.ENGAGED),
    (("designate", "accept_envoy"), Level.MISSIONS),
    (("open_mission",), Level.MISSIONS),
    (("open_mission", "appoint_ambassador"), Level.AMBASSADORS),
    (("appoint_ambassador", "downgrade_mission"), Level.MISSIONS),
    (("appoint_ambassador", "close_mission"), Level.NONE),
    (("accept_ambassador", "expel_envoy"), Level.NONE),
    (("accept_ambassador", "accept_envoy"), Level.AMBASSADORS),
    (("recognize",), Level.RECOGNIZED),
    (("recognize", "withdraw_recognition"), Level.NONE),
    (("declare_nonrecognition", "other"), Level.NONE),
])
def test_acts_move_the_ladder(acts, level):
    assert level_after(*acts) == level


def test_hostile_flag_is_kept_beside_a_higher_level():
    c = Components().apply("designate", D(2022, 1, 1)).apply("accept_envoy", D(2023, 1, 1))
    assert c.hostile and c.level(D(2023, 2, 1)) == Level.MISSIONS


def test_contact_expires_after_twelve_months():
    c = Components().apply("host_visit", D(2023, 3, 15))
    assert c.level(D(2024, 3, 14)) == Level.ENGAGED
    assert c.level(D(2024, 3, 15)) == Level.NONE


def test_dyad_since_and_last_act():
    steps = ladder.sort_steps([
        Step(D(2022, 1, 10), "accept_envoy", "a"),
        Step(D(2023, 9, 13), "appoint_ambassador", "b"),
        Step(D(2024, 1, 30), "accept_ambassador", "c"),
    ])
    dyad = ladder.dyad_as_of("CHN", Components(), steps, D(2021, 8, 15), D(2024, 2, 1))
    assert dyad.level == Level.AMBASSADORS
    assert dyad.since == D(2023, 9, 13)
    assert dyad.last.act_id == "c"
    before = ladder.dyad_as_of("CHN", Components(), steps, D(2021, 8, 15), D(2023, 1, 1))
    assert before.level == Level.MISSIONS and before.since == D(2022, 1, 10)


def test_same_day_acts_apply_in_ladder_order():
    """Acts of one day apply in the order of the ACTS table, whatever order the file gives."""
    steps = ladder.sort_steps([Step(D(2020, 1, 1), "withdraw_recognition", "w"), Step(D(2020, 1, 1), "recognize", "r")])
    assert [s.act for s in steps] == ["recognize", "withdraw_recognition"]


def test_contact_expiry_appears_in_the_panel():
    steps = [Step(D(2022, 1, 1), "official_visit", "v")]
    grid = dates.date_grid(D(2021, 12, 1), D(2023, 2, 1), "month")
    levels = ladder.level_series(Components(), steps, D(2021, 8, 15), grid)
    as_dict = dict(zip(pd.DatetimeIndex(grid).strftime("%Y-%m"), levels.tolist()))
    assert as_dict["2021-12"] == 1 and as_dict["2022-01"] == 2 and as_dict["2022-12"] == 2
    assert as_dict["2023-01"] == 1 and as_dict["2023-02"] == 1


@st.composite
def histories(draw):
    n = draw(st.integers(0, 12))
    acts = list(ACTS)
    steps = [Step(D(2021, 8, 15) + dt.timedelta(days=draw(st.integers(-30, 1500))), draw(st.sampled_from(acts)), f"id{i}")
             for i in range(n)]
    initial = Components(recognition=draw(st.booleans()), mission=draw(st.sampled_from(ladder.MISSION_STATES)),
                         hosted=draw(st.sampled_from(ladder.HOSTED_STATES)), designated=draw(st.booleans()))
    return initial, ladder.sort_steps(steps)


@settings(max_examples=150, deadline=None)
@given(histories())
def test_panel_agrees_with_status_on_every_date(history):
    """The vectorized panel is the same function as the one-date status, evaluated everywhere."""
    initial, steps = history
    start = D(2021, 8, 15)
    grid = dates.date_grid(start, D(2026, 1, 1), "month")
    levels = ladder.level_series(initial, steps, start, grid)
    for day, level in zip(pd.DatetimeIndex(grid).date, levels):
        expected = ladder.dyad_as_of("X", initial, [s for s in steps if s.on <= day], start, day).level
        assert level == expected, (day, steps)


def test_use_force_makes_a_dyad_hostile_until_a_ceasefire():
    steps = ladder.sort_steps([Step(D(2025, 10, 12), "use_force"), Step(D(2025, 10, 19), "ceasefire")])
    start = D(2021, 8, 15)
    envoy = Components(hosted="ambassador")
    during = ladder.dyad_as_of("PAK", envoy, steps, start, D(2025, 10, 15))
    assert during.level == Level.AMBASSADORS and during.components.hostile   # hostile beside the level
    assert ladder.dyad_as_of("PAK", Components(), steps, start, D(2025, 10, 15)).level == Level.HOSTILE
    after = ladder.dyad_as_of("PAK", Components(), steps, start, D(2025, 10, 20))
    assert after.level == Level.NONE and not after.components.hostile
    assert ladder.dyad_as_of("PAK", Components(designated=True), steps, start, D(2025, 10, 20)).components.hostile


def test_a_ledger_migrated_before_use_force_accepts_it(tmp_path):
    from pariah.ledger import Ledger

    ledger = Ledger(f"sqlite:///{tmp_path / 'l.sqlite'}", bundled=False)
    with ledger.engine.begin() as conn:
        kinds = conn.exec_driver_sql("select sql from sqlite_master where name = 'acts'").scalar()
    assert "use_force" in kinds and "ceasefire" in kinds


def test_the_ledger_s_head_is_alembic_s():
    from importlib import resources

    from alembic.config import Config
    from alembic.script import ScriptDirectory

    from pariah.ledger import store

    config = Config(str(resources.files("pariah.ledger").joinpath("alembic.ini")))
    assert ScriptDirectory.from_config(config).get_current_head() == store.HEAD


def test_the_package_s_panel_function_is_not_shadowed_by_a_module():
    import pariah
    import pariah.panels  # noqa: F401  (the module of the ladder over a case)

    assert callable(pariah.panel) and callable(pariah.status) and pariah.panel.__module__ == "pariah.api"
