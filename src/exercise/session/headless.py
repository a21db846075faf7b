"""Headless runs: one scenario, one seed, an optional playbook, to the end."""

from __future__ import annotations

from dataclasses import dataclass

from exercise.engine.events import Kind
from exercise.engine.world import World
from exercise.scenario.loader import LoadedScenario
from exercise.scenario.playbook import Playbook
from exercise.session.policy import apply_playbook


def simulate(loaded: LoadedScenario, seed: int, playbook: Playbook | None = None, *, lean: bool = False) -> World:
    """One run to the end. ``lean``: log only what ``outcome`` reads (Monte Carlo)."""
    world = World(loaded, seed, lean=lean)
    if playbook is not None:
        apply_playbook(world, playbook)
    world.run()
    return world


@dataclass(frozen=True)
class Outcome:
    """What one finished run comes to: small enough to send between processes."""

    seed: int
    objectives: dict[str, bool | None]
    final: dict[str, float]
    lowest: dict[str, float]
    highest: dict[str, float]
    responses_taken: int
    refusals: int
    stages_succeeded: int
    stages_detected: int


def outcome(world: World) -> Outcome:
    """The run so far: at its end once finished, else as things stand now (a replay cut short).

    Never past ``world.now``: the world does not know yet what would stop a drift
    that is running, so a value beyond now would be an extrapolation, not the run.
    """
    if world.finished:
        judged = {e.data["objective"]: e.data["met"] for e in world.events if e.kind == Kind.OBJECTIVE_JUDGED}
    else:
        judged = {r.objective: r.met for r in world.objective_status()}
    kinds = [e.kind for e in world.events]
    horizon = world.end if world.finished else world.now
    extremes = {i: st.extremes(0.0, horizon) for i, st in world.indicators.items()}
    return Outcome(
        seed=world.seed,
        objectives=judged,
        final={i: st.at(horizon) for i, st in world.indicators.items()},
        lowest={i: lo for i, (lo, _) in extremes.items()},
        highest={i: hi for i, (_, hi) in extremes.items()},
        responses_taken=kinds.count(Kind.RESPONSE_TAKEN),
        refusals=kinds.count(Kind.RESPONSE_REFUSED),
        stages_succeeded=kinds.count(Kind.STAGE_SUCCEEDED),
        stages_detected=kinds.count(Kind.STAGE_DETECTED),
    )
