"""A full headless run of each bundled scenario, with no playbook and with each of its playbooks.

For each, the median wall time of one run over a number of seeds, the events
it logs and the SimPy events it processes, beside raw SimPy's cost per event
measured in the same process; then `exercise simulate` as a user runs it
(interpreter and imports included).
Run: python benchmarks/headless_runs.py [--seeds N]
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))  # runnable from any directory
from engine_vs_simpy import StepCounter
from montecarlo import raw_simpy_seconds_per_event

from exercise.engine import World
from exercise.scenario import load_scenario
from exercise.scenario.playbook import load_playbook
from exercise.session.policy import apply_playbook

ROOT = Path(__file__).resolve().parents[1]


def play(loaded, seed: int, playbook, counter: bool = False) -> tuple[World, StepCounter | None]:
    world = World(loaded, seed)
    steps = StepCounter(world) if counter else None
    if playbook is not None:
        apply_playbook(world, playbook)
    world.run()
    return world, steps


def one_run(loaded, seed: int, playbook) -> tuple[float, int, int]:
    """(seconds, events logged, SimPy events processed) of one run to the end.

    The SimPy events are counted in a second, untimed run of the same seed.
    """
    start = time.perf_counter()
    world, _ = play(loaded, seed, playbook)
    elapsed = time.perf_counter() - start
    _, steps = play(loaded, seed, playbook, counter=True)
    return elapsed, len(world.events), steps.count


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, default=50, help="runs per scenario and playbook; the median counts")
    args = parser.parse_args()
    raw = statistics.median(raw_simpy_seconds_per_event() for _ in range(5))
    print(f"raw SimPy: {raw * 1e6:.2f} us per timeout event")
    print(f"{'scenario':<20} {'playbook':<10} {'run (ms)':>9} {'logged':>7} {'SimPy':>6} {'us/SimPy event':>15} {'ratio':>6}")
    scenarios = sorted((ROOT / "scenarios").glob("*.yaml"))
    for path in scenarios:
        loaded = load_scenario(path)
        playbooks = sorted((ROOT / "scenarios" / "playbooks").glob(f"{path.stem}-*.yaml"))
        for playbook_path in [None, *playbooks]:
            playbook = None if playbook_path is None else load_playbook(playbook_path, loaded)[0]
            runs = [one_run(loaded, seed, playbook) for seed in range(1, args.seeds + 1)]
            elapsed = statistics.median(r[0] for r in runs)
            logged = statistics.median(r[1] for r in runs)
            steps = statistics.median(r[2] for r in runs)
            label = "none" if playbook is None else playbook_path.stem.removeprefix(f"{path.stem}-")
            print(f"{path.stem:<20} {label:<10} {elapsed * 1e3:>9.2f} {logged:>7.0f} {steps:>6.0f} "
                  f"{elapsed / steps * 1e6:>15.2f} {elapsed / steps / raw:>6.1f}")
    for path in scenarios:
        times = []
        for _ in range(3):
            start = time.perf_counter()
            subprocess.run([sys.executable, "-m", "exercise", "simulate", str(path), "--seed", "1"],
                           capture_output=True, check=True)
            times.append(time.perf_counter() - start)
        print(f"exercise simulate {path.stem} --seed 1, whole command: {statistics.median(times):.2f} s (median of 3)")


if __name__ == "__main__":
    main()
