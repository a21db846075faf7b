"""Journal replay of 1,000 decisions: record a session, then rebuild it from its journal.

Uses the generated large scenario of ``engine_vs_simpy.py`` with 1,000 custom
measures; each team takes each of its measures once, so the journal holds
1,000 decision records (each written, flushed and fsynced as it would be
live). Times the recording, `replay()` in this process and `exercise replay`
as a user runs it, beside raw SimPy's cost per event for scale.
Run: python benchmarks/journal_replay.py [--decisions N] [--repeat N]
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from unittest import mock

import yaml

sys.path.insert(0, str(Path(__file__).resolve().parent))  # runnable from any directory
from engine_vs_simpy import large_scenario, moves
from montecarlo import raw_simpy_seconds_per_event

from exercise.engine import log_to_jsonl
from exercise.scenario import load_scenario
from exercise.session.commands import TakeMeasure
from exercise.session.live import Session, replay


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--decisions", type=int, default=1000)
    parser.add_argument("--repeat", type=int, default=5, help="replays timed; the median counts")
    args = parser.parse_args()
    raw = statistics.median(raw_simpy_seconds_per_event() for _ in range(5))
    with tempfile.TemporaryDirectory() as folder:
        scenario = Path(folder) / "large.yaml"
        scenario.write_text(yaml.safe_dump(large_scenario(responses=args.decisions), sort_keys=False),
                            encoding="utf-8")
        scenario_kib = scenario.stat().st_size / 1024
        loaded = load_scenario(scenario)
        journal = Path(folder) / "session.jsonl"
        start = time.perf_counter()
        live = Session(loaded, 1)
        live.start_journal(journal)
        for t, team, rid in moves(loaded):
            live.advance_to(t)
            live.submit(TakeMeasure(team=team, response=rid, note="benchmark"))
        live.advance_to(live.world.end)
        live.close()
        recorded = time.perf_counter() - start
        lines = journal.read_text(encoding="utf-8").count("\n")

        loads = []
        for _ in range(args.repeat):
            start = time.perf_counter()
            load_scenario(scenario)
            loads.append(time.perf_counter() - start)
        # The same replay with the scenario already read: what re-applying the decisions costs.
        applies = []
        with mock.patch("exercise.session.live.load_scenario", lambda path: loaded):
            for _ in range(args.repeat):
                start = time.perf_counter()
                session, _ = replay(journal)
                session.advance_to(session.world.end)
                applies.append(time.perf_counter() - start)
        replays = []
        for _ in range(args.repeat):
            start = time.perf_counter()
            session, _ = replay(journal)
            session.advance_to(session.world.end)
            replays.append(time.perf_counter() - start)
        if log_to_jsonl(session.world.events) != log_to_jsonl(live.world.events):
            sys.exit("the replay differs from the recorded session")
        start = time.perf_counter()
        subprocess.run([sys.executable, "-m", "exercise", "replay", str(journal)], capture_output=True, check=True)
        command = time.perf_counter() - start
    decisions = lines - 1
    print(f"raw SimPy: {raw * 1e6:.2f} us per timeout event")
    print(f"session: {decisions} decisions journaled, {len(live.world.events)} events logged")
    print(f"recording live (one fsync per decision): {recorded:.2f} s")
    whole, load, apply = statistics.median(replays), statistics.median(loads), statistics.median(applies)
    print(f"replay() to the end: {whole * 1e3:.0f} ms (median of {args.repeat}); event log identical")
    print(f"  loading the scenario ({scenario_kib:.0f} KiB) alone: {load * 1e3:.0f} ms")
    print(f"  replay() with the scenario already loaded: {apply * 1e3:.0f} ms, "
          f"{apply / decisions * 1e6:.0f} us per decision")
    print(f"exercise replay, whole command: {command:.2f} s")


if __name__ == "__main__":
    main()
