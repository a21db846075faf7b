"""N cells of election-week as asyncio tasks in this one process (the alternative to a process per cell, for
benchmarks/cohort.py --one-process): prints one JSON line per cell with its URL and tokens, then serves."""

from __future__ import annotations

import asyncio
import json
import sys
from pathlib import Path

from exercise.net.hosting import seating, serve_unattended
from exercise.scenario import load_scenario
from exercise.session.clock import SessionClock
from exercise.session.live import Session

SCENARIO = Path(__file__).resolve().parents[1] / "scenarios" / "election-week.yaml"


async def main(count: int, base: int, folder: Path) -> None:
    stop = asyncio.Event()
    loaded = load_scenario(SCENARIO)
    runs = []
    for k in range(count):
        session = Session(loaded, 1)
        session.start_journal(folder / f"cell-{k + 1}.jsonl")
        seats = seating(session)

        def ready(_host, bound: int, k: int = k, seats=seats) -> None:
            print(json.dumps({"cell": k + 1, "url": f"ws://127.0.0.1:{bound}",
                              "tokens": [[s.role, s.team, s.lead, s.label, t] for s, t in seats.shown.items()]}),
                  flush=True)
        runs.append(serve_unattended(session, SessionClock(session, 120.0), seats, "127.0.0.1", base + k, None,
                                     ready, stop))
    await asyncio.gather(*runs)


if __name__ == "__main__":
    asyncio.run(main(int(sys.argv[1]), int(sys.argv[2]), Path(sys.argv[3])))
