"""Drive a world with a playbook: each rule becomes a trigger on the world."""

from __future__ import annotations

from functools import cache

from exercise.engine.world import World
from exercise.scenario.conditions import InjectIs
from exercise.scenario.playbook import Playbook, Rule


def apply_playbook(world: World, playbook: Playbook, teams: frozenset[str] | None = None) -> None:
    """Let ``playbook`` play ``teams`` (None: every team, as in a headless run). A team a person has taken over
    (``world.seated``) is skipped: a rule that comes due then is not played later."""
    for index, rule in enumerate(playbook.rules):
        if teams is not None and rule.team not in teams:
            continue

        def fire(rule: Rule = rule, index: int = index) -> None:
            delay = world.rng.delay(f"playbook:{playbook.id}:rule{index}", rule.delay)
            world.schedule(delay, _take, world, rule.team, rule.take, rule.note or f"playbook {playbook.id}")
        world.when(rule.when, fire)
    for inject_id, option in playbook.decisions.items():
        point = world.injects[inject_id].decision if inject_id in world.injects else None
        if teams is not None and (point is None or point.team not in teams):
            continue

        def answer(inject_id: str = inject_id, option: str = option) -> None:
            waiting = world.open_decisions.get(inject_id)
            if waiting is not None and waiting.team not in world.seated:
                world.decide(inject_id, option)
        world.when(_delivered(inject_id), answer)


@cache
def _delivered(inject_id: str) -> InjectIs:
    """One condition object per inject: the world compiles each condition object once and keeps it."""
    return InjectIs(inject=inject_id)


def _take(world: World, team: str, rid: str, note: str) -> None:
    if not world.finished and team not in world.seated:
        world.take_response(team, rid, note=note, source="playbook")
