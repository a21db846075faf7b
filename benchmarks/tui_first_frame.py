"""Facilitator console start-up: from `exercise run` starting to the briefing on screen (goal: < 1 s).

Runs the real command on a pseudo-terminal several times and reports each
time to the first frame, beside raw SimPy's cost per event for scale.
Run: python benchmarks/tui_first_frame.py [--runs N]
"""

from __future__ import annotations

import argparse
import os
import pty
import re
import select
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))  # runnable from any directory
from montecarlo import raw_simpy_seconds_per_event

CSI = re.compile(rb"\x1b\[[0-9;?]*[A-Za-z]")


def first_frame_seconds() -> float:
    folder = Path(tempfile.mkdtemp())
    master, slave = pty.openpty()
    start = time.perf_counter()
    process = subprocess.Popen(
        [sys.executable, "-m", "exercise", "run", "election-week", "--journal", str(folder / "bench.jsonl")],
        stdin=slave, stdout=slave, stderr=slave, cwd=folder, start_new_session=True,
        env={**os.environ, "TERM": "xterm-256color"},
    )
    os.close(slave)
    screen = b""
    try:
        while b"Start the exercise" not in CSI.sub(b"", screen):
            if time.perf_counter() - start > 30:
                raise RuntimeError("the console did not draw its briefing within 30 s")
            if select.select([master], [], [], 1.0)[0]:
                screen += os.read(master, 65536)
        return time.perf_counter() - start
    finally:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()
        os.close(master)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    raw = raw_simpy_seconds_per_event()
    times = [first_frame_seconds() for _ in range(args.runs)]
    print(f"raw SimPy: {raw * 1e6:.2f} us per timeout event")
    print("exercise run to first frame: " + ", ".join(f"{t:.2f}" for t in times) + " s")
    median = statistics.median(times)
    print(f"median first frame: {median:.2f} s (goal < 1 s; = {median / raw / 1e6:.2f} M raw SimPy events)")


if __name__ == "__main__":
    main()
