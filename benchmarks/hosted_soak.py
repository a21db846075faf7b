"""A 4-hour hosted session in fast time: does a team's screen hold memory flat?

The host runs election-week in this process and ticks its clock as a console
does (4 ticks a second for 4 hours: 57,600 ticks), without waiting between
ticks, each tick moving the exercise so that it ends with the last one. Every
tick is an update to every client. The clients (a team and the room, as their
screens keep them: a ``Remote`` and its ``SeatState``) run in a child process
that reports its resident memory and the Python heap (tracemalloc) ten times
along the way, with the messages and bytes received so far.

Before the typed wire, each client kept every message it received (about 5 KB
an update: some 70 MB an hour of play per team screen). Now a client keeps its
seat's events and the latest state.
Run: python benchmarks/hosted_soak.py [--ticks N]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import subprocess
import sys
import time
from pathlib import Path

CLIENT = r'''
import asyncio, json, sys, tracemalloc
from pathlib import Path
from exercise.net.client import Remote

tracemalloc.start()
url, team, room, checkpoints = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
counts = {"messages": 0, "bytes": 0}

def count(text):
    counts["messages"] += 1
    counts["bytes"] += len(text)

def rss():
    return int(Path("/proc/self/statm").read_text().split()[1]) * 4096

async def main():
    clients = [Remote(url, team, "soak team", tap=count), Remote(url, room, "soak room", tap=count)]
    for c in clients:
        c.start()
    for c in clients:
        await c.until(lambda s: s.ready, timeout=30)
    print(json.dumps({"ready": True}), flush=True)
    done = 0
    while done < checkpoints:
        line = await asyncio.to_thread(sys.stdin.readline)
        if not line:
            break
        seq = int(line)
        for c in clients:
            await c.until(lambda s: s.seq >= seq, timeout=120)
        heap = tracemalloc.get_traced_memory()[0]
        print(json.dumps({"rss": rss(), "heap": heap, **counts,
                          "events": [len(c.state.events) for c in clients]}), flush=True)
        done += 1
    for c in clients:
        await c.stop()

asyncio.run(main())
'''


async def main(ticks: int, checkpoints: int) -> None:
    from exercise.net.host import Host
    from exercise.net.seats import new_tokens, tickets
    from exercise.scenario.bundled import resolve_scenario
    from exercise.scenario import load_scenario
    from exercise.session.clock import SessionClock
    from exercise.session.live import Session

    loaded = load_scenario(resolve_scenario("election-week"))
    session = Session(loaded, 1)
    clock = SessionClock(session)
    shown = new_tokens(loaded.scenario)
    tokens = {seat.label: token for seat, token in shown.items()}
    host = Host(session, clock, tickets(shown))
    port = await host.start("127.0.0.1", 0)
    child = subprocess.Popen([sys.executable, "-c", CLIENT, f"ws://127.0.0.1:{port}", tokens["comms"], tokens["room"],
                              str(checkpoints)], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    assert json.loads(await asyncio.to_thread(child.stdout.readline))["ready"]
    clock.run(True)
    step = session.world.end / ticks  # simulated minutes a tick: the exercise ends at the last tick
    every = ticks // checkpoints
    rows = []
    started = time.perf_counter()
    for n in range(1, ticks + 1):
        clock.advance(step)
        await asyncio.sleep(0)  # let the host's senders run, as a console's loop would between ticks
        if n % every == 0 and len(rows) < checkpoints:
            await asyncio.sleep(0.01)
            child.stdin.write(f"{session.world.events[-1].seq}\n")
            child.stdin.flush()
            row = json.loads(await asyncio.to_thread(child.stdout.readline))
            rows.append((n, session.world.now, row))
    elapsed = time.perf_counter() - started
    child.wait(timeout=60)
    await host.close()
    print(f"election-week hosted for {ticks:,} ticks (4 h of play at 4 ticks/s) in {elapsed:.0f} s; "
          "clients: one team screen and the room, in one child process")
    print(f"{'ticks':>7} {'play':>6} {'sim time':>9} {'messages':>9} {'MB recv':>8} {'events':>9} "
          f"{'heap MB':>8} {'RSS MB':>7}")
    for n, now, row in rows:
        print(f"{n:>7,} {n / 4 / 3600:>5.1f}h {now / 60:>8.1f}h {row['messages']:>9,} {row['bytes'] / 1e6:>8.1f} "
              f"{'/'.join(map(str, row['events'])):>9} {row['heap'] / 1e6:>8.2f} {row['rss'] / 1e6:>7.1f}")
    first, last = rows[0][2], rows[-1][2]
    print(f"from the first checkpoint to the last: heap {first['heap'] / 1e6:.2f} -> {last['heap'] / 1e6:.2f} MB, "
          f"RSS {first['rss'] / 1e6:.1f} -> {last['rss'] / 1e6:.1f} MB, while {last['bytes'] / 1e6:.0f} MB "
          f"were received")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--ticks", type=int, default=4 * 3600 * 4)
    parser.add_argument("--checkpoints", type=int, default=10)
    args = parser.parse_args()
    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))
    asyncio.run(main(args.ticks, args.checkpoints))
