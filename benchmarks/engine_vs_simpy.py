"""Engine cost per processed SimPy event against raw SimPy's, measured in one run.

Generates a large scenario (50 campaigns of 3 stages, 1,000 injects, 200
custom measures, each taken once during the run), runs it, counts the SimPy
events the engine processed, and compares the cost per event with a plain SimPy model
(1,000 processes in a timeout loop). A ``floor`` line prices the run's bare
output: SimPy dispatching its events, its log built entry by entry, its dice
redrawn; the engine's own logic is what the ratio holds above that. Last line:
`engine/simpy per-event cost ratio: X.XX`, a tracked figure, not a goal: its denominator
is the number of SimPy events the engine chooses to create, so it would reward the wrong
designs (benchmarks/scale.py holds the goals now).
Run: python benchmarks/engine_vs_simpy.py [--repeat N]
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import time
from pathlib import Path

import yaml

sys.path.insert(0, str(Path(__file__).resolve().parent))  # runnable from any directory
from montecarlo import raw_simpy_seconds_per_event

from exercise.engine import EngineError, World
from exercise.engine.events import Event
from exercise.engine.rng import Streams
from exercise.scenario.loader import scenario_from_bytes

TEAMS = ["csirt", "comms", "mfa", "eu"]
DOMAINS = ["fimi", "cyber", "infrastructure"]
TAGS = ["ddos", "leak", "grid", "deepfake"]


def measures(count: int, rng: random.Random) -> list[dict]:
    """``count`` custom measures of every shape: counters, effects, durations, approval, escalation."""
    out = []
    for n in range(count):
        measure = {
            "id": f"X-{n:03d}", "name": f"Measure {n}", "toolbox": "national", "category": "resilience",
            "decided_by": "national authority", "procedure": "single_body",
            "approval": rng.choice([1.0, 0.9, 0.7]),
            "lead_time": rng.choice([{"kind": "uniform", "low": "30m", "high": "6h"},
                                     {"kind": "lognormal", "median": "2h", "p90": "8h"}, "1h"]),
            "escalation_risk": rng.choice([0.0, 0.05]),
            "legal_basis": "benchmark", "source": "generated",
            "provenance": {"lead_time": "design", "odds": "design", "effects": "design"},
        }
        if n % 3 == 0:
            measure["effects"] = [{"indicator": f"i{rng.randrange(10)}", "change": 0.02}]
        elif n % 3 == 1:
            measure["counters"] = {"domains": [rng.choice(DOMAINS)], "tags": [rng.choice(TAGS)], "success": 0.85,
                                   "effect": 0.8, "detection": 0.7, "outage": 0.6}
        if n % 2:
            measure["duration"] = f"{rng.randint(6, 36)}h"
        out.append(measure)
    return out


def timed_and_triggered(plan: list[dict], rng: random.Random, *, teams: list[str], owned: dict[str, list[str]],
                        scheduled: int, campaigns: int, gauges: int, minutes: int) -> list[dict]:
    """Give the first ``scheduled`` injects a time (every fifth expecting a measure), make the
    campaigns (three stages each: at a time, after the first, on an indicator), each stage
    detected by the next inject, and trigger the rest on indicators or detections.
    Returns the campaigns. (Shared with scale.py.)"""
    for n in range(scheduled):
        plan[n]["at"] = f"{rng.randint(0, minutes - 1)}m"
        if n % 5 == 0:
            team = rng.choice(teams)
            plan[n]["expects"] = [{"response": rng.choice(owned[team]), "team": team, "within": "6h"}]
    camps = []
    next_detection = scheduled
    for c in range(campaigns):
        stages = []
        for s in range(3):
            stage = {"id": f"s{s}", "name": f"Stage {s}", "success": 0.8,
                     "effects": [{"indicator": f"i{rng.randrange(gauges)}", "change": -0.1, "provenance": "design"}
                                 if s != 1 else {"indicator": f"i{rng.randrange(gauges)}", "rate": -0.02, "for": "6h",
                                                 "provenance": "design"}],
                     "provenance": "design",
                     "detection": {"delay": {"kind": "lognormal", "median": "2h", "p90": "12h"},
                                   "inject": f"I{next_detection}", "provenance": "design"},
                     "tags": [rng.choice(TAGS)]}
            next_detection += 1
            if s == 0:
                stage["start"] = {"at": f"{rng.randint(0, minutes // 2)}m"}
            elif s == 1:
                stage["start"] = {"after": "s0", "delay": {"kind": "uniform", "low": "1h", "high": "12h"}}
            else:
                stage["start"] = {"when": {"indicator": f"i{rng.randrange(gauges)}", "below": 0.6}, "delay": "1h"}
            stages.append(stage)
        camps.append({"id": f"c{c}", "name": f"Campaign {c}", "adversary": "red",
                      "domain": DOMAINS[c % 3], "stages": stages})
    for n in range(next_detection, len(plan)):
        if n % 2:
            plan[n]["when"] = {"indicator": f"i{rng.randrange(gauges)}", "below": round(rng.uniform(0.3, 0.7), 2)}
        else:
            plan[n]["when"] = {"stage": f"c{rng.randrange(campaigns)}.s{rng.randrange(3)}", "is": "detected"}
    return camps


def assemble(ident: str, title: str, teams: list[str], owned: dict[str, list[str]], indicators: list[dict],
             campaigns: list[dict], plan: list[dict], custom: list[dict]) -> dict:
    """The scenario document around generated parts: one objective on i0, one adversary, four days."""
    return {
        "metadata": {"id": ident, "title": title, "summary": "For benchmarks.", "setting": {"country": "Benchmarkia"},
                     "start": "2027-01-01T00:00:00+00:00", "duration": "4d"},
        "objectives": [{"id": "OBJ-1", "text": "Keep i0 up.", "capability": "Cybersecurity",
                        "measure": {"kind": "indicator", "indicator": "i0", "above": 0.5}}],
        "teams": [{"id": t, "name": t, "body": t, "responses": owned[t]} for t in teams],
        "indicators": indicators,
        "adversaries": [{"id": "red", "name": "Red", "kind": "state"}],
        "campaigns": campaigns,
        "injects": plan,
        "responses": {"custom": custom},
    }


def large_scenario(campaigns: int = 50, injects: int = 1000, responses: int = 200, seed: int = 7) -> dict:
    """A valid scenario of the given size, with every kind of timing and trigger."""
    rng = random.Random(seed)
    custom = measures(responses, rng)
    owned = {team: [m["id"] for m in custom[k::len(TEAMS)]] for k, team in enumerate(TEAMS)}
    minutes = 4 * 1440
    indicators = [
        {"id": f"i{k}", "name": f"Indicator {k}", "domain": "society", "initial": 0.8,
         "recovery_half_life": f"{rng.randint(6, 48)}h", "bands": {"green": 0.7, "amber": 0.5},
         "provenance": "design"}
        for k in range(10)
    ] + [{"id": "public_trust", "name": "Trust", "domain": "society", "initial": 0.7, "provenance": "design"},
         {"id": "narrative_salience", "name": "Reach", "domain": "fimi", "initial": 0.0, "higher_is_better": False,
          "provenance": "design"},
         {"id": "attribution_confidence", "name": "Attribution", "domain": "diplomacy", "initial": 0.3,
          "provenance": "design"}]
    plan: list[dict] = []
    scheduled = injects - 3 * campaigns - 250
    for n in range(injects):
        plan.append({"id": f"I{n}", "title": f"Inject {n}", "to": [rng.choice(TEAMS)], "from": "control",
                     "channel": "email", "objectives": ["OBJ-1"]})
    camps = timed_and_triggered(plan, rng, teams=TEAMS, owned=owned, scheduled=scheduled, campaigns=campaigns,
                                gauges=10, minutes=minutes)
    return assemble("large", "Generated large scenario", TEAMS, owned, indicators, camps, plan, custom)


def moves(loaded, seed: int = 1) -> list[tuple[float, str, str]]:
    """Each team takes each of its measures once, at random times: (minute, team, measure)."""
    rng = random.Random(seed)
    end = loaded.scenario.metadata.duration
    return sorted((rng.uniform(0, end), team.id, rid) for team in loaded.scenario.teams for rid in team.responses)


class StepCounter:
    """Counts the SimPy events a world processes, by standing in for its ``env.step``.

    Use it in a run of its own: the count is the same in every run of one seed
    and moves, and the timed runs then pay nothing for it.
    """

    def __init__(self, world: World) -> None:
        self.count = 0
        self._step = world.env.step
        world.env.step = self

    def __call__(self) -> None:
        self.count += 1
        self._step()


def play(world: World, taken: list) -> None:
    for t, team, rid in taken:
        world.advance_to(t)
        try:
            world.take_response(team, rid, note="benchmark")
        except EngineError:
            pass
    world.run()


def timed_run(loaded, taken: list) -> float:
    """Seconds for one run of the generated scenario, from the first move to the end."""
    world = World(loaded, 1)
    start = time.perf_counter()
    play(world, taken)
    return time.perf_counter() - start


def counted_run(loaded, taken: list) -> tuple[int, World]:
    """(SimPy events processed, the world) of one run, untimed."""
    world = World(loaded, 1)
    steps = StepCounter(world)
    play(world, taken)
    return steps.count, world


def floor_seconds(world: World) -> tuple[float, float]:
    """What the run's own output costs at the least: (rebuilding its log, redrawing its dice).

    Any engine that logs these events and throws these dice pays this much on
    top of SimPy's dispatch, however it decides what to log.
    """
    start = time.perf_counter()
    log: list[Event] = []
    for e in world.events:
        log.append(tuple.__new__(Event, (len(log), e.t, e.kind, dict(e.data))))
    logging = time.perf_counter() - start
    names = [name for name, drawn in world.rng._drawn.items() for _ in range(drawn)]
    streams = Streams(world.seed)
    start = time.perf_counter()
    for name in names:
        streams.uniform(name)
    return logging, time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=7, help="runs of each side; the median counts")
    args = parser.parse_args()
    text = yaml.safe_dump(large_scenario(), sort_keys=False).encode()
    loaded = scenario_from_bytes(text, "large.yaml")
    taken = moves(loaded)
    raw = statistics.median(raw_simpy_seconds_per_event() for _ in range(args.repeat))
    steps, world = counted_run(loaded, taken)
    elapsed = statistics.median(timed_run(loaded, taken) for _ in range(args.repeat))
    floors = [floor_seconds(world) for _ in range(args.repeat)]
    logging = statistics.median(f[0] for f in floors)
    dice = statistics.median(f[1] for f in floors)
    per_event = elapsed / steps
    floor = (steps * raw + logging + dice) / steps
    print(f"scenario: {len(loaded.scenario.campaigns)} campaigns, {len(loaded.scenario.injects)} injects, "
          f"{len(taken)} responses taken")
    print(f"raw SimPy: {raw * 1e6:.2f} us per timeout event (median of {args.repeat})")
    print(f"engine: {steps} SimPy events, {len(world.events)} logged, {elapsed * 1e3:.1f} ms "
          f"(median of {args.repeat}), {per_event * 1e6:.2f} us per event")
    print(f"floor: SimPy dispatch {steps * raw * 1e3:.1f} ms + building the {len(world.events)} logged events "
          f"{logging * 1e3:.1f} ms + {sum(world.rng._drawn.values())} dice {dice * 1e3:.1f} ms "
          f"= ratio {floor / raw:.2f} with no engine logic at all")
    print(f"engine/simpy per-event cost ratio: {per_event / raw:.2f}")


if __name__ == "__main__":
    main()
