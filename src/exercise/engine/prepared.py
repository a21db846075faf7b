"""What the engine works out from a scenario alone, once per process rather than once per run.

A Monte Carlo batch builds thousands of worlds from one scenario. The lookups by id,
the stage plans with who follows whom, the watched band levels and every condition
compiled to a predicate with the state it reads do not depend on the seed or on
anything that happens in a run, so they are made on first use and kept on the
loaded scenario (``LoadedScenario.prepared``). Nothing here may be changed by a run.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from exercise.engine.conditions import Compiled, compile_condition
from exercise.engine.indicators import band_levels
from exercise.engine.triggers import Filing, filing
from exercise.scenario.conditions import Condition
from exercise.scenario.loader import LoadedScenario
from exercise.engine import legacy
from exercise.scenario.models import Campaign, Inject, Stage, StartAfter, StartWhen, Team


@dataclass(eq=False)
class StagePlan:
    """A stage with what its callbacks read each time."""

    ref: str  # "campaign.stage"
    campaign: Campaign
    stage: Stage
    tags: frozenset[str]  # the stage's and its campaign's
    actor_tags: frozenset[str]  # those and its adversary's kind: what model 5's counters read
    followers: list[tuple[str, StagePlan]] = field(default_factory=list)  # (state, stage that starts after it)

    def __post_init__(self) -> None:
        # Stream names: a stage's dice must not depend on what else happened.
        stream = f"stage:{self.ref}"
        self.start_stream = f"{stream}:start"
        self.success_stream = f"{stream}:success"
        self.detected_stream = f"{stream}:detected"
        self.detection_stream = f"{stream}:detection"


class Prepared:
    def __init__(self, loaded: LoadedScenario) -> None:
        s = loaded.scenario
        self.teams: dict[str, Team] = {t.id: t for t in s.teams}
        self.injects: dict[str, Inject] = {i.id: i for i in s.injects}
        self.campaigns: dict[str, Campaign] = {c.id: c for c in s.campaigns}
        kinds = {a.id: a.kind for a in s.adversaries}
        self.stages: dict[str, StagePlan] = {}
        for c in s.campaigns:
            actor = frozenset([kinds[c.adversary]] if c.adversary in kinds else [])
            for st in c.stages:
                tags = frozenset(st.tags) | frozenset(c.tags)
                self.stages[f"{c.id}.{st.id}"] = StagePlan(f"{c.id}.{st.id}", c, st, tags, tags | actor)
        # What each measure's counters act on; before model 5 an empty set meant its whole domains.
        self.counter_tags = {rid: frozenset(r.counters.tags) for rid, r in loaded.responses.items()}
        self.counter_tags_before_5 = {
            rid: frozenset() if legacy.counters_everything(r) else frozenset(r.counters.tags)
            for rid, r in loaded.responses.items()}
        for plan in self.stages.values():
            start = plan.stage.start
            if isinstance(start, StartAfter):
                ref = start.after if "." in start.after else f"{plan.campaign.id}.{start.after}"
                self.stages[ref].followers.append((start.on, plan))
        self.band_watch = [(i.id, v) for i in s.indicators for v in band_levels(i)]
        self.order = {i.id: n for n, i in enumerate(s.indicators)}
        # Conditions compiled so far, by identity: the scenario's own up front, others (a
        # playbook's rules, a measure's preconditions) when first asked for. Each entry keeps its
        # condition alive, so an id cannot be reused for another; the table grows only with
        # the condition objects a process loads, not with the runs it makes.
        owned = [i.when for i in s.injects] + [f.when for f in loaded.findings.values()] + \
                [p.stage.start.when for p in self.stages.values() if isinstance(p.stage.start, StartWhen)]
        self._indicators = frozenset(i.id for i in s.indicators)
        self._compiled: dict[int, tuple[Condition, Compiled, Filing]] = {}
        for c in owned:
            if c is not None:
                self.filed(c)
        # What set-up schedules (world.SetUp): written once, by the first world, read by the rest.
        self.setup: Any = None

    def filed(self, condition: Condition) -> tuple[Compiled, Filing]:
        """The condition compiled, and where a trigger on it is filed."""
        found = self._compiled.get(id(condition))
        if found is None:
            compiled = compile_condition(condition)
            found = self._compiled[id(condition)] = (condition, compiled,
                                                     filing(condition, compiled, self._indicators))
        return found[1], found[2]

    def compiled(self, condition: Condition) -> Compiled:
        return self.filed(condition)[0]


def prepare(loaded: LoadedScenario) -> Prepared:
    found = loaded.prepared.get("engine")
    if found is None:
        found = loaded.prepared["engine"] = Prepared(loaded)
    return found
