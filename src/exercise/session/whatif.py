"""What if we had acted earlier? The session's policy against variants of it, on the same seeds.

The session's decisions become a playbook (``policy_from``). Each decision is then varied
alone: taken at once when what prompted it arrived, taken N hours later than it was, not
taken at all, or (for a decision point) answered with each other option. Every variant
runs against the session's own policy on the same seeds (paired), so the difference on
each seed is what that one decision was worth there, not luck. Reported per decision:
the change in each objective's success rate and in each indicator's final value, with
95% intervals (Newcombe's, for paired rates), ranked by effect. A change is a "decision that
mattered" only if its exact McNemar test survives the Benjamini-Hochberg false discovery rate
of 5% over every comparison of the run, and it is at least MIN_EFFECT.

A rule that is left out keeps its place (its condition is made one that never holds),
because each rule draws its delay from a random stream named by its position: removing
it would change the dice of every rule after it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from exercise.scenario.loader import LoadedScenario, Source
from exercise.scenario.playbook import playbook_from_bytes
from exercise.scenario.types import format_minutes
from exercise.session.montecarlo import ObjectiveRate, PairedDifference, benjamini_hochberg, sweep
from exercise.session.policy_from import to_yaml

NEVER = {"not": {"after": "0m"}}  # holds before T+0 only, so the rule never fires
LATER_HOURS = 6.0  # how much later the "taken later" variants are, unless asked otherwise
FDR = 0.05  # the false discovery rate "decisions that mattered" are held to, over every comparison of a run
MIN_EFFECT = 0.05  # and the smallest change in a success rate called a decision that mattered (5 points)


@dataclass(frozen=True)
class Variant:
    decision: str  # the decision as played, in words
    change: str  # what the variant does instead
    playbook: dict[str, Any]


@dataclass
class Effect:
    """One variant against the session's policy, on the same seeds."""

    variant: Variant
    base: list[ObjectiveRate]
    other: list[ObjectiveRate]
    objectives: list[PairedDifference]
    indicators: list[tuple[str, int, float, float, float]] = field(default_factory=list)  # id, n, mean, low, high
    q: dict[str, float] = field(default_factory=dict)  # per objective: the BH-adjusted exact p-value
    min_effect: float = MIN_EFFECT

    def mattered(self, d: PairedDifference) -> bool:
        """The change in ``d`` is a finding: under the false discovery rate over the whole run, and at least
        ``min_effect`` (a significant change of one point teaches nothing)."""
        return d.mean is not None and self.q.get(d.objective, 1.0) < FDR and abs(d.mean) >= self.min_effect

    @property
    def size(self) -> float:
        """The largest change in an objective's success rate that is a finding (0 if none)."""
        return max((abs(d.mean) for d in self.objectives if d.mean is not None and self.mattered(d)), default=0.0)

    def sentences(self) -> list[str]:
        """'Taken at once (comms, FIMI-01 after INJ-05) would have raised OBJ-3 from 41% to 73% (+32
        points, 95% CI 27 to 37).' One per objective whose change is a finding."""
        before = {r.objective: r for r in self.base}
        after = {r.objective: r for r in self.other}
        out = []
        for d in self.objectives:
            found = d.interval
            if found is None or not self.mattered(d):
                continue
            mean, low, high = found
            verb = "raised" if mean > 0 else "lowered"
            out.append(f"{self.variant.change} ({self.variant.decision}) would have {verb} {d.objective} from "
                       f"{before[d.objective].rate:.0%} to {after[d.objective].rate:.0%} "
                       f"({_points(mean)} points, 95% CI {_points(low)} to {_points(high)}; "
                       f"{d.only_b} seeds for, {d.only_a} against, q = {self.q[d.objective]:.2g})")
        return out


def comparisons(effects: list[Effect]) -> int:
    """How many (variant, objective) comparisons the false discovery rate was held over."""
    return sum(1 for e in effects for d in e.objectives if d.mean is not None)


def _points(rate: float) -> str:
    """A change in percentage points, signed; a bound under one point keeps a decimal, so that
    an interval that stops just short of zero does not read '-0'."""
    points = rate * 100
    return f"{points:+.0f}" if abs(points) >= 1 or points == 0 else f"{points:+.1f}"


def variants(base: dict[str, Any], loaded: LoadedScenario, later_hours: float = LATER_HOURS,
             played: list[str | None] | None = None) -> list[Variant]:
    """Every one-decision change of the policy ``base`` (playbook data). ``played``: what a session did under
    each rule (``policy_from.played``): a rule that never fired is not varied, and the others are said as
    played; without it (a playbook on its own) each rule is said as written, with its typical delay."""
    typed, _ = playbook_from_bytes(to_yaml(base, "whatif").encode(), "<session policy>", loaded)
    out = []
    for index, (raw, rule) in enumerate(zip(base["rules"], typed.rules, strict=True)):
        if played is not None and played[index] is None:
            continue
        kind, what = next(iter(raw["when"].items())) if isinstance(raw["when"], dict) else ("", "")
        typical = format_minutes(round(rule.delay.typical()))
        if kind == "inject":
            about = f"{rule.team} takes {rule.take} {typical} after {what}"
        elif kind == "after":
            about = f"{rule.team} takes {rule.take} at T+{typical}"
        else:
            about = f"{rule.team} takes {rule.take} {typical} after its condition holds"
        if played is not None:
            about = played[index] or about
        changes: list[tuple[str, dict[str, Any]]] = []
        if rule.delay.typical() > 0:
            changes.append(("taken at once", {"delay": "0m"}))
        changes.append((f"taken {format_minutes(round(later_hours * 60))} later",
                        {"delay": rule.delay.shifted(later_hours * 60).as_data()}))
        changes.append(("not taken at all", {"when": NEVER}))
        for change, update in changes:
            rules = [dict(r) for r in base["rules"]]
            rules[index] = rules[index] | update
            out.append(Variant(about, change, base | {"rules": rules}))
    points = {i.id: i.decision for i in loaded.scenario.injects if i.decision is not None}
    for inject, option in (base.get("decisions") or {}).items():
        for other in points[inject].options if inject in points else ():
            if other.id != option:
                decisions = dict(base["decisions"]) | {inject: other.id}
                out.append(Variant(f"the answer {option!r} at {inject}", f"answering {other.id!r}",
                                   base | {"decisions": decisions}))
    return out


def whatif(scenario: LoadedScenario | Source, base: dict[str, Any], chosen: list[Variant], seeds: list[int], *,
           jobs: int = 1, progress: Callable[[int], None] | None = None, scheduler: str | None = None,
           min_effect: float = MIN_EFFECT) -> list[Effect]:
    """Each of the ``chosen`` variants (of ``variants``) against ``base`` on ``seeds``, ranked by
    effect (largest first).

    One sweep runs the session's policy and every variant on each seed, so the policy's own
    runs are made once, not once per variant; ``progress`` counts variant runs."""
    if not chosen:
        return []
    books: list[Source | None] = [Source("the session's policy", to_yaml(base, "the session").encode("utf-8"))]
    books += [Source(f"variant {n}: {variant.change}", to_yaml(variant.playbook, variant.change).encode("utf-8"))
              for n, variant in enumerate(chosen)]
    advance = None if progress is None else (lambda runs: progress(runs * len(chosen)))
    done = sweep(scenario, seeds, books, jobs=jobs, progress=advance, scheduler=scheduler)
    base_rates = done.tallies[0].objective_rates()
    effects = [Effect(variant, base_rates, tally.objective_rates(), pairs.differences(), pairs.indicator_differences(),
                      min_effect=min_effect)
               for variant, tally, pairs in zip(chosen, done.tallies[1:], done.pairs, strict=True)]
    # Every comparison of the run is one family: an exact McNemar p-value each, adjusted together (BH).
    rows = [(e, d) for e in effects for d in e.objectives if d.mean is not None]
    for (effect, d), q in zip(rows, benjamini_hochberg([d.p for _, d in rows]), strict=True):
        effect.q[d.objective] = q
    return sorted(effects, key=lambda e: -e.size)
