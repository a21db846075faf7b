"""Monte Carlo throughput on election-week: runs per second on one core, and with 2 processes.

Prints, in this order:
- one headless run, and its cost per logged event against a raw SimPy timeout event
  measured in the same process (so the ratio survives a faster or slower machine);
- runs per second on one core, in process (the scenario loaded once, then runs one after
  the other, as a Monte Carlo worker does), with no playbook and with the proactive one;
  with ``--against REV``, the same measure on that commit of this repository, taken in
  turns with this tree's (a git worktree in a temporary folder), and the ratio;
- N runs through ``sweep`` with ``--jobs 1`` and ``--jobs 2``.

Whether the engine runs compiled (the optional mypyc build, README "Faster Monte Carlo") is printed first.
Run from the repository: python benchmarks/montecarlo.py [--runs N] [--against REV] [--repeat K]
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import simpy

ROOT = Path(__file__).resolve().parents[1]
SCENARIO = ROOT / "scenarios" / "election-week.yaml"
PROACTIVE = ROOT / "scenarios" / "playbooks" / "election-week-proactive.yaml"

# Runs per second on one core, in a child process whose PYTHONPATH picks the tree. It uses only
# what every version of the engine has (simulate, and lean runs where they exist), so an older
# commit measures the way it ran Monte Carlo then.
_CHILD = """
import inspect, sys, time
from exercise.scenario import load_scenario
from exercise.session import simulate
from exercise.session.montecarlo import outcome
scenario, book, runs = sys.argv[1], sys.argv[2], int(sys.argv[3])
loaded = load_scenario(scenario)
playbook = None
if book != "none":
    from exercise.scenario.playbook import load_playbook
    playbook = load_playbook(book, loaded)[0]
kw = {"lean": True} if "lean" in inspect.signature(simulate).parameters else {}
for seed in range(1, 201):
    outcome(simulate(loaded, seed, playbook, **kw))
start = time.perf_counter()
for seed in range(1, runs + 1):
    outcome(simulate(loaded, seed, playbook, **kw))
print(runs / (time.perf_counter() - start))
"""


def raw_simpy_seconds_per_event(processes: int = 1000, steps: int = 100) -> float:
    env = simpy.Environment()

    def tick(env: simpy.Environment):
        for _ in range(steps):
            yield env.timeout(1)

    for _ in range(processes):
        env.process(tick(env))
    start = time.perf_counter()
    env.run()
    return (time.perf_counter() - start) / (processes * steps)


def compiled_engine(src: Path) -> bool:
    return any((src / "exercise" / "engine").glob("world.*.so"))


def one_core(src: Path, book: str, runs: int) -> float:
    done = subprocess.run([sys.executable, "-c", _CHILD, str(SCENARIO), book, str(runs)], check=True,
                          capture_output=True, text=True, env={**os.environ, "PYTHONPATH": str(src)})
    return float(done.stdout.strip().splitlines()[-1])


def side_by_side(trees: dict[str, Path], runs: int, repeat: int) -> None:
    """Each tree's runs per second, measured in turns; medians of ``repeat`` turns."""
    for label, book in (("no playbook", "none"), ("proactive playbook", str(PROACTIVE))):
        rates: dict[str, list[float]] = {name: [] for name in trees}
        for _ in range(repeat):
            for name, src in trees.items():
                rates[name].append(one_core(src, book, runs))
        medians = {name: statistics.median(values) for name, values in rates.items()}
        line = ", ".join(f"{name} {value:,.0f} runs/s" for name, value in medians.items())
        if len(medians) == 2:
            (_, this), (_, other) = medians.items()
            line += f" ({this / other:.2f}x)"
        print(f"one core, election-week, {label}: {line}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=1000)
    parser.add_argument("--repeat", type=int, default=3, help="turns of the one-core measure (median)")
    parser.add_argument("--against", metavar="REV", help="also measure this commit, in turns with this tree")
    args = parser.parse_args()

    from exercise.scenario import load_scenario
    from exercise.scenario.loader import Source
    from exercise.scenario.playbook import load_playbook
    from exercise.session import simulate
    from exercise.session.montecarlo import sweep

    src = ROOT / "src"
    print(f"engine: {'compiled (mypyc)' if compiled_engine(src) else 'pure Python'}")
    raw = raw_simpy_seconds_per_event()
    print(f"raw SimPy: {raw * 1e6:.2f} us per timeout event ({1 / raw / 1e6:.2f} M events/s)")
    loaded = load_scenario(SCENARIO)
    playbook = load_playbook(PROACTIVE, loaded)[0]
    start = time.perf_counter()
    sample = [simulate(loaded, seed, playbook) for seed in range(1, 51)]
    one_run = (time.perf_counter() - start) / len(sample)
    logged = sum(len(w.events) for w in sample) / len(sample)
    print(f"one headless run (proactive, full log): {one_run * 1e3:.2f} ms, {logged:.0f} logged events")
    print(f"engine cost per logged event / raw SimPy event: {one_run / logged / raw:.1f}")

    with tempfile.TemporaryDirectory() as folder:
        trees = {"this tree": src}
        if args.against:
            other = Path(folder) / "against"
            subprocess.run(["git", "-C", str(ROOT), "worktree", "add", "--detach", "--quiet", str(other),
                            args.against], check=True)
            trees[args.against] = other / "src"
        try:
            side_by_side(trees, args.runs, args.repeat)
        finally:
            if args.against:
                subprocess.run(["git", "-C", str(ROOT), "worktree", "remove", "--force", str(other)], check=True)

    seeds = list(range(1, args.runs + 1))
    timings = {}
    for jobs in (1, 2):
        start = time.perf_counter()
        sweep(Source.read(SCENARIO), seeds, [Source.read(PROACTIVE)], jobs=jobs)
        timings[jobs] = time.perf_counter() - start
        print(f"{args.runs} runs (proactive) through sweep, --jobs {jobs}: {timings[jobs]:.2f} s, "
              f"{args.runs / timings[jobs] / jobs:,.0f} runs/s per core")
    print(f"speed-up with 2 processes on {os.cpu_count()} cores: {timings[1] / timings[2]:.2f}x")


if __name__ == "__main__":
    main()
