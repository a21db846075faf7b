"""Checks a valid scenario for what the schema cannot see.

Errors: references to things that do not exist, duplicate ids, cycles in
stage dependencies. Warnings: things that can never happen (triggers that
cannot fire, injects after the end or never delivered), objectives nothing
exercises, measures a team cannot use.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from exercise.scenario.catalogue import load_catalogue
from exercise.scenario.conditions import (
    Condition, DecisionIs, DomainDetected, Escalated, IndicatorIs, InjectIs, ResponseIs, StageIs, TimeWindow, walk,
)
from exercise.scenario.errors import Problem, did_you_mean
from exercise.scenario.loader import LoadedScenario
from exercise.scenario.models import (
    ConditionMeasure, IndicatorMeasure, ResponseMeasure, StartAfter, StartAt, StartWhen,
)
from exercise.scenario.types import format_minutes
from exercise.scenario.yamlsafe import Located


@dataclass
class _Linter:
    loaded: LoadedScenario
    located: Located | None = None  # where problems point: the scenario, or a playbook
    problems: list[Problem] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.located = self.located or self.loaded.located
        s = self.loaded.scenario
        self.end = s.metadata.duration
        self.teams_by_id = {t.id: t for t in s.teams}
        self.teams = set(self.teams_by_id)
        self.indicators = {i.id: i for i in s.indicators}
        self.objectives = {o.id for o in s.objectives}
        self.injects = {i.id: i for i in s.injects}
        self.adversaries = {a.id for a in s.adversaries}
        self.campaigns = {c.id: c for c in s.campaigns}
        self.stages = {f"{c.id}.{st.id}": st for c in s.campaigns for st in c.stages}
        self.domains = {c.domain for c in s.campaigns}
        # Responses some team can take (a decision option may only offer the deciding team's own).
        self.takeable = {r for t in s.teams for r in t.responses}

    def error(self, path: tuple, message: str, *, key: bool = False) -> None:
        self.problems.append(self.located.problem(path, message, key=key))

    def warn(self, path: tuple, message: str) -> None:
        self.problems.append(self.located.problem(path, message, severity="warning"))

    # --- references --------------------------------------------------------------------

    def need(self, kind: str, value: str | None, known: Iterable[str], path: tuple) -> bool:
        if value is None or value in known:
            return True
        self.error(path, f"unknown {kind} {value!r}{did_you_mean(value, known)}")
        return False

    def unique(self, kind: str, ids: list[str], base: tuple) -> None:
        seen: dict[str, int] = {}
        for i, ident in enumerate(ids):
            if ident in seen:
                self.error(base + (i, "id"), f"duplicate {kind} id {ident!r} (also item {seen[ident] + 1})")
            else:
                seen[ident] = i

    # --- the checks ----------------------------------------------------------------------

    def run(self) -> list[Problem]:
        s = self.loaded.scenario
        self.unique("objective", [o.id for o in s.objectives], ("objectives",))
        self.unique("team", [t.id for t in s.teams], ("teams",))
        self.unique("indicator", [i.id for i in s.indicators], ("indicators",))
        self.unique("adversary", [a.id for a in s.adversaries], ("adversaries",))
        self.unique("campaign", [c.id for c in s.campaigns], ("campaigns",))
        self.unique("inject", [i.id for i in s.injects], ("injects",))
        self.unique("custom response", [r.id for r in s.responses.custom], ("responses", "custom"))
        self.check_responses()
        self.check_teams()
        self.check_campaigns()
        self.check_injects()
        self.check_objectives()
        return sorted(set(self.problems))

    def check_responses(self) -> None:
        s = self.loaded.scenario
        catalogue = load_catalogue()
        for rid in s.responses.adjust:
            self.need("catalogue measure", rid, catalogue, ("responses", "adjust", rid))
        for i, custom in enumerate(s.responses.custom):
            if custom.id in catalogue:
                self.error(("responses", "custom", i, "id"),
                           f"{custom.id!r} is a catalogue measure; change it under responses.adjust instead")
        for rid in sorted(self.takeable):
            response = self.loaded.responses.get(rid)
            if response is None:
                continue  # reported where it is referenced
            where = self._response_origin(rid)
            for pre in response.preconditions:
                for _, node in walk(pre):
                    if isinstance(node, IndicatorIs) and node.indicator not in self.indicators:
                        self.warn(where, f"{rid} has a precondition on indicator {node.indicator!r}, "
                                         "which this scenario does not define: it will always be refused")
                    if isinstance(node, DomainDetected) and node.detected not in self.domains:
                        self.warn(where, f"{rid} needs a detected {node.detected} campaign, "
                                         "and this scenario has none: it will always be refused")
            for effect in response.effects:
                if effect.indicator not in self.indicators:
                    self.warn(where, f"{rid} changes indicator {effect.indicator!r}, "
                                     "which this scenario does not define: that effect is ignored")

    def _response_origin(self, rid: str) -> tuple:
        for ti, team in enumerate(self.loaded.scenario.teams):
            if rid in team.responses:
                return ("teams", ti, "responses", team.responses.index(rid))
        return ("teams",)

    def check_teams(self) -> None:
        for ti, team in enumerate(self.loaded.scenario.teams):
            if not team.responses:
                self.warn(("teams", ti), f"team {team.id!r} may take no response")
            for ri, rid in enumerate(team.responses):
                self.need("response", rid, self.loaded.responses, ("teams", ti, "responses", ri))
            if len(set(team.responses)) != len(team.responses):
                self.warn(("teams", ti, "responses"), f"team {team.id!r} lists a response twice")

    def check_campaigns(self) -> None:
        for ci, campaign in enumerate(self.loaded.scenario.campaigns):
            base = ("campaigns", ci)
            self.need("adversary", campaign.adversary, self.adversaries, base + ("adversary",))
            self.unique("stage", [st.id for st in campaign.stages], base + ("stages",))
            for si, stage in enumerate(campaign.stages):
                here = base + ("stages", si)
                start = stage.start
                if isinstance(start, StartAt) and start.at > self.end:
                    self.warn(here + ("start", "at"),
                              f"stage starts at T+{format_minutes(start.at)}, after the end "
                              f"(T+{format_minutes(self.end)}): it never happens")
                elif isinstance(start, StartAfter):
                    ref = self._qualify(campaign.id, start.after)
                    if self.need("stage", ref, self.stages, here + ("start", "after")):
                        if ref == f"{campaign.id}.{stage.id}":
                            self.error(here + ("start", "after"), "a stage cannot start after itself")
                        elif start.on == "detected" and self.stages[ref].detection is None:
                            self.warn(here + ("start", "on"),
                                      f"{ref} is never detected (no 'detection'), so this stage never starts")
                elif isinstance(start, StartWhen):
                    self.check_condition(start.when, here + ("start", "when"))
                for ei, effect in enumerate(stage.effects):
                    self.need("indicator", effect.indicator, self.indicators, here + ("effects", ei, "indicator"))
                if stage.detection is not None:
                    d = here + ("detection",)
                    self.need("team", stage.detection.by, self.teams, d + ("by",))
                    self.need("inject", stage.detection.inject, self.injects, d + ("inject",))
        self.check_cycles()

    def _qualify(self, campaign_id: str, ref: str) -> str:
        return ref if "." in ref else f"{campaign_id}.{ref}"

    def check_cycles(self) -> None:
        graph: dict[str, tuple[str, tuple]] = {}
        for ci, campaign in enumerate(self.loaded.scenario.campaigns):
            for si, stage in enumerate(campaign.stages):
                if isinstance(stage.start, StartAfter):
                    graph[f"{campaign.id}.{stage.id}"] = (
                        self._qualify(campaign.id, stage.start.after),
                        ("campaigns", ci, "stages", si, "start", "after"),
                    )
        reported: set[str] = set()
        for origin in graph:
            chain, node = [origin], graph[origin][0]
            while node in graph and node not in chain:
                chain.append(node)
                node = graph[node][0]
            if node in chain and node not in reported:
                loop = chain[chain.index(node):]
                reported.update(loop)
                first = min(loop)
                self.error(graph[first][1], "stages wait on each other in a cycle and never start: "
                                            + " -> ".join(loop + [node]))

    def check_condition(self, condition: Condition, base: tuple) -> None:
        for path, node in walk(condition, base):
            if isinstance(node, IndicatorIs):
                ind = self.indicators.get(node.indicator)
                if self.need("indicator", node.indicator, self.indicators, path + ("indicator",)) and ind:
                    if node.above is not None and node.above >= ind.max:
                        self.warn(path + ("above",), f"{ind.id} can never be above {node.above:g} "
                                                     f"(its max is {ind.max:g}): this never fires")
                    if node.below is not None and node.below <= ind.min:
                        self.warn(path + ("below",), f"{ind.id} can never be below {node.below:g} "
                                                     f"(its min is {ind.min:g}): this never fires")
            elif isinstance(node, StageIs):
                if self.need("stage", node.stage, self.stages, path + ("stage",)):
                    if node.is_ == "detected" and self.stages[node.stage].detection is None:
                        self.warn(path + ("is",), f"{node.stage} has no 'detection', so it is never detected")
            elif isinstance(node, ResponseIs):
                if self.need("response", node.response, self.loaded.responses, path + ("response",)):
                    if node.response not in self.takeable:
                        self.warn(path + ("response",), f"no team can take {node.response}, so this never fires")
                self.need("team", node.team, self.teams, path + ("team",))
            elif isinstance(node, InjectIs):
                self.need("inject", node.inject, self.injects, path + ("inject",))
            elif isinstance(node, DecisionIs):
                inject = self.injects.get(node.decision)
                if self.need("inject", node.decision, self.injects, path + ("decision",)):
                    if inject.decision is None:
                        self.error(path + ("decision",), f"inject {node.decision!r} has no decision point")
                    else:
                        options = [o.id for o in inject.decision.options]
                        self.need("option", node.chose, options, path + ("chose",))
            elif isinstance(node, DomainDetected):
                if node.detected not in self.domains:
                    self.warn(path, f"no campaign is in the {node.detected} domain, so this never fires")
            elif isinstance(node, Escalated):
                if node.escalation != "any" and self.need(
                        "response", node.escalation, self.loaded.responses, path + ("escalation",)):
                    if not self.loaded.responses[node.escalation].escalation_risk:
                        self.warn(path + ("escalation",),
                                  f"{node.escalation} has no escalation risk, so this never fires")
            elif isinstance(node, TimeWindow):
                if node.after is not None and node.after >= self.end:
                    self.warn(path + ("after",), f"T+{format_minutes(node.after)} is at or after the end "
                                                 f"(T+{format_minutes(self.end)}): this never fires")

    def check_injects(self) -> None:
        s = self.loaded.scenario
        fired_by_reference = {st.detection.inject for st in self.stages.values() if st.detection}
        fired_by_reference |= {e.contingency for i in s.injects for e in i.expects}
        for ii, inject in enumerate(s.injects):
            base = ("injects", ii)
            for ti, team in enumerate(inject.to):
                if team != "all":
                    self.need("team", team, self.teams, base + ("to", ti))
            for oi, obj in enumerate(inject.objectives):
                self.need("objective", obj, self.objectives, base + ("objectives", oi))
            if inject.at is not None and inject.at > self.end:
                self.warn(base + ("at",), f"inject is at T+{format_minutes(inject.at)}, after the end "
                                          f"(T+{format_minutes(self.end)}): it is never delivered")
            if inject.when is not None:
                self.check_condition(inject.when, base + ("when",))
            if inject.at is None and inject.when is None and inject.id not in fired_by_reference:
                self.warn(base, f"inject {inject.id!r} has no 'at' or 'when' and no detection or "
                                "contingency delivers it: it is never delivered")
            for ei, expected in enumerate(inject.expects):
                e = base + ("expects", ei)
                if self.need("response", expected.response, self.loaded.responses, e + ("response",)):
                    self.check_team_may(expected.team, expected.response, e)
                self.need("team", expected.team, self.teams, e + ("team",))
                if self.need("inject", expected.contingency, self.injects, e + ("contingency",)):
                    if expected.contingency == inject.id:
                        self.error(e + ("contingency",), "an inject cannot be its own contingency")
            if inject.decision is not None:
                d = base + ("decision",)
                self.need("team", inject.decision.team, self.teams, d + ("team",))
                team = self.teams_by_id.get(inject.decision.team)
                for oi, option in enumerate(inject.decision.options):
                    for ri, rid in enumerate(option.responses):
                        where = d + ("options", oi, "responses", ri)
                        if self.need("response", rid, self.loaded.responses, where) and team is not None \
                                and rid not in team.responses:
                            self.error(where, f"team {team.id!r} decides here but may not take {rid} "
                                              "(add it to the team's responses or give the decision to a team that may)")

    def check_team_may(self, team_id: str | None, rid: str, path: tuple) -> None:
        teams = self.loaded.scenario.teams
        if team_id is None:
            if not any(rid in t.responses for t in teams):
                self.warn(path + ("response",), f"no team may take {rid}, so this expectation can never be met")
            return
        team = next((t for t in teams if t.id == team_id), None)
        if team is not None and rid not in team.responses:
            self.warn(path + ("response",), f"team {team_id!r} may not take {rid} (not in its responses)")

    def check_objectives(self) -> None:
        s = self.loaded.scenario
        exercised = {o for i in s.injects for o in i.objectives}
        for oi, objective in enumerate(s.objectives):
            base = ("objectives", oi)
            m = objective.measure
            mpath = base + ("measure",)
            if isinstance(m, IndicatorMeasure):
                self.need("indicator", m.indicator, self.indicators, mpath + ("indicator",))
                if m.from_ >= self.end:
                    self.warn(mpath + ("from",), "the window starts after the end of the exercise")
            elif isinstance(m, ResponseMeasure):
                if self.need("response", m.response, self.loaded.responses, mpath + ("response",)):
                    self.check_team_may(m.team, m.response, mpath)
                self.need("team", m.team, self.teams, mpath + ("team",))
                if m.after is not None:
                    if self.need("stage", m.after, self.stages, mpath + ("after",)):
                        if self.stages[m.after].detection is None:
                            self.warn(mpath + ("after",), f"{m.after} is never detected, so the clock never starts")
            elif isinstance(m, ConditionMeasure):
                self.check_condition(m.condition, mpath + ("condition",))
            if objective.id not in exercised:
                self.warn(base, f"objective {objective.id!r} is exercised by no inject (list it under an inject's 'objectives')")


def lint(loaded: LoadedScenario) -> list[Problem]:
    """Every error and warning, in file order."""
    return _Linter(loaded).run()


def lint_playbook(playbook, located: Located, loaded: LoadedScenario) -> list[Problem]:  # noqa: ANN001
    """Check a playbook against the scenario it is meant for; positions point into the playbook."""
    linter = _Linter(loaded, located)
    if playbook.scenario != loaded.scenario.metadata.id:
        linter.error(("scenario",), f"this playbook is for scenario {playbook.scenario!r}, "
                                    f"not {loaded.scenario.metadata.id!r}")
    for i, rule in enumerate(playbook.rules):
        base = ("rules", i)
        linter.check_condition(rule.when, base + ("when",))
        if linter.need("team", rule.team, linter.teams, base + ("team",)) and \
                linter.need("response", rule.take, loaded.responses, base + ("take",)):
            if rule.take not in linter.teams_by_id[rule.team].responses:
                linter.error(base + ("take",), f"team {rule.team!r} may not take {rule.take}")
    for inject_id, option in playbook.decisions.items():
        where = ("decisions", inject_id)
        inject = linter.injects.get(inject_id)
        if linter.need("inject", inject_id, linter.injects, where):
            if inject.decision is None:
                linter.error(where, f"inject {inject_id!r} has no decision point")
            else:
                linter.need("option", option, [o.id for o in inject.decision.options], where)
    return sorted(set(linter.problems))
