"""`exercise audit`: the whole command on a bundled scenario, beside a Monte Carlo of the same seeds.

The audit runs each bundled playbook and every one-decision variant of it on the same seeds: its
cost is about (variants + playbooks) Monte Carlos. Measured in the same run, interleaved: the audit
(both playbooks, --runs N), and `simulate --runs N --playbook passive --compare proactive`; the
ratio says how many paired Monte Carlos an audit costs, whatever the machine.
Goal (issue 33): election-week at 200 seeds in under 60 s on the 2-core project machine.
Run: python benchmarks/audit.py [--scenario election-week] [--runs 200] [--repeat 3]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time


def timed(args: list[str]) -> tuple[float, str]:
    start = time.perf_counter()
    done = subprocess.run([sys.executable, "-m", "exercise", *args], capture_output=True, text=True,
                          env={**os.environ, "PYTHONDONTWRITEBYTECODE": ""})
    if done.returncode not in (0, 1):
        raise SystemExit(done.stderr)
    return time.perf_counter() - start, done.stdout


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--scenario", default="election-week")
    parser.add_argument("--runs", type=int, default=200)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    runs = str(args.runs)
    audits, sweeps = [], []
    comparisons = 0
    for _ in range(args.repeat):
        seconds, out = timed(["audit", args.scenario, "--runs", runs, "--json"])
        audits.append(seconds)
        comparisons = sum(p["comparisons"] for p in json.loads(out)["playbooks"])
        sweeps.append(timed(["simulate", args.scenario, "--runs", runs, "--playbook", "passive",
                             "--compare", "proactive", "--json"])[0])
    audit, sweep = statistics.median(audits), statistics.median(sweeps)
    print(f"machine: {os.cpu_count()} cores, Python {sys.version.split()[0]}")
    print(f"audit {args.scenario} --runs {runs}: {audit:.1f} s (median of {args.repeat}; "
          f"{', '.join(f'{s:.1f}' for s in audits)}), {comparisons} comparisons")
    print(f"simulate --runs {runs} passive vs proactive: {sweep:.1f} s")
    print(f"audit / paired Monte Carlo: {audit / sweep:.1f}")


if __name__ == "__main__":
    main()
