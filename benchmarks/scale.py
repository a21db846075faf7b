"""How every operation grows with the size of its input: scenarios of 100 to 100,000 injects,
journals of 1,000 to 100,000 decisions.

Each size is measured in a fresh child process (so one size's garbage, caches and
imports do not colour the next, and its peak memory is its own); Monte Carlo in one more,
as a worker runs: the scenario loaded once, nothing else held. Per scenario size:
load, validate (load + lint), one headless run, ``exercise simulate`` as a
command, Monte Carlo runs per second on one core, the console's first frame and a
tick late in the exercise with every inject delivered, peak memory. Per journal
size: record (no fsync: the figure is not the disk's), replay, ``exercise report``
as a command, peak memory. Raw SimPy's cost per event is printed first, for scale.

The growth exponent of an operation is the slope of log(time) against log(size),
fitted by least squares over the sizes from 1,000 up; 1.0 is linear.
The last line: ``scale: worst growth exponent X.XX``.

Run: python benchmarks/scale.py [--quick]   (--quick: up to 10,000 injects and decisions)
"""

from __future__ import annotations

import argparse
import asyncio
import json
import math
import os
import random
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))  # runnable from any directory

INJECT_SIZES = (100, 1_000, 10_000, 100_000)
DECISION_SIZES = (1_000, 10_000, 100_000)
QUICK_INJECTS = (100, 1_000, 10_000)
QUICK_DECISIONS = (1_000, 10_000)
JOURNAL_SCENARIO = 1_000  # injects in the scenario the journals are played on


# --- inputs -----------------------------------------------------------------------------------


def scaled_scenario(injects: int, seed: int = 7) -> dict:
    """A valid scenario of ``injects`` injects, with campaigns, teams, measures and indicators in
    proportion: a campaign of three stages per 20 injects, a team per 1,000 injects (at least 4),
    a custom measure per 5 injects, an indicator per 1,000 injects (at least 10)."""
    from engine_vs_simpy import assemble, measures, timed_and_triggered

    rng = random.Random(seed)
    campaigns = max(1, injects // 20)
    teams = [f"team{k}" for k in range(max(4, injects // 1000))]
    custom = measures(max(8, injects // 5), rng)
    for n, m in enumerate(custom):
        m["id"] = f"X-{n}"
        if "effects" in m:
            m["effects"][0]["indicator"] = f"i{rng.randrange(max(10, injects // 1000))}"
    owned = {team: [m["id"] for m in custom[k::len(teams)]] for k, team in enumerate(teams)}
    gauges = max(10, injects // 1000)
    minutes = 4 * 1440
    indicators = [
        {"id": f"i{k}", "name": f"Indicator {k}", "domain": "society", "initial": 0.8,
         "recovery_half_life": f"{rng.randint(6, 48)}h", "bands": {"green": 0.7, "amber": 0.5},
         "provenance": "design"}
        for k in range(gauges)
    ]
    conditional = injects // 5
    scheduled = injects - 3 * campaigns - conditional
    plan = [{"id": f"I{n}", "title": f"Inject {n}", "to": [rng.choice(teams)], "from": "control",
             "channel": "email", "severity": rng.choice(["low", "medium", "high"]),
             "objectives": ["OBJ-1"]} for n in range(injects)]
    camps = timed_and_triggered(plan, rng, teams=teams, owned=owned, scheduled=scheduled, campaigns=campaigns,
                                gauges=gauges, minutes=minutes)
    return assemble(f"scale-{injects}", f"Generated scenario of {injects:,} injects", teams, owned, indicators,
                    camps, plan, custom)


def write_scenario(folder: Path, injects: int) -> Path:
    import yaml

    path = folder / f"scale-{injects}.yaml"
    if not path.exists():
        text = yaml.dump(scaled_scenario(injects), sort_keys=False, Dumper=getattr(yaml, "CSafeDumper", yaml.SafeDumper))
        path.write_text(text, encoding="utf-8")
    return path


def write_journal(folder: Path, loaded, decisions: int, seed: int = 1) -> Path:
    """A session of ``decisions`` measures taken at random times by random teams, journaled
    as the console would journal it (without an fsync per line: the disk is not measured)."""
    from exercise.session.commands import TakeMeasure
    from exercise.session.live import Session

    rng = random.Random(seed)
    scenario = loaded.scenario
    end = scenario.metadata.duration
    moves = sorted((rng.uniform(0, end), team.id, rng.choice(team.responses))
                   for team in (rng.choice(scenario.teams) for _ in range(decisions)))
    session = Session(loaded, seed)
    path = folder / f"journal-{decisions}.jsonl"
    session.writer = _NoSync(path)
    session.journal_header = session.header()
    session.writer.append(session.journal_header)
    for t, team, response in moves:
        session.advance_to(t)
        session.submit(TakeMeasure(team=team, response=response, note="benchmark"))
    session.close()
    return path


class _NoSync:
    def __init__(self, path: Path) -> None:
        self.path = path
        self.file = path.open("w", encoding="utf-8")

    def append(self, record: dict) -> None:
        self.file.write(json.dumps(record, separators=(",", ":")) + "\n")

    def close(self) -> None:
        self.file.close()


# --- one size, in a child process ---------------------------------------------------------------


def _timed(fn, *args):
    start = time.perf_counter()
    result = fn(*args)
    return time.perf_counter() - start, result


def _command(*args: str) -> float:
    start = time.perf_counter()
    subprocess.run([sys.executable, "-m", "exercise", *args], stdout=subprocess.DEVNULL,
                   stderr=subprocess.PIPE, check=True)
    return time.perf_counter() - start


def measure_injects(folder: Path, injects: int) -> dict:
    from exercise.scenario import load_scenario
    from exercise.scenario.lint import lint
    from exercise.session.headless import simulate

    path = write_scenario(folder, injects)
    load_scenario(ROOT / "scenarios" / "election-week.yaml")  # the catalogue is read once per process: not here
    figures: dict[str, float] = {}
    figures["load"], loaded = _timed(load_scenario, path)
    figures["validate"], _ = _timed(lambda: lint(load_scenario(path)))
    figures["headless run"], world = _timed(simulate, loaded, 1)
    figures["simulate command"] = _command("simulate", str(path), "--seed", "1")
    first, tick = asyncio.run(_console(loaded))
    figures["console first frame"], figures["console late tick (CPU)"] = first, tick
    figures["delivered"] = sum(e.kind == "inject.delivered" for e in world.events)
    return figures


def measure_montecarlo(folder: Path, injects: int) -> dict:
    """Runs per second on one core, as a Monte Carlo worker makes them: a process that loads the
    scenario once and then runs lean runs one after another, in its steady state. A process of
    its own, like a worker: not one that also holds the other measures' scenario and world."""
    from exercise.collector import batch_collector
    from exercise.session import montecarlo

    path = write_scenario(folder, injects)
    runs = max(3, min(200, 20_000 // injects))
    files = montecarlo.payload(path, [None])
    with batch_collector(montecarlo._young(montecarlo.loaded_from(files)[0])):  # as in a worker process
        # The first run of a process records what set-up schedules (world.SetUp), as a worker's
        # first run does once for its whole batch: the steady state starts after it.
        montecarlo.seed_runs(files, [0])
        elapsed, _ = _timed(montecarlo.seed_runs, files, list(range(1, runs + 1)))
    return {"monte carlo run": elapsed / runs}


async def _console(loaded) -> tuple[float, float]:
    """The console's first frame, then one clock tick with (nearly) every inject delivered."""
    from exercise.session.live import Session
    from exercise.tui.app import TICK, ExerciseApp

    session = Session(loaded, 1)
    app = ExerciseApp(session, briefing=False, timer=False)
    start = time.perf_counter()
    async with app.run_test(size=(140, 45)) as pilot:
        await pilot.pause()
        first = time.perf_counter() - start
        app.advance(session.world.end - 60 - session.world.now)  # an hour before the end
        await pilot.pause()
        app.clock.running = True
        ticks = []
        for _ in range(5):
            # CPU time, not wall time: the pilot's pause idles a few ms to let the frame settle,
            # which a running console does not.
            start = time.process_time()
            app._move(app.clock.tick, TICK)  # what a Tick message does
            await pilot.pause()  # and the frame it draws
            ticks.append(time.process_time() - start)
    return first, sorted(ticks)[len(ticks) // 2]


def measure_decisions(folder: Path, decisions: int) -> dict:
    from exercise.scenario import load_scenario
    from exercise.session.live import replay

    loaded = load_scenario(write_scenario(folder, JOURNAL_SCENARIO))
    figures: dict[str, float] = {}
    figures["record"], journal = _timed(write_journal, folder, loaded, decisions)
    figures["replay"], _ = _timed(lambda: replay(journal))
    figures["replay command"] = _command("replay", str(journal))
    figures["report command"] = _command("report", str(journal), "-o", str(folder / f"report-{decisions}.md"),
                                         "--force")
    return figures


def child(kind: str, size: int, folder: Path) -> None:
    if kind == "montecarlo":
        print(json.dumps(measure_montecarlo(folder, size)))
        return
    figures = measure_injects(folder, size) if kind == "injects" else measure_decisions(folder, size)
    figures["peak memory MiB"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps(figures))


def _in_child(kind: str, size: int, folder: str) -> dict:
    done = subprocess.run([sys.executable, __file__, "--child", kind, str(size), folder],
                          capture_output=True, text=True)
    if done.returncode:
        sys.exit(f"{kind} {size}: {done.stderr.strip()}")
    return json.loads(done.stdout.strip().splitlines()[-1])


# --- the table --------------------------------------------------------------------------------


def exponent(points: list[tuple[int, float]]) -> float | None:
    """Least-squares slope of log(time) on log(size) over the sizes from 1,000 up."""
    points = [(n, t) for n, t in points if n >= 1000 and t > 0]
    if len(points) < 2:
        return None
    xs = [math.log(n) for n, _ in points]
    ys = [math.log(t) for _, t in points]
    mx, my = sum(xs) / len(xs), sum(ys) / len(ys)
    return sum((x - mx) * (y - my) for x, y in zip(xs, ys, strict=True)) / sum((x - mx) ** 2 for x in xs)


def _cell(name: str, value: float) -> str:
    if name == "peak memory MiB":
        return f"{value:,.0f}"
    if name == "delivered":
        return f"{value:,.0f}"
    if name == "monte carlo run":
        return f"{1 / value:,.1f}/s"
    return f"{value * 1e3:,.1f} ms" if value < 1 else f"{value:,.2f} s"


def table(kind: str, results: dict[int, dict]) -> tuple[list[str], dict[str, float]]:
    sizes = sorted(results)
    names = list(results[sizes[0]])
    lines = [f"| {kind} | " + " | ".join(f"{n:,}" for n in sizes) + " | growth exponent |",
             "|---|" + "---|" * (len(sizes) + 1)]
    exponents = {}
    for name in names:
        fit = None if name in ("delivered",) else exponent([(n, results[n][name]) for n in sizes])
        if fit is not None and name != "peak memory MiB":
            exponents[name] = fit
        cells = " | ".join(_cell(name, results[n][name]) for n in sizes)
        lines.append(f"| {name} | {cells} | {'' if fit is None else f'{fit:.2f}'} |")
    return lines, exponents


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="up to 10,000 injects and decisions (under two minutes)")
    parser.add_argument("--child", nargs=3, metavar=("KIND", "SIZE", "FOLDER"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args.child[0], int(args.child[1]), Path(args.child[2]))
        return
    from montecarlo import raw_simpy_seconds_per_event

    raw = sorted(raw_simpy_seconds_per_event() for _ in range(3))[1]
    print(f"raw SimPy: {raw * 1e6:.2f} us per timeout event; {os.cpu_count()} cores; Python {sys.version.split()[0]}")
    worst: list[tuple[float, str]] = []
    with tempfile.TemporaryDirectory() as tmp:
        for kind, sizes in (("injects", QUICK_INJECTS if args.quick else INJECT_SIZES),
                            ("decisions", QUICK_DECISIONS if args.quick else DECISION_SIZES)):
            results = {}
            for size in sizes:
                results[size] = _in_child(kind, size, tmp)
                if kind == "injects":  # in the table, beside the other measures of runs
                    figures = list(results[size].items())
                    at = [name for name, _ in figures].index("simulate command") + 1
                    figures[at:at] = _in_child("montecarlo", size, tmp).items()
                    results[size] = dict(figures)
                print(f"  {kind} {size:,}: done", file=sys.stderr, flush=True)
            lines, exponents = table(kind, results)
            print("\n".join(["", *lines]))
            worst += [(e, f"{kind}: {name}") for name, e in exponents.items()]
    top = max(worst)
    print(f"\nworst: {top[1]}")
    print(f"scale: worst growth exponent {top[0]:.2f}")


if __name__ == "__main__":
    main()
