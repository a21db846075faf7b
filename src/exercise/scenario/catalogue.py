"""The response catalogue: real EU and national measures, as packaged data.

Facts follow the public texts each measure names in ``legal_basis`` and
``source``. Every number says where it comes from in ``provenance``: a lead time
set by law or anchored in a real case, or a design assumption; any of them can be
re-parameterised per scenario (``responses.adjust``), which then says why.

Legal preconditions that are not a number (a national attribution decision, an
armed aggression, a Board recommendation) are *findings*: named facts that hold
once a measure, a detection, a decision or a condition establishes them, and that
a measure ``needs`` before it can be taken. A finding about a campaign (``per_campaign``)
holds for the campaign it was established about only; a judgement (``judgement``) is made
by the body that makes it, in a decision or a measure, never by a threshold.

Counters act only on what a measure's ``tags`` name (the ``tags`` vocabulary below): a
measure counters a stage whose campaign is in one of its domains and whose tags (the
stage's, its campaign's and its adversary's kind) share one with it.
"""

from __future__ import annotations

import datetime as dt
from functools import lru_cache
from importlib import resources

from typing import Literal

from pydantic import Field, ValidationError, model_validator

from exercise.scenario.conditions import Condition
from exercise.scenario.distributions import Delay
from exercise.scenario.effects import Counters, Effect
from exercise.scenario.types import Duration, Id, Probability, Provenance, Strict, Text, is_design
from exercise.scenario.vocabulary import Category, Procedure, Toolbox

TOOLBOX_NAMES: dict[str, str] = {
    "hybrid": "EU Hybrid Toolbox",
    "fimi": "FIMI Toolbox",
    "cdt": "Cyber Diplomacy Toolbox",
    "dsa": "Digital Services Act",
    "cer_nis2": "NIS2, CER, the Blueprints and EU cyber legislation",
    "elections": "Election cooperation and political advertising",
    "shield": "European Democracy Shield",
    "media": "AI Act and media law",
    "justice": "Law enforcement and judicial cooperation",
    "nato": "NATO",
    "trade": "Trade and investment screening",
    "national": "National measures",
}


class CounterTag(Strict):
    """One thing measures can act on: a technique, a target, or the kind of actor behind a campaign."""

    id: Id = Field(description="Tag id, e.g. 'deepfake' or 'election_it'.")
    description: str = Field(min_length=1, description="What a stage carrying it is, and which measures act on it.")


class Finding(Strict):
    """A legal or political fact a measure can need, e.g. a national attribution decision."""

    id: Id = Field(description="Finding id, e.g. 'national_attribution'.")
    name: str = Field(min_length=1, description="The finding in a few words, as the picker names what is missing.")
    description: Text = Field("", description="What it means and who establishes it in reality.")
    source: str = Field("", description="Public text that makes it a precondition.")
    holds_at_start: bool = Field(False, description="Established before the exercise begins.")
    when: Condition | None = Field(
        None, description="Established automatically once this condition first holds (e.g. a stage detected); it "
                          "then stays established. Not for a judgement: a body makes that, in a decision.")
    per_campaign: bool = Field(
        False, description="Established about one campaign (the one a measure was taken against, or a detection "
                           "saw): a measure that needs it acts only against the campaigns it holds for.")
    judgement: bool = Field(
        False, description="A judgement of the body named (capacity overwhelmed, armed aggression): established by "
                           "a decision option or a measure, never by a threshold ('when').")

    @model_validator(mode="after")
    def _judged(self) -> Finding:
        if self.judgement and self.when is not None:
            raise ValueError(f"'{self.id}' is a judgement: a decision option or a measure establishes it, not a "
                             "'when' condition (offer the judgement as a decision when the situation calls for it)")
        return self


class Establishment(Strict):
    """A finding a measure may establish some time after it takes effect, e.g. an investigation's identification."""

    finding: Id = Field(description="Finding id, e.g. 'perpetrators_identified'.")
    chance: Probability = Field(description="Chance it is ever established this way (design estimate or a case).")
    after: Delay = Field(description="Time from the measure taking effect until it is established.")


# Who may take a measure: a state by its status towards the EU (and NATO), or a body by its kind.
Party = Literal["member_state", "candidate", "third_country", "nato_ally", "eu", "international", "private",
                "civil_society"]


class InForce(Strict):
    """Since when (and until when) the instrument a measure rests on applies, cited."""

    from_: dt.date | None = Field(None, alias="from", description="The date it applies from; empty: long-standing "
                                                                  "or national law, as the source says.")
    until: dt.date | None = Field(None, description="The date it stopped applying, if repealed.")
    source: str = Field(min_length=1, description="The act and date, e.g. 'Regulation (EU) 2025/38, in force 4 "
                                                  "February 2025'.")


class MeasureProvenance(Strict):
    """Where a measure's numbers come from."""

    lead_time: Provenance = Field(
        description="Lead time and duration: 'law: ...' (a deadline set by law), 'case: ...' (a real case) "
                    "or 'design'.")
    odds: Provenance = Field(description="Approval and escalation odds.")
    effects: Provenance = Field(description="Counter strengths, indicator effects and cost.")


class Response(Strict):
    """One response measure a team can take."""

    id: Id = Field(description="Measure id, e.g. 'HT-08' or 'FIMI-04'.")
    name: str = Field(min_length=1, description="Short name shown in the picker.")
    description: Text = Field("", description="What the measure is and does, for players.")
    toolbox: Toolbox = Field(description="Toolbox the measure belongs to.")
    category: Category = Field(description="Kind of measure within its toolbox.")
    decided_by: str = Field(min_length=1, description="Who decides, e.g. 'Council (CFSP)' or 'national CSIRT'.")
    procedure: Procedure = Field(description="How the decision is taken.")
    approval: Probability = Field(
        1.0, description="Chance the decision procedure agrees (e.g. unanimity); refused otherwise.")
    lead_time: Delay = Field(description="Time from the decision to the measure taking effect.")
    duration: Duration | None = Field(
        None, description="How long the measure stays in effect; empty means until the end.")
    requires: str = Field("", description="Preconditions in words, as the picker shows them.")
    preconditions: list[Condition] = Field(
        default_factory=list,
        description="Conditions checked when the measure is taken; all must hold or it is refused.")
    needs: list[Id] = Field(
        default_factory=list,
        description="Findings that must be established before the measure can be taken, e.g. "
                    "'national_attribution'; the picker names the missing ones.")
    establishes: list[Id] = Field(
        default_factory=list, description="Findings this measure establishes when it takes effect.")
    may_establish: list[Establishment] = Field(
        default_factory=list,
        description="Findings it may establish later, with a chance: an investigation identifies perpetrators "
                    "in months, if at all.")
    counters: Counters = Field(default_factory=Counters, description="What the measure weakens while active.")
    effects: list[Effect] = Field(
        default_factory=list, description="Indicator changes when the measure takes effect.")
    trade_off: str = Field(
        "", description="Why acting later may really serve an objective better (e.g. 'restoring supply before the "
                        "intrusion is cleared risks re-infection'). The guide and the report say it, and the audit "
                        "accepts the later-is-better timing it explains; without it, that is a modelling fault.")
    cost: int = Field(0, ge=0, le=10, description="Political capital spent (0-10).")
    escalation_risk: Probability = Field(
        0.0, description="Chance the adversary escalates in answer (design estimate).")
    legal_basis: str = Field(min_length=1, description="Treaty article, regulation or national law.")
    source: str = Field(min_length=1, description="Public texts the facts come from.")
    provenance: MeasureProvenance = Field(description="Where each of the measure's numbers comes from.")
    applies_to: list[Party] = Field(
        default_factory=list,
        description="Who may take it: 'member_state', 'candidate', 'third_country' (a state's national teams, by "
                    "the state's status), 'nato_ally', 'eu' (an EU institution, body or agency), 'international', "
                    "'private', 'civil_society'. Empty: anyone. A team outside it is refused, with 'applies_because'.")
    applies_because: str = Field(
        "", description="The rule that limits who may take it, cited, e.g. 'Art. 42(7) TEU binds the Member "
                        "States to aid a Member State'.")
    in_force: InForce | None = Field(None, description="Since when the instrument applies, cited. A scenario set "
                                                       "before it is warned, and the measure refused in play.")


def establishes_in_words(response: Response, findings: dict[str, Finding]) -> list[str]:
    """The findings a measure establishes, as the picker, the catalogue and the guide say them."""
    from exercise.scenario.distributions import describe

    sure = [findings[f].name for f in response.establishes if f in findings]
    return sure + [f"{findings[m.finding].name} (chance {m.chance:.0%}, {describe(m.after)} after it takes effect)"
                   for m in response.may_establish if m.finding in findings]


class ResponseAdjustment(Strict):
    """Scenario-specific parameters for a catalogue measure; unset fields keep the catalogue value."""

    name: str | None = Field(None, description="Replace the name.")
    approval: Probability | None = Field(None, description="Replace the approval probability.")
    lead_time: Delay | None = Field(None, description="Replace the lead time.")
    duration: Duration | None = Field(None, description="Replace the active duration.")
    requires: str | None = Field(None, description="Replace the preconditions in words.")
    preconditions: list[Condition] | None = Field(None, description="Replace the preconditions.")
    counters: Counters | None = Field(None, description="Replace the counters.")
    counter_tags: list[Id] | None = Field(
        None, description="Replace only what the counters act on (their tags), to narrow or widen a measure for "
                          "this scenario, e.g. [deepfake] for an order against one kind of content.")
    effects: list[Effect] | None = Field(None, description="Replace the effects.")
    trade_off: str | None = Field(None, description="Replace the trade-off that makes acting later better.")
    cost: int | None = Field(None, ge=0, le=10, description="Replace the political cost.")
    escalation_risk: Probability | None = Field(None, description="Replace the escalation risk.")
    needs: list[Id] | None = Field(None, description="Replace the findings it needs.")
    description: str | None = Field(None, description="Replace the description players read (e.g. worded for a "
                                                      "country outside the EU).")
    decided_by: str | None = Field(None, description="Replace who decides, in words.")
    legal_basis: str | None = Field(None, description="Replace the legal basis (e.g. the national law that "
                                                      "transposes it, for a country outside the EU).")
    source: str | None = Field(None, description="Replace the public texts the facts come from.")
    applies_to: list[Party] | None = Field(None, description="Replace who may take it (e.g. add 'candidate' for a "
                                                             "national measure a candidate country has in its law).")
    applies_because: str | None = Field(None, description="Replace the rule that limits who may take it.")
    provenance: Provenance | None = Field(
        None, description="Where the replaced numbers come from ('design' or a citation); required when a "
                          "number is replaced.")

    @model_validator(mode="after")
    def _cited(self) -> ResponseAdjustment:
        numbers = self.model_fields_set & set(_PROVENANCE_OF)
        if numbers and self.provenance is None:
            raise ValueError(f"say where the new {', '.join(sorted(numbers))} come from: add provenance: "
                             "design (or a citation)")
        return self

    def apply(self, response: Response) -> Response:
        update = {k: getattr(self, k) for k in self.model_fields_set if k not in ("provenance", "counter_tags")}
        if self.counter_tags is not None:
            counters = update.get("counters", response.counters)
            update["counters"] = counters.model_copy(update={"tags": list(self.counter_tags)})
        if self.provenance is not None:
            changed = {_PROVENANCE_OF[k] for k in self.model_fields_set if k in _PROVENANCE_OF}
            update["provenance"] = response.provenance.model_copy(update=dict.fromkeys(changed, self.provenance))
        return response.model_copy(update=update)


# Which provenance line answers for each number an adjustment may replace.
_PROVENANCE_OF = {
    "lead_time": "lead_time", "duration": "lead_time", "approval": "odds", "escalation_risk": "odds",
    "counters": "effects", "counter_tags": "effects", "effects": "effects", "cost": "effects",
}


def parties(level: str, status: str | None, nato_ally: bool) -> frozenset[str]:
    """What a team is, for 'applies_to': a national team its state's status (and 'nato_ally'); any other its
    level ('eu', 'international', 'private', 'civil_society')."""
    if level != "national":
        return frozenset({level})
    return frozenset({status or "member_state"} | ({"nato_ally"} if nato_ally else set()))


_PARTY_WORDS = {"member_state": "a Member State", "candidate": "a candidate country", "third_country": "a third "
                "country", "nato_ally": "a NATO Ally", "eu": "an EU institution or body", "international": "an "
                "international body", "private": "a company", "civil_society": "civil society"}


def not_open_to(response: Response, who: frozenset[str], name: str) -> str | None:
    """Why a team that is ``who`` (its parties) and called ``name`` may not take the measure; None if it may."""
    if not response.applies_to or who & set(response.applies_to):
        return None
    open_to = set(response.applies_to)
    words = ["a state"] if open_to >= {"member_state", "candidate", "third_country"} else []
    open_to -= {"member_state", "candidate", "third_country"} if words else set()
    be = " or ".join(words + [_PARTY_WORDS[p] for p in response.applies_to if p in open_to])
    why = response.applies_because or response.legal_basis
    return f"{why}: {name} is not {be}"


def lead_time_provenance(response: Response) -> str:
    """Where a measure's lead time comes from: set by law, a real case, or a design estimate."""
    text = response.provenance.lead_time
    if is_design(text):
        return "design estimate"
    kind, _, cited = text.partition(":")
    return {"law": "set by law: ", "case": "real case: "}.get(kind, kind + ": ") + cited.strip()


class Catalogue(Strict):
    """The packaged list of measures."""

    tags: list[CounterTag] = Field(description="What measures' counters can act on.")
    findings: list[Finding] = Field(description="Legal and political findings measures can need.")
    measures: list[Response] = Field(description="Every measure.")


@lru_cache(maxsize=1)
def _packaged() -> Catalogue:
    """The packaged catalogue. A broken catalogue is a bug in this package."""
    from exercise.scenario.yamlsafe import parse_yaml

    data = resources.files("exercise.scenario").joinpath("data/catalogue.yaml").read_bytes()
    located = parse_yaml(data, "catalogue.yaml", what="catalogue")
    try:
        return Catalogue.model_validate(located.data)
    except ValidationError as exc:  # pragma: no cover - guarded by tests
        raise RuntimeError(f"packaged catalogue is invalid: {exc}") from None


def load_catalogue() -> dict[str, Response]:
    """The packaged measures by id."""
    return {m.id: m for m in _packaged().measures}


def load_findings() -> dict[str, Finding]:
    """The packaged findings by id."""
    return {f.id: f for f in _packaged().findings}


def load_tags() -> dict[str, CounterTag]:
    """The packaged counter tags by id: the vocabulary stages and measures share."""
    return {t.id: t for t in _packaged().tags}


# What a campaign's adversary is counts as a tag of its stages: deterrence, sanctions and
# attribution act on the decisions of a state and its proxies, not on a criminal's DDoS.
ACTOR_TAGS = ("state", "proxy", "criminal", "hacktivist")
