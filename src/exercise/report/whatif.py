"""The AAR's "Decisions that mattered", from the JSON of `exercise whatif JOURNAL --json`."""

from __future__ import annotations

from typing import Any

from exercise.report.model import DecisionEffect, EffectRow, WhatIf


def whatif_section(data: dict[str, Any]) -> WhatIf:
    """The section, keeping the variants that moved an objective beyond its interval (largest first)."""
    mattered = []
    for v in data["variants"]:
        if not v["size"]:
            continue
        base = {r["objective"]: r["rate"] for r in v["base"]}
        other = {r["objective"]: r["rate"] for r in v["variant"]}
        mattered.append(DecisionEffect(
            decision=v["decision"], change=v["change"], sentences=v["sentences"],
            objectives=[EffectRow(objective=d["objective"], session_rate=base.get(d["objective"]),
                                  variant_rate=other.get(d["objective"]), change=d["mean"], low=d["low"],
                                  high=d["high"]) for d in v["objectives"]]))
    first, last = data["seeds"]
    return WhatIf(seeds=f"{first}-{last}", later_hours=data["later_hours"], variants_tried=len(data["variants"]),
                  mattered=mattered)


def section_from_effects(effects: list, seeds: list[int], later_hours: float) -> WhatIf:  # list[Effect]
    """The same section straight from ``session.whatif.whatif``'s effects (the console's debrief)."""
    mattered = []
    for e in effects:
        if not e.size:
            continue
        base = {r.objective: r.rate for r in e.base}
        other = {r.objective: r.rate for r in e.other}
        mattered.append(DecisionEffect(
            decision=e.variant.decision, change=e.variant.change, sentences=e.sentences(),
            objectives=[EffectRow(objective=d.objective, session_rate=base.get(d.objective),
                                  variant_rate=other.get(d.objective), change=d.mean, low=d.low, high=d.high)
                        for d in e.objectives]))
    return WhatIf(seeds=f"{seeds[0]}-{seeds[-1]}", later_hours=later_hours, variants_tried=len(effects),
                  mattered=mattered)
