"""Checks a valid scenario for what the schema cannot see.

Errors: references to things that do not exist, duplicate ids, cycles in
stage dependencies. Warnings: things that can never happen (triggers that
cannot fire, injects after the end or never delivered), objectives nothing
exercises, measures a team cannot use.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from exercise.scenario.catalogue import load_catalogue, load_findings, load_tags, not_open_to
from exercise.scenario.conditions import (
    All, Any_, Condition, DecisionIs, DomainDetected, Escalated, FindingIs, IndicatorIs, InjectIs, Not, ResponseIs,
    StageIs, TimeWindow, walk,
)
from exercise.scenario.errors import Problem, did_you_mean
from exercise.scenario.loader import LoadedScenario, ways_to_establish
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
        self.findings = self.loaded.findings
        self._origins: dict[str, tuple] | None = None
        self.establishable = ways_to_establish(s, self.loaded.responses, self.findings)

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
                line, _ = self.located.position(base + (seen[ident], "id"))
                self.error(base + (i, "id"), f"duplicate {kind} id {ident!r} (first used on line {line})")
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
        self.check_findings()
        self.check_responses()
        self.check_tags()
        self.check_law()
        self.check_in_force_at_start()
        self.check_channels()
        self.check_teams()
        self.check_indicators()
        self.check_campaigns()
        self.check_injects()
        self.check_objectives()
        self.check_evaluation()
        self.check_uncertainty()
        return sorted(set(self.problems))

    def check_uncertainty(self) -> None:
        for k, u in enumerate(self.loaded.scenario.uncertainty):
            if u.of in ("lead_time", "approval"):
                self.need("response", u.target, self.loaded.responses, ("uncertainty", k, "target"))
            else:
                self.need("stage", u.target, self.stages, ("uncertainty", k, "target"))
                stage = self.stages.get(u.target)
                if u.of == "detection" and stage is not None and stage.detection is None:
                    self.error(("uncertainty", k, "of"), f"stage {u.target!r} has no detection to vary")

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
            for fid in response.needs:
                if fid in self.findings and fid not in self.establishable:
                    self.warn(where, f"{rid} needs '{self.findings[fid].name}' ({fid}) and nothing in this scenario "
                                     "establishes it (a measure, a detection, a decision option or a finding's "
                                     "'when'): it will always be refused")
            counters = response.counters
            acts = min(counters.success, counters.effect, counters.detection, counters.outage) < 1.0
            if counters.domains and acts and not counters.tags:
                self.warn(where, f"{rid} has counters but no tags, so it counters nothing: give its counters "
                                 "the tags it really acts on (e.g. tags: [ddos, ransomware])")
            for pre in response.preconditions:
                dead = self.never(pre, ())
                if dead is not None:
                    self.warn(where, f"{rid} has a precondition that never holds here ({dead[1]}): "
                                     "it will always be refused")
            for effect in response.effects:
                indicator = self.indicators.get(effect.indicator)
                if indicator is None:
                    self.warn(where, f"{rid} changes indicator {effect.indicator!r}, "
                                     "which this scenario does not define: that effect is ignored")
                elif effect.recover is not None and indicator.dynamics is not None \
                        and indicator.dynamics.model != "linear":
                    self.error(where, f"{rid} makes {effect.indicator!r} recover, but that indicator follows the "
                                      f"{indicator.dynamics.model} model, which has no baseline to return to: "
                                      "give it a 'rate' effect instead")

    def check_findings(self) -> None:
        """Every finding named anywhere exists; a scenario finding's 'when' is a sound trigger."""
        s = self.loaded.scenario
        self.unique("finding", [f.id for f in s.findings], ("findings",))
        for fi, finding in enumerate(s.findings):
            if finding.when is not None:
                self.check_condition(finding.when, ("findings", fi, "when"))
        for key, measures in (("custom", enumerate(s.responses.custom)), ("adjust", s.responses.adjust.items())):
            for ref, measure in measures:
                for field_ in ("needs", "establishes"):
                    for k, fid in enumerate(getattr(measure, field_, None) or ()):
                        self.need("finding", fid, self.findings, ("responses", key, ref, field_, k))
                for k, later in enumerate(getattr(measure, "may_establish", None) or ()):
                    self.need("finding", later.finding, self.findings,
                              ("responses", key, ref, "may_establish", k, "finding"))
        for ci, campaign in enumerate(s.campaigns):
            for si, stage in enumerate(campaign.stages):
                for k, fid in enumerate(stage.detection.establishes if stage.detection else ()):
                    self.need("finding", fid, self.findings,
                              ("campaigns", ci, "stages", si, "detection", "establishes", k))
        for ii, inject in enumerate(s.injects):
            for oi, option in enumerate(inject.decision.options if inject.decision else ()):
                for k, fid in enumerate(option.establishes):
                    self.need("finding", fid, self.findings,
                              ("injects", ii, "decision", "options", oi, "establishes", k))
                if option.about is not None:
                    self.need("campaign", option.about, self.campaigns,
                              ("injects", ii, "decision", "options", oi, "about"))
        packaged = load_findings()
        for fi, finding in enumerate(s.findings):
            judged = finding.judgement or (finding.id in packaged and packaged[finding.id].judgement)
            if judged and finding.when is not None:  # a scenario's copy of a catalogue judgement
                self.error(("findings", fi, "when"), f"{finding.id!r} is a judgement: a decision option or a "
                                                     "measure establishes it, not a threshold")

    def check_law(self) -> None:
        """Each team is offered only measures its state or body may take, and only instruments in force."""
        s = self.loaded.scenario
        polities = {p.id for p in s.polities}
        self.unique("polity", [p.id for p in s.polities], ("polities",))
        start = s.metadata.at(0).date()
        for ti, team in enumerate(s.teams):
            if team.polity is not None:
                if team.level != "national":
                    self.error(("teams", ti, "polity"), "only a national team belongs to a polity; an EU, "
                                                        "international, private or civil-society body does not")
                self.need("polity", team.polity, polities, ("teams", ti, "polity"))
            who, name = s.standing(team)
            for ri, rid in enumerate(team.responses):
                response = self.loaded.responses.get(rid)
                if response is None:
                    continue
                reason = not_open_to(response, who, name)
                if reason is not None:
                    self.warn(("teams", ti, "responses", ri), f"{team.id} may not take {rid}: {reason}; it will "
                                                              "be refused (offer it to the body that may)")
                law = response.in_force
                if law is None or s.metadata.anachronisms:
                    continue
                if law.from_ is not None and start < law.from_:
                    self.warn(("teams", ti, "responses", ri),
                              f"{rid} applies only from {law.from_.isoformat()} ({law.source}), after this "
                              f"scenario's start ({start.isoformat()}): it will be refused; set "
                              "metadata.anachronisms to say why it is offered anyway")
                elif law.until is not None and start >= law.until:
                    self.warn(("teams", ti, "responses", ri),
                              f"{rid} stopped applying on {law.until.isoformat()} ({law.source}): it will be refused")

    def check_in_force_at_start(self) -> None:
        for k, standing in enumerate(self.loaded.scenario.responses.in_force_at_start):
            path = ("responses", "in_force_at_start", k)
            if self.need("team", standing.team, self.teams, path + ("team",)) and \
                    self.need("response", standing.response, self.loaded.responses, path + ("response",)) and \
                    standing.response not in self.teams_by_id[standing.team].responses:
                self.error(path + ("response",), f"{standing.team} does not hold {standing.response}: add it to "
                                                 "the team's responses, or name the team that took it")

    def check_channels(self) -> None:
        """A channel's reach follows an indicator the scenario has."""
        for ii, inject in enumerate(self.loaded.scenario.injects):
            reach = getattr(inject.form, "reach", None)
            if reach is not None:
                self.need("indicator", reach.indicator, self.indicators, ("injects", ii, "channel", "reach",
                                                                          "indicator"))
        for fi, feed in enumerate(self.loaded.scenario.feeds):
            self.need("indicator", feed.indicator, self.indicators, ("feeds", fi, "indicator"))
            for ti, team in enumerate(feed.to):
                if team != "all":
                    self.need("team", team, self.teams, ("feeds", fi, "to", ti))
        self.unique("feed", [f.id for f in self.loaded.scenario.feeds], ("feeds",))

    def check_tags(self) -> None:
        """Stage and campaign tags are ones measures can act on: a typo counters nothing, silently."""
        known = set(load_tags()) | {t for r in self.loaded.responses.values() for t in r.counters.tags}
        for ci, campaign in enumerate(self.loaded.scenario.campaigns):
            places = [(("campaigns", ci, "tags", k), tag) for k, tag in enumerate(campaign.tags)]
            places += [(("campaigns", ci, "stages", si, "tags", k), tag)
                       for si, stage in enumerate(campaign.stages) for k, tag in enumerate(stage.tags)]
            for path, tag in places:
                if tag not in known:
                    self.warn(path, f"no measure acts on tag {tag!r}: use one of the catalogue's tags"
                                    f"{did_you_mean(tag, known)}, or give a measure's counters this tag")

    def _response_origin(self, rid: str) -> tuple:
        if self._origins is None:  # one pass, not one scan of every team per measure
            self._origins = {}
            for ti, team in enumerate(self.loaded.scenario.teams):
                for ri, listed in enumerate(team.responses):
                    self._origins.setdefault(listed, ("teams", ti, "responses", ri))
        return self._origins.get(rid, ("teams",))

    def check_indicators(self) -> None:
        for ii, indicator in enumerate(self.loaded.scenario.indicators):
            for ti, team in enumerate(indicator.visible_to or ()):
                self.need("team", team, self.teams, ("indicators", ii, "visible_to", ti))
            for team in indicator.observed_by or {}:
                if team != "all":
                    self.need("team", team, self.teams, ("indicators", ii, "observed_by", team))
            everyone = indicator.observed_by is None and not indicator.visible_to
            live_to_all = indicator.observed_by is not None and "all" in indicator.observed_by and \
                indicator.observed_by["all"].lag == 0 and indicator.observed_by["all"].every is None
            if everyone or live_to_all:
                self.warn(("indicators", ii), f"every team sees {indicator.id!r} as it truly is, the moment it "
                                              "changes: give 'observed_by' (who learns it, with what lag) as the "
                                              "bodies played would")

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
                    attempt = stage.detection.attempt
                    if attempt is not None:
                        self.need("inject", attempt.inject, self.injects, d + ("attempt", "inject"))
                        if attempt.inject is not None and attempt.inject == stage.detection.inject:
                            self.error(d + ("attempt", "inject"),
                                       "a failed attempt needs its own inject: this one is written for the success")
                    if stage.success == 1.0 and attempt is not None:
                        self.warn(d + ("attempt",), "this stage always succeeds (success 1.0), so the attempt "
                                                    "is never what players see")
        self.check_cycles()

    def _qualify(self, campaign_id: str, ref: str) -> str:
        return ref if "." in ref else f"{campaign_id}.{ref}"

    def check_cycles(self) -> None:
        """Stages and injects that wait on each other, through 'after' or through 'when' conditions."""
        graph: dict[str, list[tuple[str, tuple]]] = defaultdict(list)  # node -> [(what it waits on, where)]
        for ci, campaign in enumerate(self.loaded.scenario.campaigns):
            for si, stage in enumerate(campaign.stages):
                node, here = f"stage {campaign.id}.{stage.id}", ("campaigns", ci, "stages", si, "start")
                if isinstance(stage.start, StartAfter):
                    graph[node].append((f"stage {self._qualify(campaign.id, stage.start.after)}", here + ("after",)))
                elif isinstance(stage.start, StartWhen):
                    graph[node] += [(need, here + ("when",)) for need in sorted(_required(stage.start.when))]
        for ii, inject in enumerate(self.loaded.scenario.injects):
            if inject.when is not None:
                graph[f"inject {inject.id}"] += [(need, ("injects", ii, "when"))
                                                 for need in sorted(_required(inject.when))]
        reported: set[frozenset[str]] = set()
        for origin in sorted(graph):
            for loop in _cycles_from(origin, graph):
                if frozenset(loop) in reported:
                    continue
                reported.add(frozenset(loop))  # loop starts at its smallest node: see _cycles_from
                where = next(w for target, w in graph[loop[0]] if target == loop[1 % len(loop)])
                if all(n.startswith("stage ") for n in loop):
                    names = [n.removeprefix("stage ") for n in loop]
                    self.error(where, "stages wait on each other in a cycle and never start: "
                                      + " -> ".join(names + names[:1]))
                else:
                    self.error(where, "these wait on each other in a cycle and never happen: "
                                      + " -> ".join(loop + loop[:1]))

    def check_condition(self, condition: Condition, base: tuple, *, trigger: bool = True) -> None:
        """References in every leaf; for a trigger, whether it can ever fire, or fires at once."""
        known = len(self.problems)
        for path, node in walk(condition, base):
            if isinstance(node, IndicatorIs):
                ind = self.indicators.get(node.indicator)
                if self.need("indicator", node.indicator, self.indicators, path + ("indicator",)) and ind:
                    self.check_threshold(node, ind, path)
            elif isinstance(node, StageIs):
                self.need("stage", node.stage, self.stages, path + ("stage",))
            elif isinstance(node, ResponseIs):
                self.need("response", node.response, self.loaded.responses, path + ("response",))
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
            elif isinstance(node, Escalated):
                if node.escalation != "any":
                    self.need("response", node.escalation, self.loaded.responses, path + ("escalation",))
            elif isinstance(node, FindingIs):
                self.need("finding", node.finding, self.findings, path + ("finding",))
        if not trigger or any(p.severity == "error" for p in self.problems[known:]):
            return  # a broken reference is reported as such, not as a trigger that never fires
        dead = self.never(condition, base)
        if dead is not None:
            self.warn(dead[0], f"{dead[1]}: this never fires")
        elif any(isinstance(n, IndicatorIs) for _, n in walk(condition)) and self.holds_at_start(condition):
            self.warn(base, "this condition already holds at T+0, so it fires at once "
                            "(give a time with 'at' instead, or a threshold the indicator has not reached)")

    def check_threshold(self, node: IndicatorIs, ind, path: tuple) -> None:  # noqa: ANN001
        """A threshold outside the indicator's range is always (or never) passed: usually a unit slip."""
        scale = f" (it runs from {ind.min:g} to {ind.max:g}; a share of 1 is written 1.0, not 100)"
        if node.above is not None and node.above < ind.min:
            self.warn(path + ("above",), f"{ind.id} is always above {node.above:g}{scale}")
        if node.below is not None and node.below > ind.max:
            self.warn(path + ("below",), f"{ind.id} is always below {node.below:g}{scale}")

    def never(self, c: Condition, path: tuple) -> tuple[tuple, str] | None:
        """(where, why) if the condition can never hold in this scenario; None if it might."""
        if isinstance(c, All):
            return next((d for i, x in enumerate(c.all) if (d := self.never(x, path + ("all", i)))), None)
        if isinstance(c, Any_):
            dead = [self.never(x, path + ("any", i)) for i, x in enumerate(c.any)]
            if all(dead):
                return path, "none of its alternatives can happen: " + "; ".join(d[1] for d in dead)
            return None
        if isinstance(c, IndicatorIs):
            ind = self.indicators.get(c.indicator)
            if ind is None:
                return path + ("indicator",), f"indicator {c.indicator!r} is not defined in this scenario"
            if c.above is not None and c.above >= ind.max:
                return path + ("above",), f"{ind.id} can never be above {c.above:g} (its max is {ind.max:g})"
            if c.below is not None and c.below <= ind.min:
                return path + ("below",), f"{ind.id} can never be below {c.below:g} (its min is {ind.min:g})"
        elif isinstance(c, StageIs):
            stage = self.stages.get(c.stage)
            if stage is not None and c.is_ == "detected" and stage.detection is None:
                return path + ("is",), f"{c.stage} has no 'detection', so it is never detected"
        elif isinstance(c, ResponseIs):
            if c.response in self.loaded.responses and c.response not in self.takeable:
                return path + ("response",), f"no team can take {c.response}"
        elif isinstance(c, DomainDetected):
            if c.detected not in self.domains:
                return path, f"no campaign is in the {c.detected} domain"
        elif isinstance(c, Escalated):
            risky = self.loaded.responses.get(c.escalation)
            if risky is not None and not risky.escalation_risk:
                return path + ("escalation",), f"{c.escalation} has no escalation risk"
        elif isinstance(c, FindingIs):
            if c.finding in self.findings and c.finding not in self.establishable:
                return path + ("finding",), f"nothing in this scenario establishes {c.finding}"
        elif isinstance(c, TimeWindow):
            if c.after is not None and c.after >= self.end:
                return path + ("after",), (f"T+{format_minutes(c.after)} is at or after the end "
                                           f"(T+{format_minutes(self.end)})")
        return None

    def holds_at_start(self, c: Condition) -> bool:
        """Whether the condition holds at T+0, before anything has happened."""
        if isinstance(c, All):
            return all(self.holds_at_start(x) for x in c.all)
        if isinstance(c, Any_):
            return any(self.holds_at_start(x) for x in c.any)
        if isinstance(c, Not):
            return not self.holds_at_start(c.not_)
        if isinstance(c, IndicatorIs):
            ind = self.indicators.get(c.indicator)
            return ind is not None and (c.above is None or ind.initial > c.above) and \
                (c.below is None or ind.initial < c.below)
        if isinstance(c, TimeWindow):
            return (c.after is None or c.after <= 0) and (c.before is None or c.before > 0)
        if isinstance(c, FindingIs):
            finding = self.findings.get(c.finding)
            return finding is not None and finding.holds_at_start
        return False  # stages, injects, responses, decisions, detections: nothing has happened yet

    def check_injects(self) -> None:
        s = self.loaded.scenario
        fired_by_reference = {st.detection.inject for st in self.stages.values() if st.detection}
        fired_by_reference |= {st.detection.attempt.inject for st in self.stages.values()
                               if st.detection and st.detection.attempt}
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
                    self.check_team_may(expected.team, expected.response, e, "expectation")
                if self.need("team", expected.team, self.teams, e + ("team",)) and expected.team is not None \
                        and "all" not in inject.to and expected.team not in inject.to \
                        and all(t in self.teams for t in inject.to):  # an unknown recipient is reported already
                    self.warn(e + ("team",), f"team {expected.team!r} is expected to answer {inject.id}, "
                                             f"which is sent only to {', '.join(inject.to)}: it never learns of it")
                if inject.at is not None and inject.at + expected.within > self.end:
                    self.warn(e + ("within",), f"the deadline (T+{format_minutes(inject.at + expected.within)}) "
                                               f"is after the end (T+{format_minutes(self.end)}): "
                                               "a miss is never reported and its contingency never sent")
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

    def check_indicator_measure(self, m: IndicatorMeasure, ind, path: tuple) -> None:  # noqa: ANN001
        """Bounds an indicator can never meet, or always meets: usually a unit slip (40 for 0.40)."""
        scale = f" (it runs from {ind.min:g} to {ind.max:g})"
        if m.above is not None and m.above > ind.max:
            self.warn(path + ("above",), f"{ind.id} can never be at or above {m.above:g}{scale}: "
                                         "this objective can never be met")
        if m.below is not None and m.below < ind.min:
            self.warn(path + ("below",), f"{ind.id} can never be at or below {m.below:g}{scale}: "
                                         "this objective can never be met")
        if (m.above is None or m.above <= ind.min) and (m.below is None or m.below >= ind.max):
            self.warn(path, f"{ind.id} always stays within these bounds{scale}: this objective is always met")

    def check_team_may(self, team_id: str | None, rid: str, path: tuple, what: str) -> None:
        teams = self.loaded.scenario.teams
        if team_id is None:
            if not any(rid in t.responses for t in teams):
                self.warn(path + ("response",), f"no team may take {rid}, so this {what} can never be met")
            return
        team = next((t for t in teams if t.id == team_id), None)
        if team is not None and rid not in team.responses:
            self.warn(path + ("response",), f"team {team_id!r} may not take {rid} (not in its responses)")

    def check_evaluation(self) -> None:
        """Critical tasks and evaluator seats name teams, injects and measures the scenario has."""
        s = self.loaded.scenario
        for oi, objective in enumerate(s.objectives):
            self.unique("task", [k.id for k in objective.tasks], ("objectives", oi, "tasks"))
            for ki, task in enumerate(objective.tasks):
                path = ("objectives", oi, "tasks", ki)
                for ti, team in enumerate(task.teams):
                    self.need("team", team, self.teams, path + ("teams", ti))
                self.need("inject", task.after, self.injects, path + ("after",))
                if self.need("response", task.response, self.loaded.responses, path + ("response",)) and \
                        task.response is not None:
                    for team in task.teams:
                        if team in self.teams and task.response not in self.teams_by_id[team].responses:
                            self.warn(path + ("response",), f"{team} does not hold {task.response}, so the "
                                                            "simulator never sees it done by that team")
                if task.after is None and task.within > self.end:
                    self.warn(path + ("within",), "due after the end of the exercise")
        self.unique("evaluator", [e.id for e in s.evaluators], ("evaluators",))
        self.unique("simulated body", [b.id for b in s.simulated_bodies], ("simulated_bodies",))
        for ei, evaluator in enumerate(s.evaluators):
            for ti, team in enumerate(evaluator.teams):
                self.need("team", team, self.teams, ("evaluators", ei, "teams", ti))

    def check_objectives(self) -> None:
        s = self.loaded.scenario
        exercised = {o for i in s.injects for o in i.objectives}
        for oi, objective in enumerate(s.objectives):
            base = ("objectives", oi)
            m = objective.measure
            mpath = base + ("measure",)
            if isinstance(m, IndicatorMeasure):
                if self.need("indicator", m.indicator, self.indicators, mpath + ("indicator",)):
                    self.check_indicator_measure(m, self.indicators[m.indicator], mpath)
                    dynamics = self.indicators[m.indicator].dynamics
                    if m.longest is not None and dynamics is not None and dynamics.model != "linear":
                        self.error(mpath + ("longest",), f"'longest' needs the linear model; {m.indicator!r} "
                                                         f"follows {dynamics.model}")
                if m.from_ >= self.end:
                    self.warn(mpath + ("from",), "the window starts after the end of the exercise")
                elif m.to is not None and m.to > self.end:
                    self.warn(mpath + ("to",), f"the window ends at T+{format_minutes(m.to)}, after the end "
                                               f"(T+{format_minutes(self.end)}): it is judged at the end")
            elif isinstance(m, ResponseMeasure):
                if self.need("response", m.response, self.loaded.responses, mpath + ("response",)):
                    self.check_team_may(m.team, m.response, mpath, "objective")
                self.need("team", m.team, self.teams, mpath + ("team",))
                if m.by is not None and m.by > self.end:
                    self.warn(mpath + ("by",), f"the deadline T+{format_minutes(m.by)} is after the end "
                                               f"(T+{format_minutes(self.end)}): it is judged at the end")
                if m.after is not None:
                    if self.need("stage", m.after, self.stages, mpath + ("after",)):
                        if self.stages[m.after].detection is None:
                            self.warn(mpath + ("after",), f"{m.after} is never detected, so the clock never starts")
            elif isinstance(m, ConditionMeasure):
                self.check_condition(m.condition, mpath + ("condition",), trigger=False)
                dead = self.never(m.condition, mpath + ("condition",))
                if dead is not None:
                    self.warn(dead[0], f"{dead[1]}: this objective can never be met")
                if m.at is not None and m.at > self.end:
                    self.warn(mpath + ("at",), f"judged at T+{format_minutes(m.at)}, after the end "
                                               f"(T+{format_minutes(self.end)}): it is never judged")
            if objective.id not in exercised:
                self.warn(base, f"objective {objective.id!r} is exercised by no inject (list it under an inject's 'objectives')")


def _required(c: Condition) -> set[str]:
    """Stages and injects that must have happened for the condition to hold, whichever way it holds."""
    if isinstance(c, StageIs):
        return {f"stage {c.stage}"}
    if isinstance(c, InjectIs):
        return {f"inject {c.inject}"}
    if isinstance(c, DecisionIs):
        return {f"inject {c.decision}"}
    if isinstance(c, All):
        return set().union(*(_required(x) for x in c.all))
    if isinstance(c, Any_):
        return set.intersection(*(_required(x) for x in c.any))
    return set()


def _cycles_from(origin: str, graph: dict[str, list[tuple[str, tuple]]]) -> list[list[str]]:
    """Every simple cycle through ``origin`` (depth-first; scenario graphs are small and sparse)."""
    found, stack = [], [(origin, [origin])]
    while stack:
        node, chain = stack.pop()
        for target, _ in graph.get(node, ()):
            if target == origin:
                found.append(chain)
            elif target not in chain and target > origin:  # each cycle once, from its smallest node
                stack.append((target, chain + [target]))
    return found


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
