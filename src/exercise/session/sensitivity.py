"""Which parameters drive each objective: global sensitivity analysis with SALib.

The uncertain parameters are the scenario's own numbers, in groups: the lead time of
each measure the policy takes (``lead_times``), its approval odds (``approval``), each
stage's detection delay (``detection``) and success odds (``success``). Lead times and
delays vary by a factor (1 +- spread), probabilities by +- spread / 2 (kept in [0, 1]).
SALib draws the samples (Morris trajectories by default, Saltelli's for Sobol); each
sample is a copy of the scenario with those numbers, run on the same seeds (common random
numbers, so that samples differ by their parameters and not by their luck); its output is
each objective's success rate. Morris ranks by mu* (the mean absolute elementary effect),
Sobol by the total-order index.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from typing import Any, Literal

from exercise.scenario.catalogue import Response
from exercise.scenario.loader import LoadedScenario, Source
from exercise.scenario.playbook import Playbook
from exercise.session.headless import outcome, simulate
from exercise.session.montecarlo import loaded_from, payload, run_in_order

GROUPS = ("lead_times", "approval", "detection", "success")
_ROWS = 8  # samples per task


@dataclass(frozen=True)
class Parameter:
    name: str  # "lead time of DSA-05"
    group: str
    target: str  # a measure id or a stage ref
    low: float
    high: float


@dataclass(frozen=True)
class Driver:
    parameter: str
    index: float  # Morris mu* or Sobol total-order index (ST): what the ranking is by
    spread: float  # Morris sigma (how much the effect depends on the others) or ST's 95% half-width
    signed: float = 0.0  # Morris mu (the mean effect, with its sign) or Sobol's first-order index S1
    conf: float = 0.0  # Morris mu_star_conf or S1's 95% half-width

    @property
    def direction(self) -> str:
        """Which way raising the parameter moves the success rate (Morris: the sign of mu, if mu* is not
        mostly effects of both signs cancelling)."""
        if self.signed == 0 or abs(self.signed) < 0.5 * self.index:
            return "either way"
        return "raises" if self.signed > 0 else "lowers"


@dataclass(frozen=True)
class ObjectiveDrivers:
    objective: str
    drivers: list[Driver]  # largest first
    warnings: list[str] = dataclasses.field(default_factory=list)  # estimates too uncertain to read

    def sentence(self, top: int = 2) -> str:
        leading = [d for d in self.drivers if d.index > 0][:top]
        if not leading:
            return f"{self.objective} depends on none of the parameters varied"
        return f"{self.objective} depends mostly on " + " and ".join(
            d.parameter + ("" if d.direction == "either way" else f" (raising it {d.direction} the success rate)")
            for d in leading)


def sobol_sizes(samples: int) -> tuple[int, int] | None:
    """None if ``samples`` is a valid Sobol base sample (a power of two, at least 16), else the nearest valid
    sizes below and above: Saltelli's sequence loses its balance properties otherwise."""
    if samples >= 16 and samples & (samples - 1) == 0:
        return None
    above = max(16, 1 << max(0, (samples - 1).bit_length()))
    return (max(16, above // 2) if above > 16 else 16), above


_OF: dict[str, Literal["lead_time", "approval", "detection", "success"]] = {
    "lead_times": "lead_time", "approval": "approval", "detection": "detection", "success": "success"}


def parameters(loaded: LoadedScenario, playbook: Playbook | None, groups: tuple[str, ...],
               spread: float = 0.5) -> list[Parameter]:
    """The parameters of ``groups``, each with the range its scenario declares (``uncertainty``)
    or else the default one of ``spread``."""
    declared = {(u.of, u.target): (u.low, u.high) for u in loaded.scenario.uncertainty}
    out = [p if (found := declared.get((_OF[p.group], p.target))) is None else
           dataclasses.replace(p, low=found[0], high=found[1])
           for p in _defaults(loaded, playbook, groups, spread)]
    return [p for p in out if p.high > p.low]


def _defaults(loaded: LoadedScenario, playbook: Playbook | None, groups: tuple[str, ...],
              spread: float) -> list[Parameter]:
    out = []
    taken = sorted({r.take for r in playbook.rules} if playbook else set())
    if playbook:
        points = {i.id: i.decision for i in loaded.scenario.injects if i.decision is not None}
        taken = sorted(set(taken) | {rid for inject in playbook.decisions if inject in points
                                     for o in points[inject].options for rid in o.responses})
    for rid in taken:
        measure = loaded.responses[rid]
        if "lead_times" in groups:
            out.append(Parameter(f"{rid}'s lead time", "lead_times", rid, 1 - spread, 1 + spread))
        if "approval" in groups:
            out.append(Parameter(f"{rid}'s approval odds", "approval", rid,
                                 max(0.0, measure.approval - spread / 2), min(1.0, measure.approval + spread / 2)))
    for campaign in loaded.scenario.campaigns:
        for stage in campaign.stages:
            ref = f"{campaign.id}.{stage.id}"
            if "detection" in groups and stage.detection is not None:
                out.append(Parameter(f"{ref}'s detection delay", "detection", ref, 1 - spread, 1 + spread))
            if "success" in groups:
                out.append(Parameter(f"{ref}'s success odds", "success", ref,
                                     max(0.0, stage.success - spread / 2), min(1.0, stage.success + spread / 2)))
    return out


def variant(loaded: LoadedScenario, params: list[Parameter], values: list[float]) -> LoadedScenario:
    """A copy of the scenario with these parameter values (the original is untouched)."""
    responses: dict[str, Response] = dict(loaded.responses)
    stages: dict[str, dict[str, Any]] = {}
    for p, value in zip(params, values, strict=True):
        if p.group == "lead_times":
            responses[p.target] = responses[p.target].model_copy(
                update={"lead_time": responses[p.target].lead_time.scaled(value)})
        elif p.group == "approval":
            responses[p.target] = responses[p.target].model_copy(update={"approval": value})
        else:
            stages.setdefault(p.target, {})[p.group] = value
    campaigns = []
    for campaign in loaded.scenario.campaigns:
        changed = []
        for stage in campaign.stages:
            update = stages.get(f"{campaign.id}.{stage.id}", {})
            new = stage
            if "success" in update:
                new = new.model_copy(update={"success": update["success"]})
            if "detection" in update and stage.detection is not None:
                new = new.model_copy(update={"detection": stage.detection.model_copy(
                    update={"delay": stage.detection.delay.scaled(update["detection"])})})
            changed.append(new)
        campaigns.append(campaign.model_copy(update={"stages": changed}))
    scenario = loaded.scenario.model_copy(update={"campaigns": campaigns})
    return dataclasses.replace(loaded, scenario=scenario, responses=responses, prepared={})


def rates(loaded: LoadedScenario, playbook: Playbook | None, seeds: list[int]) -> dict[str, float | None]:
    """Each objective's success rate over ``seeds`` (None: never judged by the engine)."""
    met: dict[str, list[bool]] = {}
    for seed in seeds:
        for oid, value in outcome(simulate(loaded, seed, playbook, lean=True)).objectives.items():
            met.setdefault(oid, [])
            if value is not None:
                met[oid].append(bool(value))
    return {oid: (sum(v) / len(v) if v else None) for oid, v in met.items()}


def _rows(files: tuple, rows: list[list[float]], *, params: list[Parameter], seeds: list[int]) -> list[dict]:
    """Each sample's objective rates: the task a worker process (local or on a Dask cluster) runs."""
    loaded, books = loaded_from(files)
    return [rates(variant(loaded, params, row), books[0], seeds) for row in rows]


def _evaluate(files: tuple, params: list[Parameter], X: list[list[float]], seeds: list[int], jobs: int,
              scheduler: str | None, progress: Callable[[int], None] | None) -> list[dict]:
    """Every sample's rates, in sample order, on this process, local processes or a Dask cluster."""
    chunks = [X[i:i + _ROWS] for i in range(0, len(X), _ROWS)]
    return run_in_order(partial(_rows, params=params, seeds=seeds), files, chunks, jobs=jobs, scheduler=scheduler,
                        progress=progress)


def analyse(loaded: LoadedScenario, playbook: Playbook | None, params: list[Parameter], *, method: str = "morris",
            samples: int = 10, seeds: list[int], progress: Callable[[int], None] | None = None,
            seed: int = 1, playbook_source: Source | None = None, jobs: int = 1,
            scheduler: str | None = None) -> list[ObjectiveDrivers]:
    """Sample, run, analyse: the parameters that drive each objective, largest first. The samples
    run on ``jobs`` local processes or on the Dask cluster at ``scheduler``; the result is the same."""
    import numpy as np
    from SALib.analyze import morris as morris_analyze
    from SALib.analyze import sobol as sobol_analyze
    from SALib.sample import morris as morris_sample
    from SALib.sample import sobol as sobol_sample

    names = [p.name for p in params]
    problem = {"num_vars": len(params), "names": names, "bounds": [[p.low, p.high] for p in params]}
    if method == "morris":
        X = morris_sample.sample(problem, samples, num_levels=4, seed=seed)
    else:
        X = sobol_sample.sample(problem, samples, calc_second_order=False, seed=seed)
    if playbook is not None and playbook_source is None:
        raise ValueError("give the playbook's source too: workers load it from its bytes")
    files = payload(loaded, [playbook_source])
    outputs = _evaluate(files, params, [[float(v) for v in row] for row in X], seeds, jobs, scheduler, progress)
    result = []
    for oid in outputs[0]:
        Y = np.array([np.nan if o[oid] is None else o[oid] for o in outputs])
        if np.isnan(Y).any():  # rated by the facilitator, not the engine: nothing to explain
            continue
        if method == "morris":
            si = morris_analyze.analyze(problem, X, Y, num_levels=4, seed=seed)
            columns = zip(names, si["mu_star"], si["sigma"], si["mu"], si["mu_star_conf"], strict=True)
        else:
            si = sobol_analyze.analyze(problem, Y, calc_second_order=False, seed=seed)
            columns = zip(names, si["ST"], si["ST_conf"], si["S1"], si["S1_conf"], strict=True)
        clean = lambda v: 0.0 if np.isnan(v) else float(v)  # noqa: E731 - a constant output has no variance
        drivers = [Driver(n, clean(i), clean(sp), clean(sg), clean(c)) for n, i, sp, sg, c in columns]
        warnings = []
        if method == "sobol":
            for d in drivers:
                if d.spread > d.index > 0:
                    warnings.append(f"{d.parameter}: the total index {d.index:.2f} has a 95% interval of +-{d.spread:.2f}, "
                                    "wider than itself: take more samples before reading it")
                if d.index - d.spread > 1 or d.index + d.spread < 0:
                    warnings.append(f"{d.parameter}: the total index {d.index:.2f} +- {d.spread:.2f} lies outside "
                                    "[0, 1]: the estimate is unstable at this sample size")
        result.append(ObjectiveDrivers(oid, sorted(drivers, key=lambda d: -d.index), warnings))
    return result
