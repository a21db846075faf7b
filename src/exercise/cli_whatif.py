"""How `exercise whatif` and `exercise sensitivity` print: sentences first, then a table."""

from __future__ import annotations

import dataclasses
import json
from typing import Any

import click
from rich.table import Table
from rich.text import Text

from exercise.cli_output import progress_bar
from exercise.plain import visible
from exercise.scenario.loader import LoadedScenario, Source
from exercise.session.whatif import FDR, MIN_EFFECT, comparisons, variants, whatif
from exercise.terminal import Console


def print_whatif(loaded: LoadedScenario, base: dict[str, Any], seeds: list[int], *, jobs: int, later: float,
                 top: int, as_json: bool, scheduler: str | None = None, min_effect: float = MIN_EFFECT,
                 played: list[str | None] | None = None) -> None:
    chosen = variants(base, loaded, later, played)
    count = len(chosen)
    if count == 0 and not as_json:
        Console().print("The session took no measure and answered no decision point: there is no decision to vary.")
        return
    with progress_bar(f"{count} variants x {len(seeds)} seeds", count * len(seeds), as_json) as advance:
        effects = whatif(loaded, base, chosen, seeds, jobs=jobs, progress=advance, scheduler=scheduler,
                         min_effect=min_effect)
    if as_json:
        click.echo(json.dumps({
            "scenario": loaded.scenario.metadata.id, "seeds": [seeds[0], seeds[-1]], "later_hours": later,
            "comparisons": comparisons(effects), "fdr": FDR, "min_effect": min_effect,
            "variants": [{"decision": e.variant.decision, "change": e.variant.change, "size": e.size,
                          "sentences": e.sentences(),
                          "base": [dataclasses.asdict(r) for r in e.base],
                          "variant": [dataclasses.asdict(r) for r in e.other],
                          "objectives": [dataclasses.asdict(d) | {"p": d.p, "q": e.q.get(d.objective),
                                                                 "mattered": e.mattered(d)} for d in e.objectives],
                          "indicators": [dict(zip(("indicator", "pairs", "mean", "low", "high"), row, strict=True))
                                         for row in e.indicators]}
                         for e in effects],
        }, indent=1, sort_keys=True))
        return
    console = Console()
    console.print(Text(f"{visible(loaded.scenario.metadata.title, one_line=True)} - {count} variants of the "
                       f"session's decisions, each against the session's own policy on seeds "
                       f"{seeds[0]}-{seeds[-1]}", style="bold"))
    console.print(f"{comparisons(effects)} comparisons, held together to a {FDR:.0%} false discovery rate "
                  f"(exact McNemar tests, Benjamini-Hochberg); a change under {min_effect * 100:.0f} points is not "
                  "called a decision that mattered.")
    mattered = [e for e in effects if e.size > 0]
    if not mattered:
        console.print("No single decision, changed alone, moved an objective beyond that.")
        return
    console.print(Text("Decisions that mattered", style="bold"))
    for effect in mattered[:top]:
        for sentence in effect.sentences():
            console.print(Text(f"- {visible(sentence[0].upper() + sentence[1:], one_line=True)}."))
    table = Table(title="Objective success rate, variant minus session (paired, 95% CI)", title_justify="left")
    for column in ("decision", "change", *[r.objective for r in mattered[0].base]):
        table.add_column(Text(column))
    for effect in mattered[:top]:
        cells = []
        for d in effect.objectives:
            cells.append(Text("-" if d.mean is None else f"{d.mean * 100:+.0f}", style="bold" if effect.mattered(d) else "dim"))
        table.add_row(Text(visible(effect.variant.decision, one_line=True)),
                      Text(visible(effect.variant.change, one_line=True)), *cells)
    console.print(table)


def print_sensitivity(loaded: LoadedScenario, playbook, groups: tuple[str, ...], *, spread: float,  # noqa: ANN001
                      method: str, samples: int, seeds: list[int], top: int, as_json: bool,
                      svg_dir: str | None = None, playbook_source: Source | None = None, jobs: int = 1,
                      scheduler: str | None = None) -> None:
    from exercise.session.sensitivity import analyse, parameters

    params = parameters(loaded, playbook, groups, spread)
    if not params:
        raise click.UsageError("nothing to vary: give a --playbook whose measures have lead times, "
                               "or vary the stages (detection, success)")
    count = samples * (len(params) + 1) if method == "morris" else samples * (len(params) + 2)
    with progress_bar(f"{len(params)} parameters, {method}", count, as_json) as advance:
        results = analyse(loaded, playbook, params, method=method, samples=samples, seeds=seeds, progress=advance,
                          playbook_source=playbook_source, jobs=jobs, scheduler=scheduler)
    if svg_dir is not None:
        from pathlib import Path

        from exercise.report.charts import tornado_svg
        from exercise.report.files import write_atomically

        folder = Path(svg_dir)
        label = "mu* (mean absolute effect on the success rate)" if method == "morris" else "total-order Sobol index"
        for r in results:
            target = folder / f"{r.objective}.svg"
            # As -o writes: atomically, never through a symlink (the command checked --force before the run).
            rows = [(d.parameter + ("" if d.direction == "either way" else f" (raising it {d.direction})"),
                     d.index, d.spread) for d in r.drivers]
            write_atomically(target, tornado_svg(f"{r.objective}: what drives it", rows, label), force=True)
            click.echo(f"chart: {target}", err=True)
    if as_json:
        click.echo(json.dumps({
            "scenario": loaded.scenario.metadata.id, "playbook": playbook.id if playbook else None,
            "method": method, "samples": samples, "seeds": [seeds[0], seeds[-1]], "spread": spread,
            "parameters": [dataclasses.asdict(p) for p in params],
            "objectives": [{"objective": r.objective, "sentence": r.sentence(),
                            "warnings": r.warnings,
                            "drivers": [({"parameter": d.parameter, "mu_star": d.index, "mu_star_conf": d.conf,
                                          "mu": d.signed, "sigma": d.spread, "direction": d.direction}
                                         if method == "morris" else
                                         {"parameter": d.parameter, "total_order": d.index, "total_order_conf": d.spread,
                                          "first_order": d.signed, "first_order_conf": d.conf})
                                        for d in r.drivers]} for r in results],
        }, indent=1, sort_keys=True))
        return
    console = Console()
    console.print(Text(f"{visible(loaded.scenario.metadata.title, one_line=True)} - {method}, {len(params)} "
                       f"parameters, {count} samples x {len(seeds)} seeds", style="bold"))
    for r in results:
        console.print(Text(visible(r.sentence(), one_line=True) + "."))
    for r in results:
        table = Table(title=Text(f"{r.objective}: {'mu*' if method == 'morris' else 'total-order index'}"),
                      title_justify="left")
        columns = (("parameter", "mu*", "+-", "mu (signed)", "sigma", "raising it") if method == "morris"
                   else ("parameter", "ST", "+-", "S1", "+-"))
        for column in columns:
            table.add_column(column)
        for d in r.drivers[:top]:
            cells = ([f"{d.index:.3f}", f"{d.conf:.3f}", f"{d.signed:+.3f}", f"{d.spread:.3f}", d.direction]
                     if method == "morris" else [f"{d.index:.3f}", f"{d.spread:.3f}", f"{d.signed:.3f}", f"{d.conf:.3f}"])
            table.add_row(Text(visible(d.parameter, one_line=True)), *cells)
        console.print(table)
        for warning in r.warnings:
            console.print(Text(f"warning: {visible(warning, one_line=True)}", style="yellow"))
