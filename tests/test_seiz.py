"""The second indicator model, SEIZ, through the engine's indicator seam.

Its trajectory is checked against cases with a closed form worked out by hand
(a pure spreader-contact model is the logistic curve; pure forgetting is an
exponential decay), its crossings against the logistic's, and a scenario that
uses it against the times the model itself gives.
"""

from __future__ import annotations

import math
from pathlib import Path

import pytest

from exercise.engine import log_to_jsonl
from exercise.engine.dynamics import DYNAMICS, start
from exercise.engine.indicators import IndicatorState, Linear
from exercise.engine.seiz import Seiz
from exercise.engine.world import _EPS
from exercise.scenario import load_scenario
from exercise.scenario.models import Indicator
from exercise.session.headless import simulate

ROOT = Path(__file__).resolve().parents[1]
PER_MINUTE = 1 / 60


def narrative(initial: float = 0.001, **settings: float) -> Indicator:
    return Indicator.model_validate({"id": "n", "name": "N", "domain": "fimi", "initial": initial,
                                     "provenance": "design", "dynamics": {"model": "seiz", **settings}})


SPREAD_ONLY = {"contact": 1.0, "adopt_at_once": 1.0, "skeptic_contact": 0.0, "exposed_contact": 0.0,
               "self_adoption": 0.0, "forgetting": 0.0}


def logistic(t: float, i0: float = 0.001, beta: float = PER_MINUTE) -> float:
    """di/dt = beta (1 - i) i: every contact of a spreader with the susceptible makes a spreader."""
    grown = i0 * math.exp(beta * t)
    return grown / (1 - i0 + grown)


def test_the_scenario_picks_the_model_and_linear_stays_the_default() -> None:
    assert isinstance(start(narrative()), Seiz)
    plain = Indicator.model_validate({"id": "x", "name": "X", "domain": "society", "initial": 0.5,
                                      "provenance": "design"})
    assert isinstance(start(plain), Linear) and plain.dynamics.model == "linear"
    assert set(DYNAMICS) == {"linear", "seiz"}
    assert all(issubclass(type(start(spec)), IndicatorState) for spec in (plain, narrative()))


@pytest.mark.parametrize("t", [0.0, 60.0, 300.0, 414.0, 600.0, 1234.5, 2880.0])
def test_spreading_alone_follows_the_logistic_curve(t: float) -> None:
    assert Seiz.start(narrative(**SPREAD_ONLY)).at(t) == pytest.approx(logistic(t), abs=1e-6)


def test_forgetting_alone_is_an_exponential_decay() -> None:
    state = Seiz.start(narrative(0.4, **{**SPREAD_ONLY, "contact": 0.0, "forgetting": 0.2}))
    for t in (30.0, 500.0, 2000.0):
        assert state.at(t) == pytest.approx(0.4 * math.exp(-0.2 * PER_MINUTE * t), rel=1e-7)  # RK4, 5-minute steps


def test_a_crossing_is_where_the_logistic_crosses_and_never_before_it() -> None:
    state = Seiz.start(narrative(**SPREAD_ONLY))
    exact = math.log(0.999 / 0.001) / PER_MINUTE  # the logistic reaches one half here
    found = state.next_crossing(0.0, [0.5], 5000.0)
    assert found == pytest.approx(exact, abs=1e-3)
    assert state.at(found) >= 0.5 > state.at(found - 1e-6)  # on or past it there, not a hair before
    assert state.next_crossing(0.0, [0.5], exact - 10) is None  # not before the end asked for
    assert state.next_crossing(0.0, [0.2, 0.5, 0.9], 5000.0) < found  # the nearest threshold first


def test_the_design_fit_peaks_about_a_day_after_seeding() -> None:
    """The defaults are a design fit: sharing peaks near 20 hours (model description, sim-models)."""
    state = Seiz.start(narrative())
    hours = [state.at(60.0 * h) for h in range(0, 73)]
    peak = hours.index(max(hours))
    assert 18 <= peak <= 24 and 0.1 < max(hours) < 0.25
    assert hours[-1] < hours[peak] / 5  # forgetting brings it down again


def test_steps_and_rates_move_people_between_compartments_and_keep_the_audience_whole() -> None:
    state = Seiz.start(narrative(0.0))
    assert not state.moving()  # nobody spreads, nobody doubts: nothing happens
    assert state.step(60.0, 0.01) == (0.0, 0.01)  # seeded: the susceptible become spreaders
    assert state.moving()
    peak_before = max(state.at(60.0 * h) for h in range(1, 48))
    state.set_rate(600.0, 1, -0.5 * PER_MINUTE)  # countering: spreaders turn skeptic
    assert max(state.at(60.0 * h) for h in range(10, 48)) < peak_before
    before, after = state.step(700.0, 0.0)  # a debunk that reaches every spreader
    assert before > 0.0 and after == 0.0
    for t in (0.0, 60.0, 650.0, 700.0, 2000.0):
        assert sum(state._state(t)) == pytest.approx(1.0, abs=1e-12)
    assert state.at(650.0) == state.at(650.0)  # one deterministic function of time, past values included


def test_extremes_and_inside_since_read_the_same_trajectory() -> None:
    state = Seiz.start(narrative())
    samples = {t: state.at(t) for t in range(0, 2881, 5)}
    lowest, highest = state.extremes(0.0, 2880.0)
    assert lowest == min(samples.values()) and highest == pytest.approx(max(samples.values()), abs=1e-12)
    rising = state.next_crossing(0.0, [0.05], 2880.0)
    since = state.inside_since(2880.0, -1.0, 0.05)  # below 0.05 at the end: since it fell back under
    assert since > rising and state.at(since) < 0.05 <= state.at(since - 1e-3)


def test_a_scenario_with_a_seiz_indicator_fires_its_trigger_at_the_models_crossing() -> None:
    loaded = load_scenario(ROOT / "tests" / "data" / "seiz.yaml")
    world = simulate(loaded, 1)
    seeded = next(e for e in world.events if e.kind == "indicator.changed")
    told = next(e for e in world.events if e.kind == "inject.delivered" and e.data["inject"] == "INJ-2")
    # The same model, seeded alike, reaches a tenth of the audience when the inject came.
    alone = Seiz.start(loaded.scenario.indicators[0])
    alone.step(seeded.t, seeded.data["after"])
    crossing = alone.next_crossing(seeded.t, [0.1], 2880.0)
    assert told.t == pytest.approx(crossing + _EPS, abs=1e-9)  # the world wakes a hair after a crossing
    judged = next(e for e in world.events if e.kind == "objective.judged")
    assert judged.data["met"] is True and "0.00-0.15" in judged.data["detail"]
    assert log_to_jsonl(simulate(loaded, 1).events) == log_to_jsonl(world.events)  # deterministic


def test_a_seiz_indicator_is_a_share_and_moves_by_its_model_only() -> None:
    with pytest.raises(ValueError, match="a share of its audience"):
        Indicator.model_validate({"id": "n", "name": "N", "domain": "fimi", "initial": 0.0, "max": 100.0,
                                  "provenance": "design", "dynamics": {"model": "seiz"}})
    with pytest.raises(ValueError, match="moves by its model"):
        Indicator.model_validate({"id": "n", "name": "N", "domain": "fimi", "initial": 0.0,
                                  "recovery_half_life": "6h", "provenance": "design", "dynamics": {"model": "seiz"}})
