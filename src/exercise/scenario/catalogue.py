"""The response catalogue: real EU and national measures, as packaged data.

Facts follow the public texts each measure names in ``legal_basis`` and
``source``; lead times (unless a legal deadline or a real case is named),
approval odds and counter strengths are design estimates, and every one of
them can be re-parameterised per scenario (``responses.adjust``).
"""

from __future__ import annotations

from functools import lru_cache
from importlib import resources
from typing import Literal

from pydantic import Field, ValidationError

from exercise.scenario.conditions import Condition
from exercise.scenario.distributions import Delay
from exercise.scenario.effects import Counters, Effect
from exercise.scenario.types import Duration, Id, Probability, Strict, Text

Toolbox = Literal["hybrid", "fimi", "cdt", "dsa", "cer_nis2", "national"]
Category = Literal[
    "preventive", "cooperative", "stability", "restrictive", "recovery",
    "solidarity", "awareness", "resilience", "disruption", "regulatory",
]
Procedure = Literal[
    "unanimity", "consensus", "qualified_majority", "single_body", "on_request", "voluntary",
]

TOOLBOX_NAMES: dict[str, str] = {
    "hybrid": "EU Hybrid Toolbox",
    "fimi": "FIMI Toolbox",
    "cdt": "Cyber Diplomacy Toolbox",
    "dsa": "Digital Services Act",
    "cer_nis2": "NIS2, CER and EU cyber legislation",
    "national": "National measures",
}


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
    counters: Counters = Field(default_factory=Counters, description="What the measure weakens while active.")
    effects: list[Effect] = Field(
        default_factory=list, description="Indicator changes when the measure takes effect.")
    cost: int = Field(0, ge=0, le=10, description="Political capital spent (0-10).")
    escalation_risk: Probability = Field(
        0.0, description="Chance the adversary escalates in answer (design estimate).")
    legal_basis: str = Field("", description="Treaty article, regulation or national law.")
    source: str = Field("", description="Where the facts come from.")


class ResponseAdjustment(Strict):
    """Scenario-specific parameters for a catalogue measure; unset fields keep the catalogue value."""

    name: str | None = Field(None, description="Replace the name.")
    approval: Probability | None = Field(None, description="Replace the approval probability.")
    lead_time: Delay | None = Field(None, description="Replace the lead time.")
    duration: Duration | None = Field(None, description="Replace the active duration.")
    requires: str | None = Field(None, description="Replace the preconditions in words.")
    preconditions: list[Condition] | None = Field(None, description="Replace the preconditions.")
    counters: Counters | None = Field(None, description="Replace the counters.")
    effects: list[Effect] | None = Field(None, description="Replace the effects.")
    cost: int | None = Field(None, ge=0, le=10, description="Replace the political cost.")
    escalation_risk: Probability | None = Field(None, description="Replace the escalation risk.")

    def apply(self, response: Response) -> Response:
        return response.model_copy(update={k: getattr(self, k) for k in self.model_fields_set})


def lead_time_provenance(response: Response) -> str:
    """Where a measure's lead time comes from, as its source says: the law, a real case, or design."""
    source = response.source.lower()
    if "lead time set by" in source:
        return "set by law: " + response.source[source.index("lead time set by") + len("lead time set by "):]
    if "lead time anchored in" in source:
        return "real case: " + response.source[source.index("lead time anchored in") + len("lead time anchored in "):]
    return "design estimate"


class Catalogue(Strict):
    """The packaged list of measures."""

    measures: list[Response] = Field(description="Every measure.")


@lru_cache(maxsize=1)
def load_catalogue() -> dict[str, Response]:
    """The packaged measures by id. A broken catalogue is a bug in this package."""
    from exercise.scenario.yamlsafe import parse_yaml

    data = resources.files("exercise.scenario").joinpath("data/catalogue.yaml").read_bytes()
    located = parse_yaml(data, "catalogue.yaml", what="catalogue")
    try:
        catalogue = Catalogue.model_validate(located.data)
    except ValidationError as exc:  # pragma: no cover - guarded by tests
        raise RuntimeError(f"packaged catalogue is invalid: {exc}") from None
    return {m.id: m for m in catalogue.measures}
