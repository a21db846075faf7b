"""An audit of a scenario's world model: does it teach the right lessons?

The playbook's decisions are varied one at a time, on common seeds, against the playbook as
written (the ``whatif`` machinery): each measure taken at once, taken later, not taken at all,
and each decision point answered otherwise. A model that teaches the wrong lesson shows it here:

- **perverse timing**: taking a measure at once makes an objective worse, or taking it later
  makes one better, and the measure declares no ``trade_off`` that says why;
- **perverse omission**: not taking a measure at all makes an objective better.

Each finding rests on an exact test of the paired runs (McNemar's, two-sided, on the runs where
the two policies disagree), held to a Bonferroni bound over every comparison the audit makes, and
on a change of at least ``PRACTICAL`` points: with a hundred variants, a 95% interval that leaves
out zero is expected a few times by chance alone, and a change of under two points teaches
nothing. Beside them the audit says, without running anything, which objectives depend on one
measure alone or on when the exercise ends, which measures counter every campaign in their
domains, and which indicators no measure can move; and, from the playbook's own runs, which
objectives are always or never met.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from exercise.engine.prepared import prepare
from exercise.scenario.loader import LoadedScenario, Source
from exercise.scenario.models import IndicatorMeasure, ResponseMeasure
from exercise.session.montecarlo import PairedDifference, mcnemar
from exercise.session.whatif import Variant, comparisons, variants, whatif

ALPHA = 0.05  # family-wise: each comparison is held to ALPHA / (number of comparisons)
PRACTICAL = 0.02  # a change under two points is not a lesson, whatever its test says


@dataclass(frozen=True)
class Finding:
    kind: str  # "perverse timing", "perverse omission", "trade-off", or a static note's kind
    sentence: str
    failing: bool  # counts against the scenario (exit 1)


@dataclass
class Audit:
    playbook: str
    seeds: list[int]
    comparisons: int = 0
    findings: list[Finding] = field(default_factory=list)

    @property
    def failed(self) -> bool:
        return any(f.failing for f in self.findings)


def _responses_of(variant: Variant, base: dict[str, Any]) -> str | None:
    """The measure a rule variant changes (None for a decision point's answer)."""
    for old, new in zip(base.get("rules") or [], variant.playbook.get("rules") or [], strict=True):
        if old != new:
            return str(old["take"])
    return None


def _judge(change: str, diff: PairedDifference) -> str | None:
    """The kind of perversity ``diff`` shows for a variant of kind ``change``, if its direction is one."""
    if diff.mean is None:
        return None
    if change == "taken at once" and diff.mean < 0:
        return "perverse timing"
    if change.endswith(" later") and diff.mean > 0:
        return "perverse timing"
    if change == "not taken at all" and diff.mean > 0:
        return "perverse omission"
    return None


def audit_playbook(loaded: LoadedScenario, source: Source, base: dict[str, Any], seeds: list[int], *,
                   jobs: int = 1, scheduler: str | None = None,
                   progress: Callable[[int], None] | None = None) -> Audit:
    """Every one-decision variant of the playbook ``base`` (its data) against it, on ``seeds``."""
    chosen = [v for v in variants(base, loaded) if not v.change.startswith("answering")]
    found = Audit(source.name, seeds)
    if not chosen:
        return found
    effects = whatif(loaded, base, chosen, seeds, jobs=jobs, scheduler=scheduler, progress=progress)
    found.comparisons = comparisons(effects)
    bound = ALPHA / max(1, found.comparisons)
    for effect in effects:
        rid = _responses_of(effect.variant, base)
        response = loaded.responses.get(rid) if rid else None
        before = {r.objective: r for r in effect.base}
        after = {r.objective: r for r in effect.other}
        for d in effect.objectives:
            kind = _judge(effect.variant.change, d)
            found_interval = d.interval
            if kind is None or found_interval is None or abs(found_interval[0]) < PRACTICAL:
                continue
            mean, low, high = found_interval
            p = mcnemar(d.only_a, d.only_b)
            if p >= bound:
                continue
            verb = "raises" if mean > 0 else "lowers"
            sentence = (f"{effect.variant.change.capitalize()} ({effect.variant.decision}) {verb} {d.objective} "
                        f"from {before[d.objective].rate:.0%} to {after[d.objective].rate:.0%} "
                        f"({mean * 100:+.0f} points, 95% CI {low * 100:+.0f} to {high * 100:+.0f}; "
                        f"{d.only_a} runs against {d.only_b}, exact p = {p:.2g} against a bound of {bound:.2g})")
            if response is not None and response.trade_off and kind == "perverse timing":
                found.findings.append(Finding("trade-off", f"{sentence}: declared: {response.trade_off}", False))
            else:
                found.findings.append(Finding(kind, sentence, True))
    base_rates = effects[0].base if effects else []
    for rate in base_rates:
        if rate.rate in (0.0, 1.0) and rate.judged:
            always = "always" if rate.rate == 1.0 else "never"
            found.findings.append(Finding(f"{always} met", f"{rate.objective} is {always} met with this playbook "
                                                           f"({rate.met} of {rate.judged} runs)", False))
    return found


def static_findings(loaded: LoadedScenario) -> list[Finding]:
    """What the scenario's text already says about the lessons it can teach, without a run."""
    s = loaded.scenario
    out = []
    for o in s.objectives:
        m = o.measure
        if isinstance(m, ResponseMeasure):
            out.append(Finding("tautological", f"{o.id} is met by taking {m.response} alone: a what-if on "
                                               f"{m.response} only says that; judge the outcome it serves too", False))
        elif isinstance(m, IndicatorMeasure) and m.mode == "at_end" and m.to is None:
            out.append(Finding("end time", f"{o.id} reads {m.indicator} when the exercise ends: moving the end "
                                           "moves the verdict; give the window it is about ('from', 'to')", False))
    takeable = {rid for t in s.teams for rid in t.responses}
    plans = list(prepare(loaded).stages.values())
    moved = {e.indicator for rid in takeable if (r := loaded.responses.get(rid)) for e in r.effects}
    for rid in sorted(takeable):
        response = loaded.responses.get(rid)
        if response is None or not response.counters.domains:
            continue
        tags = set(response.counters.tags)
        if not tags:
            out.append(Finding("untagged counter", f"{rid} has counters but no tags, so it counters nothing: "
                                                   "give them the tags it really acts on", False))
            continue
        hit = [p for p in plans if p.campaign.domain in response.counters.domains and p.actor_tags & tags]
        if hit:
            moved |= {e.indicator for p in hit for e in p.stage.effects}
        else:
            out.append(Finding("counters nothing", f"{rid} acts on {', '.join(sorted(tags))} in "
                                                   f"{', '.join(response.counters.domains)}, and no stage here is "
                                                   "one of those: taking it changes no campaign", False))
    for indicator in s.indicators:
        if indicator.id not in moved:
            out.append(Finding("unmovable", f"no measure the teams hold can move {indicator.id}: the players "
                                            "can only watch it", False))
    return out


__all__ = ["ALPHA", "PRACTICAL", "Audit", "Finding", "audit_playbook", "mcnemar", "static_findings"]
