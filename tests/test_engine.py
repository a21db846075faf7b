"""Engine behaviour on tests/data/lab.yaml, with numbers checked by hand."""

from __future__ import annotations

import math
from pathlib import Path

import pytest

from exercise.engine import EngineError, World
from exercise.engine.indicators import Linear
from exercise.scenario import load_scenario
from exercise.scenario.models import Indicator

LAB = load_scenario(Path(__file__).resolve().parent / "data" / "lab.yaml")
H = 60.0


def kinds(world: World, kind: str) -> list:
    return [e for e in world.events if e.kind == kind]


def first(world: World, kind: str, **match):
    return next(e for e in world.events if e.kind == kind and all(e.data.get(k) == v for k, v in match.items()))


# --- indicator dynamics ----------------------------------------------------------------------


def test_closed_form_matches_numerical_integration() -> None:
    """Sanity check of the model: dv/dt = R + k(b - v), integrated by tiny Euler steps."""
    spec = Indicator(id="x", name="x", domain="society", provenance="design", initial=0.8, recovery_half_life="10h")
    state = Linear.start(spec)
    state.step(60, 0.3)
    state.set_rate(60, 1, -0.01 / 60)
    v, k, dt = 0.3, math.log(2) / 600, 0.01
    for _ in range(int(300 / dt)):
        v += dt * (-0.01 / 60 + k * (0.8 - v))
    assert state.at(360) == pytest.approx(v, abs=1e-5)


def test_recovery_closes_half_the_gap_per_half_life() -> None:
    world = World(LAB, 1)
    world.advance_to(1 * H)  # the post drops trust from 0.8 to 0.4
    assert world.indicators["public_trust"].at(1 * H) == pytest.approx(0.4)
    assert world.indicators["public_trust"].at(11 * H) == pytest.approx(0.6)  # one 10h half-life later


def test_rate_effect_and_threshold_trigger_fire_at_the_exact_crossing() -> None:
    world = World(LAB, 1)
    world.run()
    # narrative_salience climbs 0.06/h from T+1h, so it passes 0.15 at T+3.5h; the wave starts 1h later.
    started = first(world, "stage.started", stage="hack.wave")
    assert started.t == pytest.approx(4.5 * H, abs=0.01)
    assert world.indicators["narrative_salience"].at(2 * 24 * H) == pytest.approx(0.3)  # 5h x 0.06, no recovery


def test_band_changes_are_logged() -> None:
    world = World(LAB, 1)
    world.advance_to(1 * H + 1)
    band = first(world, "indicator.band", indicator="public_trust")
    assert band.data["was"] == "green" and band.data["band"] == "red"
    assert band.t == 61  # told once it has held for a minute
    world.advance_to(30 * H)  # recovers through amber (0.5) and green (0.7)
    bands = [e.data["band"] for e in kinds(world, "indicator.band") if e.data["indicator"] == "public_trust"]
    assert bands == ["red", "amber", "green"]


# --- injects, expectations, decisions -------------------------------------------------------------


def test_detection_delivers_its_inject_and_a_missed_expectation_its_contingency() -> None:
    world = World(LAB, 1)
    world.run()
    assert first(world, "stage.detected", stage="lies.post").t == 90
    assert first(world, "inject.delivered", inject="SEEN").data["cause"] == "detection"
    missed = first(world, "expectation.missed", inject="SEEN")
    assert missed.t == 90 + 120
    assert first(world, "inject.delivered", inject="NUDGE").data["cause"] == "contingency"


def test_expectation_met_when_taken_in_time() -> None:
    world = World(LAB, 1)
    world.advance_to(100)
    world.take_response("comms", "FIMI-01", "alert partners")
    world.run()
    met = first(world, "expectation.met", inject="SEEN")
    assert met.data["latency"] == 10
    assert "NUDGE" not in world.delivered
    assert first(world, "objective.judged", objective="ALERT").data["met"] is True


def test_decision_defaults_at_its_deadline() -> None:
    world = World(LAB, 1)
    world.advance_to(90)
    assert [d.inject for d in world.pending_decisions()] == ["SEEN"]
    world.advance_to(150)
    assert first(world, "decision.made", inject="SEEN").data == {
        "inject": "SEEN", "team": "comms", "option": "later", "by": "default"}


def test_deciding_takes_the_options_responses() -> None:
    world = World(LAB, 1)
    world.advance_to(95)
    world.decide("SEEN", "now")
    taken = first(world, "response.taken", response="FIMI-04")
    assert (taken.t, taken.data["source"]) == (95, "decision")
    with pytest.raises(EngineError):
        world.decide("SEEN", "now")


# --- responses ---------------------------------------------------------------------------------------


def test_response_lifecycle_pending_active_ended() -> None:
    world = World(LAB, 1)
    world.advance_to(100)
    live = world.take_response("comms", "FIMI-04", "debunk")
    assert live.status == "pending" and live.effective_at == 130
    world.advance_to(130)
    assert live.status == "active" and live.ends_at == 130 + 120
    world.advance_to(260)
    assert live.status == "ended"
    assert [lv.status for lv in world.live] == ["ended"]


def test_precondition_refusal_says_why_in_a_notice() -> None:
    world = World(LAB, 1)
    world.advance_to(100)
    assert world.take_response("comms", "FIMI-07") is None  # needs attribution above 0.7; it is 0.5
    refused = first(world, "response.refused", response="FIMI-07")
    assert refused.data["stage"] == "precondition"
    # The reason reaches the team: it never quotes the live value of an indicator the team may not read.
    assert refused.data["reason"].endswith("attribution_confidence above 0.7")
    notice = kinds(world, "inject.delivered")[-1]
    assert notice.data["generated"] and notice.data["to"] == ["comms"] and "FIMI-07 refused" in notice.data["title"]


def test_procedure_can_refuse_after_the_lead_time() -> None:
    text = (Path(__file__).parent / "data/lab.yaml").read_text().replace(
        "FIMI-04: {lead_time: 30m, duration: 2h, provenance: design}",
        "FIMI-04: {lead_time: 30m, duration: 2h, approval: 0.0, provenance: design}")
    from exercise.scenario.loader import scenario_from_bytes

    world = World(scenario_from_bytes(text.encode(), "lab.yaml"), 1)
    world.advance_to(100)
    world.take_response("comms", "FIMI-04")
    world.advance_to(200)
    refused = first(world, "response.refused", response="FIMI-04")
    assert (refused.t, refused.data["stage"]) == (130, "procedure")


def test_same_response_twice_is_refused_while_under_way() -> None:
    world = World(LAB, 1)
    world.take_response("csirt", "NAT-02")
    assert world.take_response("csirt", "NAT-02") is None
    assert first(world, "response.refused", response="NAT-02").data["stage"] == "duplicate"


def test_team_may_only_take_its_measures() -> None:
    world = World(LAB, 1)
    with pytest.raises(EngineError):
        world.take_response("csirt", "FIMI-01")
    with pytest.raises(EngineError):
        world.take_response("nobody", "NAT-02")


def test_active_counter_lowers_success_probability_and_effect() -> None:
    world = World(LAB, 1)
    world.take_response("csirt", "NAT-02")  # counters cyber: success x0.5, effect x0.6
    world.run()
    started = first(world, "stage.started", stage="hack.ddos")
    assert started.data["countered_by"] == ["NAT-02"]
    outcome = next(e for e in world.events if e.kind in ("stage.succeeded", "stage.failed")
                   and e.data["stage"] == "hack.ddos")
    assert outcome.data["probability"] == pytest.approx(0.4)


def test_objectives_are_judged_at_the_end() -> None:
    world = World(LAB, 1)
    world.run()
    judged = {e.data["objective"]: e.data["met"] for e in kinds(world, "objective.judged")}
    assert judged == {"ALERT": False, "TRUST": False}
    detail = first(world, "objective.judged", objective="TRUST").data["detail"]
    assert detail == "public_trust ranged 0.40-0.80 from T+0m to T+2d"


def test_objectives_are_provisional_while_the_run_goes() -> None:
    world = World(LAB, 1)
    world.advance_to(30)
    status = {r.objective: (r.met, r.detail) for r in world.objective_status()}
    assert status["ALERT"] == (None, "lies.post not detected, so the clock has not started")
    assert status["TRUST"] == (None, "public_trust ranged 0.80-0.80 from T+0m to T+30m, so far")
    world.advance_to(100)
    world.take_response("comms", "FIMI-01")
    status = {r.objective: r.met for r in world.objective_status()}
    assert status == {"ALERT": True, "TRUST": False}  # met in time; trust already fell below 0.45


def test_taking_a_measure_records_its_political_cost() -> None:
    world = World(LAB, 1)
    world.take_response("csirt", "NAT-02")
    assert first(world, "response.taken", response="NAT-02").data["cost"] == 1


def test_every_decision_procedure_can_say_why_it_refused() -> None:
    # A measure refused at approval names its procedure; a procedure with no wording
    # crashed the engine (simple_majority, DSA-08) the first time a run drew a refusal.
    from typing import get_args

    from exercise.engine.world import _NOT_AGREED
    from exercise.scenario.catalogue import Procedure

    assert set(get_args(Procedure)) == set(_NOT_AGREED)
