"""The console debrief's "which decisions mattered" (w): worker processes against one thread.

The debrief runs every one-decision variant of the session's policy on 100 seeds. It runs them
from a Textual worker thread on spawned worker processes (montecarlo._pool). Measured here in the
same run: that call from a thread, and the same call on one process (how it ran before).
Goal (issue 34): election-week at 100 seeds under 20 s on the 2-core project machine.
Run: python benchmarks/debrief_whatif.py [--seeds 100] [--repeat 2]
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path

from exercise.scenario import load_scenario
from exercise.scenario.playbook import load_playbook
from exercise.session.live import Session
from exercise.session.policy_from import session_policy
from exercise.session.whatif import LATER_HOURS, variants, whatif
from exercise.tui.screens.debrief import WHATIF_JOBS

ROOT = Path(__file__).resolve().parents[1]


def timed_in_thread(call: Callable[[], object]) -> float:
    start = time.perf_counter()
    worker = threading.Thread(target=call, name="debrief-worker")
    worker.start()
    worker.join()
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seeds", type=int, default=100)
    parser.add_argument("--repeat", type=int, default=2)
    args = parser.parse_args()
    loaded = load_scenario(ROOT / "scenarios" / "election-week.yaml")
    book = ROOT / "scenarios" / "playbooks" / "election-week-proactive.yaml"
    session = Session(loaded, 4, load_playbook(book, loaded)[0], book)
    session.advance_to(session.world.end)
    base, played = session_policy(session, "The policy played in this session")
    chosen = variants(base, loaded, LATER_HOURS, played)
    seeds = list(range(session.seed, session.seed + args.seeds))
    pooled, single = [], []
    for _ in range(args.repeat):
        pooled.append(timed_in_thread(lambda: whatif(loaded, base, chosen, seeds, jobs=WHATIF_JOBS)))
        single.append(timed_in_thread(lambda: whatif(loaded, base, chosen, seeds, jobs=1)))
    p, s = statistics.median(pooled), statistics.median(single)
    print(f"machine: {os.cpu_count()} cores, Python {sys.version.split()[0]}")
    print(f"debrief what-if, election-week, {len(chosen)} variants x {len(seeds)} seeds")
    print(f"  {WHATIF_JOBS} worker processes, from a thread: {p:.1f} s ({', '.join(f'{x:.1f}' for x in pooled)})")
    print(f"  one thread (before):                {s:.1f} s ({', '.join(f'{x:.1f}' for x in single)})")
    print(f"  speed-up: {s / p:.2f}x")


if __name__ == "__main__":
    main()
