"""The AAR's "Decisions that mattered": from the JSON of `exercise whatif JOURNAL --json`, or
straight from the effects the console's debrief worked out."""

from __future__ import annotations

from typing import Any

from exercise.report.model import DecisionEffect, EffectRow, WhatIf


def _effect(decision: str, change: str, sentences: list[str], base: dict[str, float | None],
            other: dict[str, float | None], diffs: list[tuple[str, float | None, float | None, float | None]]
            ) -> DecisionEffect:
    """One variant's row: ``base``/``other``: each objective's rate; ``diffs``: (objective, mean, low, high)."""
    return DecisionEffect(decision=decision, change=change, sentences=sentences, objectives=[
        EffectRow(objective=oid, session_rate=base.get(oid), variant_rate=other.get(oid), change=mean, low=low,
                  high=high) for oid, mean, low, high in diffs])


def whatif_section(data: dict[str, Any]) -> WhatIf:
    """The section, keeping the variants that moved an objective beyond its interval (largest first)."""
    mattered = [_effect(v["decision"], v["change"], v["sentences"],
                        {r["objective"]: r["rate"] for r in v["base"]},
                        {r["objective"]: r["rate"] for r in v["variant"]},
                        [(d["objective"], d["mean"], d["low"], d["high"]) for d in v["objectives"]])
                for v in data["variants"] if v["size"]]
    first, last = data["seeds"]
    return WhatIf(seeds=f"{first}-{last}", later_hours=data["later_hours"], variants_tried=len(data["variants"]),
                  mattered=mattered)


def section_from_effects(effects: list, seeds: list[int], later_hours: float) -> WhatIf:  # list[whatif.Effect]
    """The same section from ``session.whatif.whatif``'s effects (the console's debrief)."""
    mattered = [_effect(e.variant.decision, e.variant.change, e.sentences(),
                        {r.objective: r.rate for r in e.base}, {r.objective: r.rate for r in e.other},
                        [(d.objective, d.mean, d.low, d.high) for d in e.objectives])
                for e in effects if e.size]
    return WhatIf(seeds=f"{seeds[0]}-{seeds[-1]}", later_hours=later_hours, variants_tried=len(effects),
                  mattered=mattered)
