"""`exercise validate` on a generated 1,000-inject scenario (goal: < 1 s).

Writes the large scenario of ``engine_vs_simpy.py`` (50 campaigns, 1,000
injects, 200 custom measures) to a temporary file, then times the load and
lint in this process and the whole command as a user runs it (interpreter and
imports included), beside raw SimPy's cost per event for scale.
Run: python benchmarks/validate_large.py [--repeat N]
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import yaml

sys.path.insert(0, str(Path(__file__).resolve().parent))  # runnable from any directory
from engine_vs_simpy import large_scenario
from montecarlo import raw_simpy_seconds_per_event

from exercise.scenario import load_scenario
from exercise.scenario.lint import lint


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5, help="runs of each measurement; the median counts")
    args = parser.parse_args()
    raw = statistics.median(raw_simpy_seconds_per_event() for _ in range(args.repeat))
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "large.yaml"
        path.write_text(yaml.safe_dump(large_scenario(), sort_keys=False), encoding="utf-8")
        size = path.stat().st_size
        lines = path.read_text(encoding="utf-8").count("\n")

        def in_process() -> float:
            start = time.perf_counter()
            problems = lint(load_scenario(path))
            elapsed = time.perf_counter() - start
            assert not [p for p in problems if p.severity == "error"], problems
            return elapsed

        def command() -> float:
            start = time.perf_counter()
            done = subprocess.run([sys.executable, "-m", "exercise", "validate", str(path)],
                                  capture_output=True, text=True, check=False)
            elapsed = time.perf_counter() - start
            if done.returncode != 0:
                sys.exit(f"exercise validate failed:\n{done.stdout}{done.stderr}")
            return elapsed

        loads = [in_process() for _ in range(args.repeat)]
        commands = [command() for _ in range(args.repeat)]
    print(f"scenario: 50 campaigns, 1000 injects, 200 custom measures; {lines} lines, {size / 1024:.0f} KiB")
    print(f"raw SimPy: {raw * 1e6:.2f} us per timeout event (median of {args.repeat})")
    print(f"load + lint in process: {statistics.median(loads) * 1e3:.0f} ms (median of {args.repeat}; "
          f"{min(loads) * 1e3:.0f}-{max(loads) * 1e3:.0f})")
    print(f"exercise validate, whole command: {statistics.median(commands):.2f} s (median of {args.repeat}; "
          f"{min(commands):.2f}-{max(commands):.2f}); goal < 1 s")


if __name__ == "__main__":
    main()
