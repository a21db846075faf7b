"""Facilitator console start-up: time to the first frame (goal: under 1 s).

Measures, in one run: the cost of importing the console (a fresh interpreter),
loading the scenario, and an app's start to its first drawn screen (Textual's
headless driver), next to raw SimPy's cost per event for scale.
Run: python benchmarks/tui_first_frame.py
"""

from __future__ import annotations

import asyncio
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))  # runnable from any directory
from montecarlo import raw_simpy_seconds_per_event  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]


def import_seconds() -> float:
    code = "import time; t = time.perf_counter(); import exercise.tui.app; print(time.perf_counter() - t)"
    return float(subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout)


async def first_frame_seconds() -> tuple[float, float]:
    from exercise.scenario import load_scenario
    from exercise.session.live import Session
    from exercise.tui.app import ExerciseApp

    start = time.perf_counter()
    session = Session(load_scenario(ROOT / "scenarios" / "election-week.yaml"), 1)
    session.start_journal(Path(tempfile.mkdtemp()) / "bench.jsonl")
    loaded = time.perf_counter() - start
    app = ExerciseApp(session, timer=False)
    start = time.perf_counter()
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()  # the first frame has been composed and drawn
        drawn = time.perf_counter() - start
    return loaded, drawn


def main() -> None:
    raw = raw_simpy_seconds_per_event()
    imported = import_seconds()
    loaded, drawn = asyncio.run(first_frame_seconds())
    total = imported + loaded + drawn
    print(f"raw SimPy: {raw * 1e6:.2f} us per timeout event")
    print(f"import the console: {imported * 1e3:.0f} ms")
    print(f"load scenario and open the journal: {loaded * 1e3:.0f} ms")
    print(f"app start to first frame: {drawn * 1e3:.0f} ms")
    print(f"first frame after start-up: {total:.2f} s (goal < 1 s; = {total / raw / 1e6:.2f} M raw SimPy events)")


if __name__ == "__main__":
    main()
