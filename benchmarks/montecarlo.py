"""Monte Carlo throughput: 1,000 runs of a bundled scenario on 1 and 2 processes.

Prints wall-clock figures and, for scale, the cost of a raw SimPy timeout
event measured in the same process, so the ratio survives a faster or slower
machine. Run from the repository: python benchmarks/montecarlo.py [--runs N]
"""

from __future__ import annotations

import argparse
import os
import time
from pathlib import Path

import simpy

from exercise.scenario import load_scenario
from exercise.session import simulate
from exercise.session.montecarlo import sweep

ROOT = Path(__file__).resolve().parents[1]


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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--scenario", default=str(ROOT / "scenarios" / "election-week.yaml"))
    parser.add_argument("--playbook", default=str(ROOT / "scenarios" / "playbooks" / "election-week-proactive.yaml"),
                        help="a playbook file, or 'none' for a run in which nobody acts")
    parser.add_argument("--runs", type=int, default=1000)
    args = parser.parse_args()

    raw = raw_simpy_seconds_per_event()
    print(f"raw SimPy: {raw * 1e6:.2f} us per timeout event ({1 / raw / 1e6:.2f} M events/s)")

    from exercise.scenario.playbook import load_playbook

    if args.playbook == "none":
        args.playbook = None
    loaded = load_scenario(args.scenario)
    playbook = load_playbook(args.playbook, loaded)[0] if args.playbook else None
    start = time.perf_counter()
    sample = [simulate(loaded, seed, playbook) for seed in range(1, 51)]
    one_run = (time.perf_counter() - start) / len(sample)
    logged = sum(len(w.events) for w in sample) / len(sample)
    print(f"one headless run: {one_run * 1e3:.2f} ms, {logged:.0f} logged events")
    print(f"engine cost per logged event / raw SimPy event: {one_run / logged / raw:.1f}")

    seeds = list(range(1, args.runs + 1))
    timings = {}
    for jobs in (1, 2):
        start = time.perf_counter()
        sweep(args.scenario, seeds, [args.playbook], jobs=jobs)
        timings[jobs] = time.perf_counter() - start
        print(f"{args.runs} runs, --jobs {jobs}: {timings[jobs]:.2f} s, {args.runs / timings[jobs] / jobs:,.0f} runs/s per core")
    print(f"speed-up with 2 processes on {os.cpu_count()} cores: {timings[1] / timings[2]:.2f}x")
    print(f"monte carlo {args.runs} runs / one raw SimPy event: {timings[2] / raw / 1e6:.1f} M events' worth")


if __name__ == "__main__":
    main()
