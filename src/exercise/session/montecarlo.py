"""Monte Carlo over seeds, spread over processes, and paired comparison of two playbooks.

Each run's seed is ``first_seed + i``; two playbooks run on the same seeds see
the same dice wherever their histories agree (named random streams), so their
per-seed differences measure the policy, not the luck.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from exercise.scenario.loader import LoadedScenario, load_scenario
from exercise.scenario.playbook import Playbook, load_playbook
from exercise.session.headless import Outcome, outcome, simulate

Z95 = 1.959963984540054
_CHUNK = 25

_worker: tuple[LoadedScenario, Playbook | None] | None = None


def _init(scenario: str, playbook: str | None) -> None:
    global _worker
    loaded = load_scenario(scenario)
    _worker = (loaded, load_playbook(playbook, loaded)[0] if playbook else None)


def _run_chunk(seeds: list[int]) -> list[Outcome]:
    loaded, playbook = _worker
    return [outcome(simulate(loaded, seed, playbook)) for seed in seeds]


def run_batch(scenario: str | Path, seeds: list[int], playbook: str | Path | None = None, jobs: int = 1,
              progress: Callable[[int], None] | None = None) -> list[Outcome]:
    """One Outcome per seed, in seed order. ``progress`` is called with the number of runs just done."""
    chunks = [seeds[i:i + _CHUNK] for i in range(0, len(seeds), _CHUNK)]
    args = (str(scenario), str(playbook) if playbook else None)
    results: list[Outcome] = []
    if jobs <= 1:
        _init(*args)
        for chunk in chunks:
            results += _run_chunk(chunk)
            if progress:
                progress(len(chunk))
    else:
        with ProcessPoolExecutor(max_workers=jobs, initializer=_init, initargs=args) as pool:
            for chunk, done in zip(chunks, pool.map(_run_chunk, chunks), strict=True):
                results += done
                if progress:
                    progress(len(chunk))
    return sorted(results, key=lambda o: o.seed)


# --- statistics -------------------------------------------------------------------------------


def wilson(successes: int, n: int, z: float = Z95) -> tuple[float, float]:
    """Wilson score interval for a binomial proportion (good near 0 and 1, unlike the normal one)."""
    if n == 0:
        return (0.0, 1.0)
    p = successes / n
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / (1 + z * z / n)
    return (max(0.0, centre - half), min(1.0, centre + half))


def quantile(values: list[float], q: float) -> float:
    """Linear-interpolated quantile (numpy's default method)."""
    ordered = sorted(values)
    pos = (len(ordered) - 1) * q
    low = math.floor(pos)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (pos - low)


@dataclass(frozen=True)
class ObjectiveRate:
    objective: str
    met: int
    judged: int
    rate: float | None  # None when no run judged it (facilitator-rated objectives)
    low: float | None
    high: float | None


@dataclass(frozen=True)
class PairedDifference:
    objective: str
    pairs: int
    mean: float | None  # rate(B) - rate(A) on the same seeds; None without judged pairs
    low: float | None
    high: float | None
    only_a: int
    only_b: int


def objective_rates(outcomes: list[Outcome]) -> list[ObjectiveRate]:
    out = []
    for oid in outcomes[0].objectives if outcomes else []:
        values = [o.objectives[oid] for o in outcomes if o.objectives[oid] is not None]
        met = sum(values)
        if not values:
            out.append(ObjectiveRate(oid, 0, 0, None, None, None))
            continue
        out.append(ObjectiveRate(oid, met, len(values), met / len(values), *wilson(met, len(values))))
    return out


def indicator_quantiles(outcomes: list[Outcome], which: str = "final") -> dict[str, tuple[float, float, float]]:
    """(p5, median, p95) of each indicator's final (or lowest/highest) value."""
    if not outcomes:
        return {}
    out = {}
    for ident in getattr(outcomes[0], which):
        values = [getattr(o, which)[ident] for o in outcomes]
        out[ident] = (quantile(values, 0.05), quantile(values, 0.5), quantile(values, 0.95))
    return out


def paired_differences(a: list[Outcome], b: list[Outcome]) -> list[PairedDifference]:
    by_seed = {o.seed: o for o in b}
    out = []
    for oid in a[0].objectives if a else []:
        diffs = []
        for oa in a:
            ob = by_seed.get(oa.seed)
            if ob is None or oa.objectives[oid] is None or ob.objectives[oid] is None:
                continue
            diffs.append(int(ob.objectives[oid]) - int(oa.objectives[oid]))
        n = len(diffs)
        if n == 0:
            out.append(PairedDifference(oid, 0, None, None, None, 0, 0))
            continue
        mean = sum(diffs) / n
        sd = math.sqrt(sum((d - mean) ** 2 for d in diffs) / (n - 1)) if n > 1 else 0.0
        half = Z95 * sd / math.sqrt(n)
        out.append(PairedDifference(oid, n, mean, mean - half, mean + half, diffs.count(-1), diffs.count(1)))
    return out
