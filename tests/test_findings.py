"""Legal preconditions as findings (issue 17): the engine checks them, the picker names them,
the linter says when a scenario can never establish one, and they replay."""

from __future__ import annotations

from pathlib import Path

from exercise.engine import World
from exercise.scenario import load_scenario
from exercise.scenario.lint import lint
from exercise.scenario.loader import scenario_from_bytes

DATA = Path(__file__).resolve().parent / "data"
H = 60.0


def world() -> World:
    return World(load_scenario(DATA / "findings.yaml"), 1)


def kinds(w: World, kind: str) -> list:
    return [e for e in w.events if e.kind == kind]


def test_a_declaration_waits_for_the_national_attribution_decision() -> None:
    w = world()
    w.advance_to(2 * H)
    w.take_response("eeas", "HT-14")
    [refused] = kinds(w, "response.refused")
    assert refused.data["reason"] == "it needs a national attribution decision, not established yet"
    w.take_response("gov", "FIMI-07")  # lands after its 1h lead time and establishes the finding
    w.advance_to(3.5 * H)
    [established] = [e for e in kinds(w, "finding.established") if e.data["finding"] == "national_attribution"]
    assert established.t == 3 * H and established.data["cause"].startswith("FIMI-07")
    assert w.why_not("eeas", "HT-14") is None
    w.take_response("eeas", "HT-14")
    assert [e.data["response"] for e in kinds(w, "response.taken")] == ["FIMI-07", "HT-14"]


def test_a_decision_option_establishes_the_finding_its_own_measure_needs() -> None:
    w = world()
    w.advance_to(3 * H + 1)
    assert "qualification of the attack as armed aggression" in w.why_not("gov", "HT-11")[1]
    w.decide("ASK", "qualify")
    assert "armed_aggression" in w.findings
    assert [e.data["response"] for e in kinds(w, "response.taken")] == ["HT-11"]
    assert not kinds(w, "response.refused")


def test_a_finding_with_a_condition_holds_once_the_condition_has_held() -> None:
    w = world()
    w.run()
    [spread] = [e for e in kinds(w, "finding.established") if e.data["finding"] == "wide_spread"]
    # Salience passes 0.05 at T+1h (the post), so the two-hour condition holds at T+3h.
    assert spread.t == 3 * H and spread.data["cause"] == "condition"


def test_the_linter_warns_when_nothing_can_establish_a_finding() -> None:
    text = (DATA / "findings.yaml").read_text(encoding="utf-8").replace(
        "establishes: [armed_aggression], ", "")
    warnings = [p.message for p in lint(scenario_from_bytes(text.encode(), "f.yaml"))]
    assert any("HT-11 needs" in m and "nothing in this scenario establishes it" in m for m in warnings)
    assert not any("HT-14 needs" in m for m in warnings)  # FIMI-07 can establish it
