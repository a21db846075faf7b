"""The exercise's threat picture as a STIX 2.1 bundle (stix2), for threat-intelligence platforms.

Intrusion sets for the adversaries, campaigns attributed to them, attack
patterns with their DISARM / ATT&CK / ATT&CK for ICS ids, and the measures
that countered a stage as courses of action that mitigate its techniques.
Every object is labelled exercise data, says so in its description, and
carries the report's TLP marking, so that nobody mistakes it for real
intelligence. Ids are derived from the scenario and the seed (uuid5), so the
same run gives the same bundle.

TLP: the stix2 library ships the TLP 1.0 marking definitions; TLP 2.0 levels
map to them as CLEAR -> WHITE, GREEN -> GREEN, AMBER and AMBER+STRICT ->
AMBER, RED -> RED (the report's own marking keeps the 2.0 level).
"""

from __future__ import annotations

import datetime as dt
import uuid

import stix2

from exercise.report.model import Report
from exercise.scenario.frameworks import framework

LABELS = ["exercise", "not-real"]
WARNING = "EXERCISE DATA - NOT REAL. "
_TLP = {"CLEAR": stix2.TLP_WHITE, "GREEN": stix2.TLP_GREEN, "AMBER": stix2.TLP_AMBER,
        "AMBER+STRICT": stix2.TLP_AMBER, "RED": stix2.TLP_RED}
_SOURCES = {"disarm": "DISARM", "attack": "mitre-attack", "ics": "mitre-ics-attack"}
_NAMESPACE = uuid.UUID("4b2c2a4e-8f0e-4f3c-9a8e-6f2f1d0c7a11")


def to_stix(report: Report, compare: Report | None = None) -> str:
    b = _Builder(report)
    actors = b.intrusion_sets()
    patterns = b.attack_patterns()
    b.campaigns(actors, patterns)
    bundle = stix2.Bundle(objects=b.objects, id=b.ident("bundle", "all"), allow_custom=False)
    return bundle.serialize(pretty=True) + "\n"


class _Builder:
    """One bundle's objects, with identifiers derived from the run, so the same run gives the same bundle."""

    def __init__(self, report: Report) -> None:
        self.report = report
        o = report.overview
        self.seed_key = f"{o.scenario_id}/{o.scenario_version}/{o.seed}"
        when = dt.datetime.fromisoformat(o.exercise_dates.start)
        marking = _TLP[report.handling.tlp]
        author = stix2.Identity(id=self.ident("identity", "exercise"), name=f"exercise: {o.name}",
                                identity_class="system",
                                description=WARNING + "The simulator that produced this exercise data.",
                                labels=LABELS, created=when, modified=when, object_marking_refs=[marking])
        self.common = {"created_by_ref": author.id, "labels": LABELS, "created": when, "modified": when,
                       "object_marking_refs": [marking]}
        self.objects: list = [author]
        self.relationships: dict[str, stix2.Relationship] = {}

    def ident(self, kind: str, key: str) -> str:
        # Shaped as version 4, as STIX asks of SDOs.
        return f"{kind}--{uuid.UUID(bytes=uuid.uuid5(_NAMESPACE, f'{self.seed_key}/{kind}/{key}').bytes, version=4)}"

    def relate(self, key: str, kind: str, source: str, target: str) -> None:
        """A relationship, once however often the run shows it."""
        ident = self.ident("relationship", key)
        if ident not in self.relationships:
            self.relationships[ident] = stix2.Relationship(id=ident, relationship_type=kind, source_ref=source,
                                                           target_ref=target, **self.common)

    def intrusion_sets(self) -> dict[str, stix2.IntrusionSet]:
        found = {t.adversary: stix2.IntrusionSet(id=self.ident("intrusion-set", t.adversary), name=t.adversary,
                                                 description=WARNING + f"A fictional {t.kind} actor.", **self.common)
                 for t in self.report.overview.threat}
        self.objects += found.values()
        return found

    def attack_patterns(self) -> dict[str, stix2.AttackPattern]:
        found: dict[str, stix2.AttackPattern] = {}
        for row in self.report.ground_truth:
            for technique in row.techniques:
                if technique in found:
                    continue
                prefix, code = technique.split(":")
                frame = framework(prefix)
                found[technique] = stix2.AttackPattern(
                    id=self.ident("attack-pattern", technique), name=frame.ids.get(code, code),
                    description=WARNING + f"{frame.name} technique {code}, as the scenario uses it.",
                    external_references=[{"source_name": _SOURCES[prefix], "external_id": code}], **self.common)
        self.objects += found.values()
        return found

    def campaigns(self, actors: dict[str, stix2.IntrusionSet], patterns: dict[str, stix2.AttackPattern]) -> None:
        """Each campaign, who it is attributed to, the techniques it used, and the measures that countered them."""
        report = self.report
        campaigns: dict[str, stix2.Campaign] = {}
        courses: dict[str, stix2.CourseOfAction] = {}
        names = {c.campaign: c.name for c in report.toolbox_gaps.campaigns}
        adversary_of = {name: t.adversary for t in report.overview.threat for name in t.campaigns}
        for row in report.ground_truth:
            if row.campaign not in campaigns:
                campaigns[row.campaign] = stix2.Campaign(
                    id=self.ident("campaign", row.campaign), name=names.get(row.campaign, row.campaign),
                    description=WARNING + f"A {row.domain} campaign of the exercise.", **self.common)
                actor = adversary_of.get(names.get(row.campaign, ""))
                if actor in actors:
                    self.relate(f"{row.campaign}/attributed-to", "attributed-to", campaigns[row.campaign].id,
                                actors[actor].id)
            for technique in row.techniques:
                self.relate(f"{row.campaign}/uses/{technique}", "uses", campaigns[row.campaign].id,
                            patterns[technique].id)
            for measure in row.countered_by:
                if measure not in courses:
                    label = next((m.name for m in report.toolbox_gaps.measures if m.response == measure), measure)
                    courses[measure] = stix2.CourseOfAction(
                        id=self.ident("course-of-action", measure), name=f"{measure} {label}",
                        description=WARNING + "A response measure that countered this stage in the exercise.",
                        **self.common)
                for technique in row.techniques:
                    self.relate(f"{measure}/mitigates/{technique}", "mitigates", courses[measure].id,
                                patterns[technique].id)
        self.objects += list(campaigns.values()) + list(courses.values()) + list(self.relationships.values())
