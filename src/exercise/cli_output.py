"""How the CLI prints runs and batches (text with rich, or JSON)."""

from __future__ import annotations

import dataclasses
import json
import shutil
import sys
import textwrap
from collections.abc import Callable, Iterator
from contextlib import contextmanager

import click
from rich.table import Table
from rich.text import Text

from exercise.plain import visible
from exercise.terminal import Console
from exercise.scenario.loader import LoadedScenario, Source
from exercise.session.live import Session
from exercise.session.views import debrief, outcome_of
from exercise.session.timeline import clock, describe, wall_clock


def print_run(session: Session, as_json: bool, players: int = 0) -> None:
    """One run's timeline and indicator table; ``players``: decisions people took in it (a replay)."""
    loaded, world, book = session.loaded, debrief(session), session.playbook
    s = loaded.scenario
    if as_json:
        click.echo(json.dumps({
            "scenario": s.metadata.id, "sha256": loaded.sha256, "seed": world.seed,
            "playbook": book.id if book else None,
            "events": [e.to_dict() for e in world.events],
            "outcome": dataclasses.asdict(outcome_of(session)),
        }, indent=1, sort_keys=True))
        return
    who = [f"playbook {book.id}"] if book else []
    if players:
        who.append(f"{players} decision{'s' if players != 1 else ''} by players")
    click.echo(visible(f"{s.metadata.title} - seed {world.seed}, {', '.join(who) or 'no playbook (nobody acts)'}"
                       + ("" if world.finished else f"; stopped at {clock(world.now)}"), one_line=True))
    # Plain lines, one per event: easy to grep, diff and pipe. On a terminal, long
    # lines wrap at word boundaries under the text, clear of the time columns.
    width = shutil.get_terminal_size().columns if sys.stdout.isatty() else None
    for event in world.events:
        text = describe(event, s)
        if text is None:
            continue
        text = visible(text, one_line=True)
        head = f"{clock(event.t):>12}  {wall_clock(s, event.t)}  "
        if width is None or len(head) + len(text) <= width:
            click.echo(head + text)
        else:
            click.echo(textwrap.fill(text, width=max(width, len(head) + 20), initial_indent=head,
                                     subsequent_indent=" " * len(head), break_on_hyphens=False))
    console = Console()
    result = outcome_of(session)
    table = Table(title="Indicators" if world.finished else f"Indicators at {clock(world.now)}",
                  title_justify="left")
    for column in ("indicator", "at end" if world.finished else "now", "lowest", "highest"):
        table.add_column(column)
    for ident in result.final:
        table.add_row(Text(visible(ident, one_line=True)), f"{result.final[ident]:.2f}", f"{result.lowest[ident]:.2f}",
                      f"{result.highest[ident]:.2f}")
    console.print(table)


def _percent(x: float) -> str:
    """Whole percent, but a decimal near 0 and 1, where a Wilson bound of 0.4% must not read 0%."""
    return f"{x:.0%}" if 0.01 <= x <= 0.99 else f"{x:.1%}"


@contextmanager
def progress_bar(description: str, total: int, quiet: bool) -> Iterator[Callable[[int], None]]:
    """A bar on stderr while a sweep runs (none when ``quiet`` or not on a terminal); gives ``advance(n)``."""
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

    err = Console(stderr=True)
    with Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn(),
                  console=err, transient=True, disable=quiet or not err.is_terminal) as progress:
        task = progress.add_task(description, total=total)
        yield lambda n: progress.advance(task, n)


def print_batch(loaded: LoadedScenario, seeds: list[int], batches: list[tuple[str, Source | None]],
                jobs: int, as_json: bool, scheduler: str | None = None) -> None:
    from exercise.session.montecarlo import sweep

    with progress_bar(" vs ".join(label for label, _ in batches), len(seeds), as_json) as advance:
        done = sweep(loaded, seeds, [playbook for _, playbook in batches], jobs=jobs, progress=advance,
                     scheduler=scheduler)
    results = {label: tally for (label, _), tally in zip(batches, done.tallies, strict=True)}
    if done.interrupted:
        click.echo(f"interrupted: {done.completed:,} of {done.asked:,} runs completed; the summary below is "
                   f"of those {done.completed:,}", err=True)
    if done.completed == 0:
        sys.exit(130)
    seeds = seeds[:done.completed] if done.interrupted else seeds
    # Scenario text goes into tables as Text: a capability of "[link=...]" stays those characters.
    capability = {o.id: Text(visible(o.capability, one_line=True)) for o in loaded.scenario.objectives}
    better_high = {i.id: i.higher_is_better for i in loaded.scenario.indicators}
    if as_json:
        out = {
            "scenario": loaded.scenario.metadata.id, "seeds": [seeds[0], seeds[-1]],
            "runs": done.completed, "interrupted": done.interrupted,
            # The keys are printed sorted: this says which batch came first, for "paired" (later minus first).
            "order": list(results),
            "batches": {
                label: {
                    "objectives": [dataclasses.asdict(r) for r in res.objective_rates()],
                    "final": res.indicator_quantiles("final"),
                    "lowest": res.indicator_quantiles("lowest"),
                }
                for label, res in results.items()
            },
        }
        if done.pairs:
            out["paired"] = [dataclasses.asdict(d) for d in done.pairs[0].differences()]
        click.echo(json.dumps(out, indent=1, sort_keys=True))
        if done.interrupted:
            sys.exit(130)
        return
    console = Console()
    heading = Text(visible(loaded.scenario.metadata.title, one_line=True), style="bold")
    heading.append(f" - {done.completed} runs" + (f" of {done.asked} (interrupted)" if done.interrupted else "")
                   + f", seeds {seeds[0]}-{seeds[-1]}", style="")
    console.print(heading)
    for name, res in results.items():
        label = visible(name, one_line=True)
        table = Table(title=Text(f"Objectives met - {label}"), title_justify="left")
        for column in ("objective", "capability", "met", "rate", "95% CI"):
            table.add_column(column)
        for r in res.objective_rates():
            if r.rate is None:
                table.add_row(r.objective, capability[r.objective], "-", "rated by facilitator", "")
            else:
                table.add_row(r.objective, capability[r.objective], f"{r.met}/{r.judged}",
                              _percent(r.rate), f"{_percent(r.low)}-{_percent(r.high)}")
        console.print(table)
        table = Table(title=Text(f"Indicators at end (5% / median / 95%) - {label}"), title_justify="left")
        for column in ("indicator", "p5", "median", "p95", "worst point, median"):
            table.add_column(column)
        lowest, highest = res.indicator_quantiles("lowest"), res.indicator_quantiles("highest")
        for ident, (p5, p50, p95) in res.indicator_quantiles("final").items():
            worst = lowest[ident][1] if better_high[ident] else highest[ident][1]
            table.add_row(Text(visible(ident, one_line=True)), f"{p5:.2f}", f"{p50:.2f}", f"{p95:.2f}", f"{worst:.2f}")
        console.print(table)
    if done.pairs:
        la, lb = results
        la, lb = visible(la, one_line=True), visible(lb, one_line=True)
        table = Table(title=Text(f"Paired on the same seeds: {lb} minus {la}"), title_justify="left")
        for column in ("objective", "difference", "95% CI", Text(f"only {la}"), Text(f"only {lb}")):
            table.add_column(column)
        for d in done.pairs[0].differences():
            if d.mean is None:
                table.add_row(d.objective, "-", "", "", "")
                continue
            table.add_row(d.objective, f"{d.mean:+.0%}", f"{d.low:+.0%} to {d.high:+.0%}", str(d.only_a), str(d.only_b))
        console.print(table)
    if done.interrupted:
        sys.exit(130)  # the summary is printed, but of fewer runs than asked
