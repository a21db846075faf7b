"""Objectives, expectations and decisions read time: tests/data/timing.yaml, checked by hand.

The breach happens at T+4h and is detected at T+5h, so the objective's window
and the expectation's run from T+5h to T+7h. SHIELD takes effect at once and
lasts 1h. The decision ASK opens at T+8h.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from exercise.engine import World
from exercise.scenario import load_scenario
from exercise.scenario.lint import lint

DATA = Path(__file__).resolve().parent / "data"
TIMING = load_scenario(DATA / "timing.yaml")
H = 60.0


def events(world: World, kind: str) -> list:
    return [e for e in world.events if e.kind == kind]


def play(*moves: tuple[float, str]) -> World:
    world = World(TIMING, 1)
    for t, rid in moves:
        world.advance_to(t * H)
        world.take_response("csirt", rid)
    world.run()
    return world


def verdict(world: World) -> tuple[bool | None, str]:
    result = next(r for r in world.objective_status() if r.objective == "ANSWER")
    return result.met, result.detail


def test_a_measure_that_ended_before_the_window_does_not_meet_the_objective() -> None:
    world = play((0, "SHIELD"))  # in effect T+0 to T+1h; the window opens at T+5h
    met, detail = verdict(world)
    assert met is False
    assert "taken only outside the window (last at T+9h)" in detail  # the default at ASK took it again


def test_a_measure_that_ended_is_not_already_in_place_for_an_expectation() -> None:
    world = play((0, "SHIELD"))
    assert events(world, "expectation.met") == []
    missed = events(world, "expectation.missed")
    assert [(e.t, e.data["response"]) for e in missed] == [(7 * H, "SHIELD")]


def test_a_measure_still_in_effect_when_the_window_opens_counts_as_in_effect() -> None:
    world = play((4.5, "SHIELD"))  # in effect T+4h30 to T+5h30, across detection at T+5h
    met, detail = verdict(world)
    assert met is True
    assert detail.startswith("SHIELD in effect from T+4h30m (taken at T+4h30m)")
    [met_event] = events(world, "expectation.met")
    assert met_event.data["before_inject"] is True


def test_a_measure_taken_inside_the_window_meets_it() -> None:
    world = play((6, "SHIELD"))
    assert verdict(world) == (True, "SHIELD taken at T+6h; ops.breach detected at T+5h, deadline T+7h")


def test_a_measure_taken_after_the_window_does_not() -> None:
    world = play((7.5, "SHIELD"))
    assert verdict(world)[0] is False


def test_choosing_a_measure_already_in_effect_reaffirms_and_extends_it() -> None:
    world = World(TIMING, 1)
    world.advance_to(7.5 * H)
    world.take_response("csirt", "SHIELD")  # in effect until T+8h30
    world.advance_to(8 * H)
    world.decide("ASK", "keep")
    assert events(world, "response.refused") == []
    [again] = events(world, "response.reaffirmed")
    assert again.data["ends_at"] == pytest.approx(9 * H)
    world.run()
    [ended] = events(world, "response.ended")
    assert ended.t == pytest.approx(9 * H)  # not at T+8h30, the first end


def test_a_decision_option_the_team_may_not_take_is_a_validation_error(write_scenario) -> None:
    text = (DATA / "timing.yaml").read_text(encoding="utf-8")
    path = write_scenario(text.replace("{id: keep, label: Keep it up, responses: [SHIELD]}",
                                       "{id: keep, label: Keep it up, responses: [NOTE]}"))
    loaded = load_scenario(path)
    [problem] = [p for p in lint(loaded) if p.severity == "error"]
    line = next(n for n, row in enumerate(path.read_text().splitlines(), 1) if "responses: [NOTE]}" in row)
    assert str(problem).startswith(f"{path}:{line}:")
    assert "team 'csirt' decides here but may not take NOTE" in str(problem)
    # The engine refuses it too, with a reason the players read.
    world = World(loaded, 1)
    world.advance_to(8 * H)
    world.decide("ASK", "keep")
    [refused] = events(world, "response.refused")
    assert (refused.data["response"], refused.data["stage"]) == ("NOTE", "not permitted")
    assert events(world, "response.taken") == []
