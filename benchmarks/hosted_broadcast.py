"""Hosted play at 50 screens: how long a command takes to reach the last client, and the host's CPU.

Starts `exercise serve election-week` on loopback (its clock running, so every
client also gets the tick updates a real session sends), joins N headless
clients (one team that acts, the rest observers, who see every team's
measures), and sends commands one after another. For each: the time from
sending it to its event arriving at the last client. That is an upper bound
of the issue's figure (journaling to the last client), one loopback hop and
the fsync more. Host CPU is read from /proc for the host process alone.
Run: python benchmarks/hosted_broadcast.py [--clients N] [--commands N]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from exercise.net.client import CommandError, Remote
from exercise.net.host import RATE
from exercise.session.commands import TakeMeasure


def cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")  # utime + stime


async def main(clients: int, commands: int) -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    folder = Path(tempfile.mkdtemp())
    host = subprocess.Popen([sys.executable, "-m", "exercise", "serve", "election-week", "--listen",
                             f"127.0.0.1:{port}", "--journal", str(folder / "j.jsonl"), "--speed", "1"],
                            stdout=subprocess.PIPE, text=True, env={**os.environ, "PYTHONUNBUFFERED": "1"})
    seats = {}
    while "room" not in seats:
        line = host.stdout.readline()
        if "EXERCISE_TOKEN=" in line:
            seats[line.split(":")[0].strip()] = line.split("EXERCISE_TOKEN=", 1)[1].split()[0]
    url = f"ws://127.0.0.1:{port}"
    arrived: dict[str, list[float]] = {}

    def watcher(remote: Remote):
        seen = [0]

        def update() -> None:
            now = time.perf_counter()
            events = remote.state.events
            for e in events[seen[0]:]:
                if str(e.data.get("note", "")).startswith("bench-"):
                    arrived.setdefault(e.data["note"], []).append(now)
            seen[0] = len(events)
        return update

    actor = Remote(url, seats["comms"], "actor")
    observers = [Remote(url, seats["observer"], f"observer {i}") for i in range(clients - 1)]
    for r in [actor, *observers]:
        r.on_update = watcher(r)
        r.start()
    for r in [actor, *observers]:
        await r.until(lambda s: s.ready, timeout=30)
    cpu0, wall0 = cpu_seconds(host.pid), time.perf_counter()
    latencies = []
    pace = 1 / (RATE * 0.8)  # a team's screen is held to RATE commands a second; stay under it
    for i in range(commands):
        note = f"bench-{i}"
        sent = time.perf_counter()
        try:
            await actor.send(TakeMeasure(team="comms", response="FIMI-04", note=note))
        except CommandError as exc:
            if "already under way" not in str(exc) and "too many" in str(exc):
                raise
        while len(arrived.get(note, [])) < clients:
            await asyncio.sleep(0.0005)
        latencies.append(max(arrived[note]) - sent)
        await asyncio.sleep(max(0.0, pace - (time.perf_counter() - sent)))
    cpu, wall = cpu_seconds(host.pid) - cpu0, time.perf_counter() - wall0
    for r in [actor, *observers]:
        await r.stop()
    host.terminate()
    host.wait(timeout=20)
    latencies.sort()
    p99 = latencies[min(len(latencies) - 1, int(len(latencies) * 0.99))]
    print(f"clients: {clients} ({clients - 1} observers, 1 team acting), commands: {commands}")
    print(f"send -> event at the last client: median {statistics.median(latencies) * 1000:.1f} ms, "
          f"p99 {p99 * 1000:.1f} ms, max {latencies[-1] * 1000:.1f} ms (goal: p99 < 100 ms)")
    print(f"host CPU: {cpu:.2f} s over {wall:.2f} s of wall time ({cpu / wall:.0%} of one core)")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--commands", type=int, default=200)
    args = parser.parse_args()
    asyncio.run(main(args.clients, args.commands))
