"""A truthful world (issue 16): what players are told follows what happened, and measures act on
what is already running. Hand-computed on tests/data/truth.yaml: the drift adds 0.06 an hour to
reach from T+1h for 10h (0.6 in all); every measure takes effect at once, taken at T+6h, when
reach is 0.30 and 5h of drift are left.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from exercise.engine import World
from exercise.scenario import load_scenario
from exercise.scenario.effects import combine
from exercise.scenario.playbook import load_playbook
from exercise.session.policy import apply_playbook

ROOT = Path(__file__).resolve().parents[1]
TRUTH = load_scenario(ROOT / "tests" / "data" / "truth.yaml")
H = 60.0


def reach_after(*measures: str, floor: float | None = None) -> float:
    loaded = TRUTH
    if floor is not None:
        text = (ROOT / "tests" / "data" / "truth.yaml").read_text(encoding="utf-8").replace(
            "        name: Amplification for ten hours\n",
            f"        name: Amplification for ten hours\n        counter_floor: {floor}\n")
        from exercise.scenario.loader import scenario_from_bytes
        loaded = scenario_from_bytes(text.encode(), "truth-floor.yaml")
    world = World(loaded, 1)
    world.advance_to(6 * H)
    for rid in measures:
        world.take_response("comms", rid)
    world.run()
    return world.indicators["reach"].at(world.end)


def test_an_unopposed_drift_runs_its_course() -> None:
    assert reach_after() == pytest.approx(0.60)


def test_a_takedown_stops_a_drift_halfway() -> None:
    assert reach_after("STOP") == pytest.approx(0.30)  # effect 0: nothing more from T+6h


def test_a_counter_halves_what_is_left_of_a_drift() -> None:
    assert reach_after("HALF") == pytest.approx(0.30 + 5 * 0.06 * 0.5)  # 0.45


def test_an_outage_counter_shortens_what_is_left() -> None:
    assert reach_after("SHORTEN") == pytest.approx(0.30 + 2.5 * 0.06)  # 5h left become 2.5h: 0.45


def test_two_counters_combine_with_diminishing_returns() -> None:
    # Strongest first, the second's reduction counts half: 0.5 x (1 - 0.5 x 0.5) = 0.375, not 0.25.
    assert combine([0.5, 0.5], 0.2) == pytest.approx(0.375)
    assert reach_after("HALF", "HALF2") == pytest.approx(0.30 + 5 * 0.06 * 0.375)  # 0.4125
    # Eight generic measures of 0.8 leave 0.65, not 0.8**8 = 0.17.
    assert combine([0.8] * 8, 0.0) == pytest.approx(0.6514, abs=1e-4)


def test_a_floor_limits_what_measures_can_do_to_a_stage() -> None:
    assert reach_after("STOP", floor=0.5) == pytest.approx(0.30 + 5 * 0.06 * 0.5)  # 0.45, not 0.30


def test_a_measure_that_ends_lets_the_drift_resume() -> None:
    text = (ROOT / "tests" / "data" / "truth.yaml").read_text(encoding="utf-8").replace(
        "counters: {domains: [fimi], tags: [narrative], effect: 0.5}}\n",
        "counters: {domains: [fimi], tags: [narrative], effect: 0.5}, duration: 2h}\n", 1)  # HALF, the first of the two
    from exercise.scenario.loader import scenario_from_bytes
    world = World(scenario_from_bytes(text.encode(), "t.yaml"), 1)
    world.advance_to(6 * H)
    world.take_response("comms", "HALF")  # halves the drift from T+6h to T+8h only
    world.run()
    assert world.indicators["reach"].at(world.end) == pytest.approx(0.30 + 2 * 0.03 + 3 * 0.06)  # 0.54


def test_a_failed_stage_is_told_only_as_an_attempt() -> None:
    world = World(TRUTH, 1)
    world.run()
    delivered = {e.data["inject"]: e for e in world.events if e.kind == "inject.delivered" and e.data["inject"]}
    assert "DOWN" not in delivered and "DOWN2" not in delivered  # written for success: never after a failure
    tried = delivered["TRIED"]
    assert (tried.data["stage"], tried.data["outcome"], tried.t) == ("hack.seen", "failed", 2.5 * H)
    assert world.indicators["uptime"].at(world.end) == 1.0
    assert "detected" in world.stage_states["hack.seen"] and "detected" not in world.stage_states["hack.unseen"]


def _runs():
    for name in ("election-week", "baltic-winter", "port-and-platforms"):
        loaded = load_scenario(ROOT / "scenarios" / f"{name}.yaml")
        books = [None] + [load_playbook(ROOT / "scenarios" / "playbooks" / f"{name}-{k}.yaml", loaded)[0]
                          for k in ("passive", "proactive")]
        for book in books:
            for seed in range(1, 41):
                world = World(loaded, seed)
                if book is not None:
                    apply_playbook(world, book)
                world.run()
                yield loaded, world


def test_every_stage_caused_inject_tells_the_real_outcome() -> None:
    """Over 360 runs of the bundled scenarios: the outcome an inject carries is the stage's own, and no
    inject written for a stage's success follows its failure."""
    checked = 0
    for loaded, world in _runs():
        outcome = {e.data["stage"]: e.kind.split(".")[1] for e in world.events
                   if e.kind in ("stage.succeeded", "stage.failed")}
        success_injects = {f"{c.id}.{s.id}": s.detection.inject for c in loaded.scenario.campaigns
                           for s in c.stages if s.detection and s.detection.inject}
        for e in world.events:
            if e.kind != "inject.delivered":
                continue
            if "stage" in e.data:
                checked += 1
                assert e.data["outcome"] == outcome[e.data["stage"]], e
            for stage, inject in success_injects.items():
                if e.data["inject"] == inject and e.data["cause"] == "detection":
                    assert outcome[stage] == "succeeded", (stage, e)
    assert checked > 500


# --- conditions held over time, processes no adversary runs, visibility -------------------------

CASCADE = load_scenario(ROOT / "tests" / "data" / "cascade.yaml")


def cascade(repair_at: float | None) -> World:
    world = World(CASCADE, 1)
    if repair_at is not None:
        world.advance_to(repair_at * H)
        world.take_response("tso", "REPAIR")
    world.run()
    return world


def test_a_cascade_starts_once_its_cause_held_long_enough() -> None:
    world = cascade(None)  # grid 0.5 from T+1h: below 0.7 for 4h at T+5h, then 1h of delay
    [started] = [e for e in world.events if e.kind == "stage.started" and e.data["stage"] == "knock-on.masts"]
    assert started.t == pytest.approx(6 * H, abs=0.01)
    assert world.indicators["telecom"].at(world.end) == pytest.approx(0.2)


def test_a_delayed_cascade_rechecks_its_cause_and_holds_off_when_it_recovered() -> None:
    world = cascade(5.5)  # the condition held at T+5h; the grid is repaired before the start at T+6h
    assert not any(e.kind == "stage.started" and e.data["stage"] == "knock-on.masts" for e in world.events)
    [held] = [e for e in world.events if e.kind == "stage.held_off"]
    assert held.t == pytest.approx(6 * H, abs=0.01) and held.data["stage"] == "knock-on.masts"
    assert world.indicators["telecom"].at(world.end) == 1.0


def test_a_persistence_condition_fails_when_the_cause_recovers_in_time() -> None:
    world = cascade(3.0)  # below 0.7 for only 2h
    assert not any(e.data.get("stage") == "knock-on.masts" for e in world.events)


async def test_a_team_view_shows_only_the_indicators_that_team_may_see(tmp_path: Path) -> None:
    from exercise.session.live import Session
    from exercise.tui.app import ExerciseApp

    session = Session(CASCADE, 1)
    session.start_journal(tmp_path / "j.jsonl")
    app = ExerciseApp(session, timer=False, briefing=False)
    async with app.run_test() as pilot:
        shown = lambda: {row.ident for row in app.screen.query("IndicatorRow") if row.display}  # noqa: E731
        assert shown() == {"grid", "telecom"}  # the facilitator sees everything
        await pilot.press("f")  # the team view of the first team, tso
        assert shown() == {"grid", "telecom"}
        await pilot.press("t")  # csirt may not see the grid
        assert shown() == {"telecom"}
    session.close()


def test_the_report_says_who_sees_an_indicator(tmp_path: Path) -> None:
    from exercise.report.sections import report_of
    from exercise.session.live import Session

    session = Session(CASCADE, 1)
    session.advance_to(session.world.end)
    report = report_of(session, None)
    seen = {i.id: i.visible_to for i in report.indicators}
    assert seen == {"grid": ["tso"], "telecom": None}


# --- targeted measures ------------------------------------------------------------------------


def targeted(*moves: tuple[str, str | None]) -> World:
    world = World(TRUTH, 1)
    world.advance_to(6 * H)
    for rid, target in moves:
        world.take_response("comms", rid, target=target)
    world.run()
    return world


def test_a_measure_against_one_narrative_leaves_the_other_alone() -> None:
    world = targeted(("HALF", "lies"))
    assert world.indicators["reach"].at(world.end) == pytest.approx(0.45)
    assert world.indicators["reach2"].at(world.end) == pytest.approx(0.60)


def test_a_debunk_of_one_narrative_does_not_block_one_of_another() -> None:
    world = targeted(("HALF", "lies"), ("HALF", "rumour.spread"))
    assert not any(e.kind == "response.refused" for e in world.events)
    assert world.indicators["reach"].at(world.end) == pytest.approx(0.45)
    assert world.indicators["reach2"].at(world.end) == pytest.approx(0.45)
    again = targeted(("HALF", "lies"), ("HALF", "lies"))
    [refused] = [e for e in again.events if e.kind == "response.refused"]
    assert refused.data["reason"] == "it is already under way against lies for this team"


def test_a_targeted_measure_counts_only_for_objectives_about_its_target() -> None:
    verdict = lambda world: next(r.met for r in world.objective_status() if r.objective == "DEBUNK")  # noqa: E731
    assert verdict(targeted(("HALF", "rumour"))) is False
    assert verdict(targeted(("HALF", "lies.drift"))) is True
    assert verdict(targeted(("HALF", None))) is True  # untargeted: today's meaning


def test_only_what_was_seen_can_be_targeted() -> None:
    from exercise.engine import EngineError

    world = World(TRUTH, 1)
    world.advance_to(1 * H)  # the drifts have started; their detection comes at T+1h30
    with pytest.raises(EngineError, match="has not been detected"):
        world.take_response("comms", "HALF", target="lies")
    world.advance_to(2 * H)
    assert world.targets() == ["lies", "rumour", "lies.drift", "rumour.spread"]
    with pytest.raises(EngineError, match="unknown target"):
        world.take_response("comms", "HALF", target="nothing")


async def test_the_picker_takes_a_measure_against_a_detected_narrative(tmp_path: Path) -> None:
    from exercise.session.journal import read_journal
    from exercise.session.live import Session
    from exercise.tui.app import ExerciseApp
    from exercise.tui.screens.respond import ResponsePicker

    session = Session(TRUTH, 1)
    session.start_journal(tmp_path / "j.jsonl")
    app = ExerciseApp(session, timer=False, briefing=False)
    async with app.run_test(size=(80, 24)) as pilot:
        app.advance(2 * H)
        await pilot.press("r")
        picker = app.screen
        assert isinstance(picker, ResponsePicker)
        target = picker.query_one("#target")
        assert [value for _, value in target._options if isinstance(value, str)] == \
            ["lies", "rumour", "lies.drift", "rumour.spread"]
        target.value = "rumour"
        await pilot.pause()
        picker.query_one("#measures").highlighted = 1  # HALF
        await pilot.press("ctrl+s")
        await pilot.pause()
    session.close()
    assert session.world.live[-1].target == "rumour"
    record = read_journal(tmp_path / "j.jsonl").records[-1]
    assert (record.kind, record.response, record.target) == ("decision", "HALF", "rumour")


def test_a_targeted_session_replays_to_the_same_log(tmp_path: Path) -> None:
    from exercise.engine import log_to_jsonl
    from exercise.session.commands import TakeMeasure
    from exercise.session.live import Session, replay

    live = Session(TRUTH, 1)
    live.start_journal(tmp_path / "j.jsonl")
    live.advance_to(6 * H)
    live.submit(TakeMeasure(team="comms", response="HALF", note="the lie", target="lies"))
    live.submit(TakeMeasure(team="comms", response="HALF", note="the rumour", target="rumour"))
    live.advance_to(live.world.end)
    live.close()
    rebuilt, _ = replay(tmp_path / "j.jsonl")
    rebuilt.advance_to(rebuilt.world.end)
    assert log_to_jsonl(rebuilt.world.events) == log_to_jsonl(live.world.events)


from hypothesis import given, settings
from hypothesis import strategies as st

from exercise.engine.indicators import Linear
from exercise.scenario.models import Indicator


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(st.floats(1, 100), st.sampled_from(["step", "rate"]), st.floats(-0.5, 0.5)), max_size=6),
       st.sampled_from([None, "2h"]), st.floats(0.2, 0.8))
def test_inside_since_is_where_the_trajectory_last_entered(changes, half_life, level) -> None:
    spec = Indicator(id="x", name="x", domain="society", provenance="design", initial=0.5, recovery_half_life=half_life)
    state = Linear.start(spec)
    t = 0.0
    for gap, kind, size in changes:
        t += gap
        if kind == "step":
            state.step(t, state.at(t) + size)
        else:
            state.set_rate(t, 0, size / 60)
    now = t + 50.0
    if not state.at(now) < level:
        return
    since = state.inside_since(now, -1.0, level)
    # Inside all the way from just after `since` to now; just before it (if any), outside.
    samples = [since + (now - since) * k / 200 for k in range(1, 201)]
    assert all(state.at(x) < level for x in samples)
    if since > 0:
        assert not state.at(since - 1e-6) < level or abs(state.at(since) - level) < 1e-6
