"""The AAR's "Decisions that mattered": from the JSON of `exercise whatif JOURNAL --json`, or
straight from the effects the console's debrief worked out."""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field

from exercise.report.model import DecisionEffect, EffectRow, WhatIf

# The file is input like any other (it travels with the journal): read through bounded models, so that
# what it says reaches a report as numbers and short text, never as whatever it holds.
_Short = Annotated[str, Field(max_length=500)]
_Rate = Annotated[float, Field(ge=0, le=1)]
_Change = Annotated[float, Field(ge=-2, le=2, allow_inf_nan=False)]  # an interval may pass +-1 (a normal approximation)
_Seed = Annotated[int, Field(ge=0, le=2**63)]


class _In(BaseModel):
    model_config = ConfigDict(extra="ignore", strict=True)


class _RateRow(_In):
    objective: _Short
    rate: _Rate | None = None


class _DiffRow(_In):
    objective: _Short
    mean: _Change | None = None
    low: _Change | None = None
    high: _Change | None = None
    q: Annotated[float, Field(ge=0, le=1)] | None = None
    mattered: bool = False


class _Variant(_In):
    decision: _Short
    change: _Short
    sentences: list[Annotated[str, Field(max_length=2000)]] = Field(max_length=200)
    size: float | None = None
    base: list[_RateRow] = Field(max_length=200)
    variant: list[_RateRow] = Field(max_length=200)
    objectives: list[_DiffRow] = Field(max_length=200)


class WhatIfFile(_In):
    """What `exercise whatif --json` writes, as far as a report reads it."""

    scenario: _Short
    seeds: list[_Seed] = Field(min_length=2, max_length=2, description="The first and the last seed run.")
    later_hours: Annotated[float, Field(ge=0, le=10_000)]
    comparisons: Annotated[int, Field(ge=0, le=10_000_000)] = 0
    min_effect: Annotated[float, Field(ge=0, le=1)] = 0.05
    variants: list[_Variant] = Field(max_length=10_000)


Diff = tuple[str, float | None, float | None, float | None, float | None, bool]  # objective, mean, low, high, q, mattered


def _effect(decision: str, change: str, sentences: list[str], base: dict[str, float | None],
            other: dict[str, float | None], diffs: list[Diff]) -> DecisionEffect:
    """One variant's row: ``base``/``other``: each objective's rate; ``diffs``: (objective, mean, low, high, q,
    mattered)."""
    return DecisionEffect(decision=decision, change=change, sentences=sentences, objectives=[
        EffectRow(objective=oid, session_rate=base.get(oid), variant_rate=other.get(oid), change=mean, low=low,
                  high=high, q=q, mattered=mattered) for oid, mean, low, high, q, mattered in diffs])


def whatif_section(data: dict[str, Any]) -> WhatIf:
    """The section, keeping the variants that moved an objective beyond its interval (largest first).
    A file that is not what `whatif --json` writes raises ValidationError (a ValueError)."""
    found = WhatIfFile.model_validate(data)
    mattered = [_effect(v.decision, v.change, v.sentences,
                        {r.objective: r.rate for r in v.base},
                        {r.objective: r.rate for r in v.variant},
                        [(d.objective, d.mean, d.low, d.high, d.q, d.mattered) for d in v.objectives])
                for v in found.variants if v.size]
    first, last = found.seeds
    return WhatIf(seeds=f"{first}-{last}", later_hours=found.later_hours, variants_tried=len(found.variants),
                  comparisons=found.comparisons, min_effect=found.min_effect, mattered=mattered)


def section_from_effects(effects: list, seeds: list[int], later_hours: float) -> WhatIf:  # list[whatif.Effect]
    """The same section from ``session.whatif.whatif``'s effects (the console's debrief)."""
    from exercise.session.whatif import MIN_EFFECT, comparisons

    mattered = [_effect(e.variant.decision, e.variant.change, e.sentences(),
                        {r.objective: r.rate for r in e.base}, {r.objective: r.rate for r in e.other},
                        [(d.objective, d.mean, d.low, d.high, e.q.get(d.objective), e.mattered(d))
                         for d in e.objectives])
                for e in effects if e.size]
    return WhatIf(seeds=f"{seeds[0]}-{seeds[-1]}", later_hours=later_hours, variants_tried=len(effects),
                  comparisons=comparisons(effects), min_effect=effects[0].min_effect if effects else MIN_EFFECT,
                  mattered=mattered)
