"""Drive a world with a playbook: each rule becomes a trigger on the world."""

from __future__ import annotations

from functools import cache

from exercise.engine.world import World
from exercise.scenario.conditions import InjectIs
from exercise.scenario.playbook import Playbook, Rule


def apply_playbook(world: World, playbook: Playbook) -> None:
    for index, rule in enumerate(playbook.rules):
        def fire(rule: Rule = rule, index: int = index) -> None:
            delay = world.rng.delay(f"playbook:{playbook.id}:rule{index}", rule.delay)
            world.schedule(delay, _take, world, rule.team, rule.take, rule.note or f"playbook {playbook.id}")
        world.when(rule.when, fire)
    for inject_id, option in playbook.decisions.items():
        def answer(inject_id: str = inject_id, option: str = option) -> None:
            if inject_id in world.open_decisions:
                world.decide(inject_id, option)
        world.when(_delivered(inject_id), answer)


@cache
def _delivered(inject_id: str) -> InjectIs:
    """One condition object per inject: the world compiles each condition object once and keeps it."""
    return InjectIs(inject=inject_id)


def _take(world: World, team: str, rid: str, note: str) -> None:
    if not world.finished:
        world.take_response(team, rid, note=note, source="playbook")
