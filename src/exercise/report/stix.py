"""The exercise's threat picture as a STIX 2.1 bundle (stix2), for threat-intelligence platforms.

One ``report`` object per session holds the picture: intrusion sets for the
adversaries, campaigns attributed to them, and the measures that countered a
stage as courses of action. Techniques are not re-made here: each is
referenced by the STIX id its publisher gives it (MITRE for ATT&CK Enterprise
and ICS, the DISARM Foundation for DISARM; the ids ship with the framework
lists), so an analyst's platform joins the exercise to the framework it
already holds, and no exercise label lands on a real technique.

Everything the exercise made is labelled exercise data, says so in its
description, and carries the report's TLP 2.0 marking: the official TLP 2.0
marking-definition object, included in the bundle (CLEAR and AMBER+STRICT are
never mapped to a TLP 1.0 level). Ids derive from the session's own id (the
journal's), so two sessions never share an object id, and the same journal
always gives the same bundle. ``created`` is when the session was played.
"""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

import stix2

from exercise.report.model import Report
from exercise.scenario.frameworks import framework

LABELS = ["exercise", "not-real"]
WARNING = "EXERCISE DATA - NOT REAL. "
_NAMESPACE = uuid.UUID("4b2c2a4e-8f0e-4f3c-9a8e-6f2f1d0c7a11")

# The TLP 2.0 marking definitions as OASIS publishes them (cti-stix-common-objects, extension
# definition 60a3c5c5): their ids, names and created time are part of the standard.
TLP2_EXTENSION = "extension-definition--60a3c5c5-0d10-413e-aab3-9e08dde9e88d"
TLP2_IDS = {
    "CLEAR": "marking-definition--94868c89-83c2-464b-929b-a1a8aa3c8487",
    "GREEN": "marking-definition--bab4a63c-aed9-4cf5-a766-dfca5abac2bb",
    "AMBER": "marking-definition--55d920b0-5e8b-4f79-9ee9-91f868d9b421",
    "AMBER+STRICT": "marking-definition--939a9414-2ddd-4d32-a0cd-375ea402b003",
    "RED": "marking-definition--e828b379-4e03-4974-9ac4-e53a884c97c1",
}


def tlp2_marking(level: str) -> dict[str, Any]:
    """The published TLP 2.0 marking-definition object of ``level`` (e.g. 'AMBER+STRICT')."""
    return {"type": "marking-definition", "spec_version": "2.1", "id": TLP2_IDS[level],
            "created": "2022-10-01T00:00:00.000Z", "name": f"TLP:{level}",
            "extensions": {TLP2_EXTENSION: {"extension_type": "property-extension", "tlp_2_0": level.lower()}}}


def technique_ref(technique: str) -> str:
    """The publisher's STIX id of a technique ('attack:T1566' -> MITRE's attack-pattern id)."""
    prefix, code = technique.split(":")
    return framework(prefix).stix[code]


def to_stix(report: Report, compare: Report | None = None) -> str:
    if compare is not None:
        raise ValueError("a STIX bundle holds one session's threat picture: export each session on its own")
    b = _Builder(report)
    actors = b.intrusion_sets()
    b.campaigns(actors)
    b.report_object()
    bundle = stix2.Bundle(objects=b.objects, id=b.ident("bundle", "all"), allow_custom=True)
    return bundle.serialize(pretty=True) + "\n"


class _Builder:
    """One bundle's objects, with identifiers derived from the session, so its journal gives the same bundle."""

    def __init__(self, report: Report) -> None:
        self.report = report
        o = report.overview
        self.key = o.session_id
        # When the session was played (the journal's creation); the exercise's own dates are fiction.
        when = dt.datetime.fromisoformat(o.played_on) if o.played_on else \
            dt.datetime.fromisoformat(o.exercise_dates.start)
        self.marking = stix2.parse(tlp2_marking(report.handling.tlp), allow_custom=True)
        contact = {"contact_information": o.contact} if o.contact else {}
        author = stix2.Identity(id=self.ident("identity", "exercise"), name=f"exercise: {o.name}",
                                identity_class="system",
                                description=WARNING + "The simulator that produced this exercise data.",
                                labels=LABELS, created=when, modified=when, object_marking_refs=[self.marking.id],
                                **contact)
        self.when = when
        self.common = {"created_by_ref": author.id, "labels": LABELS, "created": when, "modified": when,
                       "object_marking_refs": [self.marking.id]}
        self.objects: list = [self.marking, author]
        self.relationships: dict[str, stix2.Relationship] = {}

    def ident(self, kind: str, key: str) -> str:
        # Shaped as version 4, as STIX asks of SDOs.
        return f"{kind}--{uuid.UUID(bytes=uuid.uuid5(_NAMESPACE, f'{self.key}/{kind}/{key}').bytes, version=4)}"

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

    def campaigns(self, actors: dict[str, stix2.IntrusionSet]) -> None:
        """Each campaign, who it is attributed to, the techniques it used, and the measures that countered
        the stages that used them (only those stages: a measure mitigates what it actually met)."""
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
                            technique_ref(technique))
            for measure in row.countered_by:
                if measure not in courses:
                    label = next((m.name for m in report.toolbox_gaps.measures if m.response == measure), measure)
                    courses[measure] = stix2.CourseOfAction(
                        id=self.ident("course-of-action", measure), name=f"{measure} {label}",
                        description=WARNING + "A response measure that countered a stage in the exercise.",
                        **self.common)
                for technique in row.techniques:
                    self.relate(f"{measure}/mitigates/{technique}", "mitigates", courses[measure].id,
                                technique_ref(technique))
        self.objects += list(campaigns.values()) + list(courses.values()) + list(self.relationships.values())

    def report_object(self) -> None:
        """The session's one report, holding everything the exercise made (and the techniques it names)."""
        o = self.report.overview
        made = [obj.id for obj in self.objects if obj.type != "marking-definition"]
        named = sorted({rel.target_ref for rel in self.relationships.values()
                        if rel.target_ref.startswith("attack-pattern--")})
        self.objects.append(stix2.Report(
            id=self.ident("report", "session"), name=f"Exercise threat picture: {o.name}",
            description=WARNING + f"The threat picture of one session of the exercise '{o.name}' "
                                  f"(scenario {o.scenario_id} {o.scenario_version}, seed {o.seed}, "
                                  f"session {o.session_id}).",
            report_types=["campaign", "threat-actor"], published=self.when, object_refs=made + named,
            **self.common))
