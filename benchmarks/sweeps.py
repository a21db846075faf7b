"""Sweep throughput: the same Monte Carlo sweep on local processes and on a Dask LocalCluster.

Runs election-week with the proactive playbook against the passive one (paired), N seeds,
with the local executor on 1 and 2 processes and on a Dask LocalCluster of 2 worker
processes (loopback), checks the three summaries are identical, and prints runs per
second beside raw SimPy's cost per event. Needs `pip install -e '.[dask]'`.
Run: python benchmarks/sweeps.py [--runs N]
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))  # runnable from any directory
from montecarlo import raw_simpy_seconds_per_event

from exercise.scenario.loader import Source
from exercise.session.montecarlo import sweep

ROOT = Path(__file__).resolve().parents[1]
SCENARIO = ROOT / "scenarios" / "election-week.yaml"
BOOKS = [ROOT / "scenarios" / "playbooks" / f"election-week-{k}.yaml" for k in ("passive", "proactive")]


def timed(**kwargs) -> tuple[float, object]:
    start = time.perf_counter()
    done = sweep(Source.read(SCENARIO), SEEDS, [Source.read(b) for b in BOOKS], **kwargs)
    return time.perf_counter() - start, done


def main() -> None:
    global SEEDS
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=4000)
    args = parser.parse_args()
    SEEDS = list(range(1, args.runs + 1))
    from distributed import LocalCluster

    raw = raw_simpy_seconds_per_event()
    print(f"raw SimPy: {raw * 1e6:.2f} us per timeout event")
    rows = []
    for label, kwargs in (("local, 1 process", {"jobs": 1}), ("local, 2 processes", {"jobs": 2})):
        rows.append((label, *timed(**kwargs)))
    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None,
                      host="127.0.0.1") as cluster:
        rows.append(("Dask LocalCluster, 2 workers", *timed(scheduler=cluster.scheduler_address)))
        # Again: the workers have loaded the scenario and playbooks already.
        rows.append(("Dask LocalCluster, 2 workers (warm)", *timed(scheduler=cluster.scheduler_address)))
    pairs = 2 * args.runs  # each seed runs under both playbooks
    for label, seconds, _ in rows:
        print(f"{label:38} {seconds:6.2f} s  {pairs / seconds:8,.0f} runs/s")
    same = all(done == rows[0][2] for _, _, done in rows)
    print(f"summaries identical across executors: {same}")
    if not same:
        sys.exit(1)


SEEDS: list[int] = []

if __name__ == "__main__":
    main()
