"""Playbooks: scripted team policies for headless runs and Monte Carlo."""

from __future__ import annotations

from pathlib import Path

from pydantic import Field

from exercise.scenario.conditions import Condition
from exercise.scenario.distributions import Delay
from exercise.scenario.errors import Problem, ScenarioError
from exercise.scenario.lint import lint_playbook
from exercise.scenario.loader import LoadedScenario, parse_model, read_file
from exercise.scenario.types import Id, Strict, Text


class Rule(Strict):
    """When a condition first holds, a team takes a measure after a delay."""

    when: Condition = Field(description="Condition that fires the rule (once).")
    team: Id = Field(description="Team that acts.")
    take: Id = Field(description="Response measure it takes.")
    delay: Delay = Field("0m", description="Time the team needs to decide, after the condition holds.")
    note: str = Field("", description="Rationale recorded with the decision.")


class Playbook(Strict):
    """A scripted policy for every team, for one scenario."""

    id: Id = Field(description="Playbook id, e.g. 'proactive'.")
    title: str = Field(min_length=1, description="What the policy is.")
    scenario: Id = Field(description="Id of the scenario it is written for.")
    description: Text = Field("", description="The reasoning behind the policy.")
    rules: list[Rule] = Field(default_factory=list, description="Rules, each fired at most once.")
    decisions: dict[Id, Id] = Field(
        default_factory=dict, description="Answers to decision points: inject id -> option id.")


def load_playbook(path: str | Path, loaded: LoadedScenario) -> tuple[Playbook, list[Problem]]:
    """Load and check a playbook against its scenario.

    Returns the playbook and its warnings; raises ScenarioError listing every error.
    """
    return playbook_from_bytes(read_file(path), str(path), loaded)


def playbook_from_bytes(raw: bytes, name: str, loaded: LoadedScenario) -> tuple[Playbook, list[Problem]]:
    """Like ``load_playbook``, from bytes already read; ``name`` is used in messages."""
    playbook, located = parse_model(raw, name, Playbook, what="playbook")
    problems = lint_playbook(playbook, located, loaded)
    errors = [p for p in problems if p.severity == "error"]
    if errors:
        raise ScenarioError(errors)
    return playbook, problems
