"""A cohort at scale: 20 cells x 10 teams x 3 screens (600 clients) and 20 rooms, every cell at top speed.

Starts CELLS `exercise serve election-week` processes (net/cells.py, as `exercise cohort` does), joins three
headless clients to each of the ten team seats of every cell and one room per cell, and a control seat per
cell. Then, cell after cell in turns, exercise control sends an ad-hoc inject to every team of that cell and
the script takes the time from sending it to its event arriving at the last of that cell's 31 screens (the
30 team screens and the room). Every cell runs its clock at 120 simulated minutes a second throughout, so
every screen also gets the tick updates a real session sends. Reports the median, p99 and maximum, and each
cell's CPU and resident memory from /proc. The clients share one process here: on a 2-core machine they
compete with the 20 hosts for the same two cores, so the figure is an upper bound of what players see.
Run: python benchmarks/cohort.py [--cells N] [--teams N] [--screens N] [--commands N]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from exercise.net.cells import plan
from exercise.net.client import Remote
from exercise.net.seats import load_tickets, seats_path
from exercise.scenario import load_scenario
from exercise.session.commands import AdhocInject, Clock

SCENARIO = Path(__file__).resolve().parents[1] / "scenarios" / "election-week.yaml"


def cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")  # utime + stime


def rss_mib(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def free_base(count: int) -> int:
    for base in range(42000, 60000, 131):
        held = []
        try:
            for k in range(count):
                s = socket.socket()
                s.bind(("127.0.0.1", base + k))
                held.append(s)
            return base
        except OSError:
            continue
        finally:
            for s in held:
                s.close()
    raise RuntimeError("no free ports")


def one_process(count: int, folder: Path) -> tuple[subprocess.Popen, list[tuple[str, dict[str, str]]]]:
    """The alternative: every cell an asyncio task of one process; each cell's URL and tokens by label."""
    child = subprocess.Popen([sys.executable, str(Path(__file__).with_name("_cells_in_one_process.py")), str(count),
                              str(free_base(count)), str(folder)], stdout=subprocess.PIPE, text=True,
                             env={**os.environ, "PYTHONUNBUFFERED": "1"})
    cells = []
    while len(cells) < count:
        line = child.stdout.readline()
        if not line:
            raise RuntimeError("the one-process host stopped")
        found = json.loads(line)
        cells.append((found["url"], {label: token for _, _, _, label, token in found["tokens"]}))
    return child, cells


async def main(count: int, teams: int, screens: int, commands: int, together: bool) -> None:
    folder = Path(tempfile.mkdtemp())
    started = time.perf_counter()
    if together:
        child, where = one_process(count, folder)
        pids = {"all cells": child.pid}
    else:
        cells = plan(str(SCENARIO), count, "127.0.0.1", free_base(count), folder, seed=1, paired=False,
                     extra=["--speed", "120"])
        for cell in cells:
            cell.start()
        where = []
        for cell in cells:
            _, tokens = load_tickets(seats_path(cell.journal))
            where.append((cell.url, {seat.label: token for seat, token in tokens.items()}))
        pids = {c.name: c.process.pid for c in cells if c.process}
    print(f"{count} cells started in {time.perf_counter() - started:.1f} s "
          f"({'asyncio tasks of one process' if together else 'one process each'})")
    arrived: dict[str, list[float]] = {}

    def watcher(remote: Remote):
        seen = [0]

        def update() -> None:
            now = time.perf_counter()
            events = remote.state.events
            for e in events[seen[0]:]:
                title = str(e.data.get("title", ""))
                if title.startswith("bench-"):
                    arrived.setdefault(title, []).append(now)
            seen[0] = len(events)
        return update

    screens_of: list[list[Remote]] = []
    controls: list[Remote] = []
    team_ids = [t.id for t in load_scenario(SCENARIO).scenario.teams][:teams]
    for url, by_label in where:
        mine = [Remote(url, by_label[t], f"{t} {k}") for t in team_ids for k in range(screens)]
        mine.append(Remote(url, by_label["room"], "room"))
        for r in mine:
            r.on_update = watcher(r)
        screens_of.append(mine)
        controls.append(Remote(url, by_label["control"], "control"))
    everyone = [r for group in screens_of for r in group] + controls
    for r in everyone:
        r.start()
    for r in everyone:
        await r.until(lambda s: s.ready, timeout=120)
    print(f"{sum(len(g) for g in screens_of)} screens joined ({count} rooms among them), {len(controls)} controls")
    for control in controls:  # a serve host runs its clock from the start; make sure every one runs
        if control.state.now is not None and not control.state.now.clock.running:
            await control.send(Clock(action="resume"))
    cpu0 = {name: cpu_seconds(pid) for name, pid in pids.items()}
    wall0 = time.perf_counter()
    latencies = []
    for i in range(commands):
        k = i % count
        title = f"bench-{i}"
        sent = time.perf_counter()
        await controls[k].send(AdhocInject(title=title, body="benchmark", to=["all"], severity="low"))
        while len(arrived.get(title, [])) < len(screens_of[k]):
            await asyncio.sleep(0.001)
        latencies.append(max(arrived[title]) - sent)
    wall = time.perf_counter() - wall0
    share = 1 if not together else count  # one process for all cells: its figures, shared out
    cpu = {name: (cpu_seconds(pid) - cpu0[name]) / share for name, pid in pids.items()}
    rss = {name: rss_mib(pid) / share for name, pid in pids.items()}
    for r in everyone:
        await r.stop()
    if together:
        child.terminate()
        child.wait(30)
    else:
        for cell in cells:
            cell.stop()
    latencies.sort()
    p99 = latencies[min(len(latencies) - 1, int(len(latencies) * 0.99))]
    print(f"cells: {count}, teams per cell: {teams}, screens per team: {screens}, commands: {commands}")
    print(f"inject -> its event at the cell's last screen: median {statistics.median(latencies) * 1000:.1f} ms, "
          f"p99 {p99 * 1000:.1f} ms, max {latencies[-1] * 1000:.1f} ms (goal: p99 < 250 ms)")
    who = "per cell (the one process shared out)" if together else "per cell host"
    print(f"{who}: CPU {statistics.mean(cpu.values()) / wall:.1%} of one core on average "
          f"(max {max(cpu.values()) / wall:.1%}), resident memory {statistics.mean(rss.values()):.0f} MiB on average "
          f"(max {max(rss.values()):.0f} MiB), over {wall:.1f} s")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cells", type=int, default=20)
    parser.add_argument("--teams", type=int, default=10)
    parser.add_argument("--screens", type=int, default=3)
    parser.add_argument("--commands", type=int, default=200)
    parser.add_argument("--one-process", action="store_true",
                        help="every cell an asyncio task of one host process, instead of a process each")
    args = parser.parse_args()
    asyncio.run(main(args.cells, args.teams, args.screens, args.commands, args.one_process))
