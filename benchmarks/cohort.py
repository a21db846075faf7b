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
import os
import socket
import statistics
import tempfile
import time
from pathlib import Path

from exercise.net.cells import plan
from exercise.net.client import Remote
from exercise.net.seats import load_tickets, seats_path
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


async def main(count: int, teams: int, screens: int, commands: int) -> None:
    folder = Path(tempfile.mkdtemp())
    cells = plan(str(SCENARIO), count, "127.0.0.1", free_base(count), folder, seed=1, paired=False,
                 extra=["--speed", "120"])
    started = time.perf_counter()
    for cell in cells:
        cell.start()
    print(f"{count} cells started in {time.perf_counter() - started:.1f} s")
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
    for cell in cells:
        _, tokens = load_tickets(seats_path(cell.journal))
        by_label = {seat.label: token for seat, token in tokens.items()}
        team_ids = [label for seat, label in ((s, s.label) for s in tokens) if seat.role == "team" and not seat.lead]
        mine = [Remote(cell.url, by_label[t], f"{t} {k}") for t in team_ids[:teams] for k in range(screens)]
        mine.append(Remote(cell.url, by_label["room"], "room"))
        for r in mine:
            r.on_update = watcher(r)
        screens_of.append(mine)
        controls.append(Remote(cell.url, by_label["control"], "control"))
    everyone = [r for group in screens_of for r in group] + controls
    for r in everyone:
        r.start()
    for r in everyone:
        await r.until(lambda s: s.ready, timeout=120)
    print(f"{sum(len(g) for g in screens_of)} screens joined ({count} rooms among them), {len(controls)} controls")
    for control in controls:  # a serve host runs its clock from the start; make sure every one runs
        if control.state.now is not None and not control.state.now.clock.running:
            await control.send(Clock(action="resume"))
    cpu0 = {c.name: cpu_seconds(c.process.pid) for c in cells if c.process}
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
    cpu = {c.name: cpu_seconds(c.process.pid) - cpu0[c.name] for c in cells if c.process}
    rss = {c.name: rss_mib(c.process.pid) for c in cells if c.process}
    for r in everyone:
        await r.stop()
    for cell in cells:
        cell.stop()
    latencies.sort()
    p99 = latencies[min(len(latencies) - 1, int(len(latencies) * 0.99))]
    print(f"cells: {count}, teams per cell: {teams}, screens per team: {screens}, commands: {commands}")
    print(f"inject -> its event at the cell's last screen: median {statistics.median(latencies) * 1000:.1f} ms, "
          f"p99 {p99 * 1000:.1f} ms, max {latencies[-1] * 1000:.1f} ms (goal: p99 < 250 ms)")
    print(f"per cell host: CPU {statistics.mean(cpu.values()) / wall:.1%} of one core on average "
          f"(max {max(cpu.values()) / wall:.1%}), resident memory {statistics.mean(rss.values()):.0f} MiB on average "
          f"(max {max(rss.values()):.0f} MiB), over {wall:.1f} s")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cells", type=int, default=20)
    parser.add_argument("--teams", type=int, default=10)
    parser.add_argument("--screens", type=int, default=3)
    parser.add_argument("--commands", type=int, default=200)
    args = parser.parse_args()
    asyncio.run(main(args.cells, args.teams, args.screens, args.commands))
