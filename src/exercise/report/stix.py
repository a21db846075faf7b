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
    o = report.overview
    seed_key = f"{o.scenario_id}/{o.scenario_version}/{o.seed}"
    when = dt.datetime.fromisoformat(o.exercise_dates.start)

    def ident(kind: str, key: str) -> str:
        # Derived, so the same run gives the same bundle; shaped as version 4, as STIX asks of SDOs.
        return f"{kind}--{uuid.UUID(bytes=uuid.uuid5(_NAMESPACE, f'{seed_key}/{kind}/{key}').bytes, version=4)}"

    marking = _TLP[report.handling.tlp]
    author = stix2.Identity(id=ident("identity", "exercise"), name=f"exercise: {o.name}", identity_class="system",
                            description=WARNING + "The simulator that produced this exercise data.",
                            labels=LABELS, created=when, modified=when, object_marking_refs=[marking])
    common = {"created_by_ref": author.id, "labels": LABELS, "created": when, "modified": when,
              "object_marking_refs": [marking]}
    objects: list = [author]

    intrusion_sets = {}
    for threat in o.threat:
        key = threat.adversary
        intrusion_sets[key] = stix2.IntrusionSet(id=ident("intrusion-set", key), name=threat.adversary,
                                                 description=WARNING + f"A fictional {threat.kind} actor.",
                                                 **common)
    objects += intrusion_sets.values()

    patterns = {}
    for row in report.ground_truth:
        for technique in row.techniques:
            if technique in patterns:
                continue
            prefix, code = technique.split(":")
            frame = framework(prefix)
            patterns[technique] = stix2.AttackPattern(
                id=ident("attack-pattern", technique), name=frame.ids.get(code, code),
                description=WARNING + f"{frame.name} technique {code}, as the scenario uses it.",
                external_references=[{"source_name": _SOURCES[prefix], "external_id": code}], **common)
    objects += patterns.values()

    campaigns, relationships, courses = {}, [], {}
    names = {c.campaign: c.name for c in report.toolbox_gaps.campaigns}
    adversary_of = {}
    for threat in o.threat:
        for name in threat.campaigns:
            adversary_of[name] = threat.adversary
    for row in report.ground_truth:
        if row.campaign not in campaigns:
            campaigns[row.campaign] = stix2.Campaign(
                id=ident("campaign", row.campaign), name=names.get(row.campaign, row.campaign),
                description=WARNING + f"A {row.domain} campaign of the exercise.", **common)
            actor = adversary_of.get(names.get(row.campaign))
            if actor in intrusion_sets:
                relationships.append(stix2.Relationship(
                    id=ident("relationship", f"{row.campaign}/attributed-to"), relationship_type="attributed-to",
                    source_ref=campaigns[row.campaign].id, target_ref=intrusion_sets[actor].id, **common))
        for technique in row.techniques:
            key = f"{row.campaign}/uses/{technique}"
            if not any(r.id == ident("relationship", key) for r in relationships):
                relationships.append(stix2.Relationship(
                    id=ident("relationship", key), relationship_type="uses",
                    source_ref=campaigns[row.campaign].id, target_ref=patterns[technique].id, **common))
        for measure in row.countered_by:
            if measure not in courses:
                label = next((m.name for m in report.toolbox_gaps.measures if m.response == measure), measure)
                courses[measure] = stix2.CourseOfAction(
                    id=ident("course-of-action", measure), name=f"{measure} {label}",
                    description=WARNING + "A response measure that countered this stage in the exercise.",
                    **common)
            for technique in row.techniques:
                key = f"{measure}/mitigates/{technique}"
                if not any(r.id == ident("relationship", key) for r in relationships):
                    relationships.append(stix2.Relationship(
                        id=ident("relationship", key), relationship_type="mitigates",
                        source_ref=courses[measure].id, target_ref=patterns[technique].id, **common))
    objects += list(campaigns.values()) + list(courses.values()) + relationships
    bundle = stix2.Bundle(objects=objects, id=ident("bundle", "all"), allow_custom=False)
    return bundle.serialize(pretty=True) + "\n"
