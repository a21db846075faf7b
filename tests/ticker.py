"""A ticker: a plain-text client that prints a team's injects as they arrive, one line each.

It is here to prove a point about the client API: a new kind of client is one
file over ``net.client.Remote`` and its ``SeatState``, with nothing to change
anywhere else. Run it against a host:

    python tests/ticker.py ws://127.0.0.1:8765 TOKEN
"""

from __future__ import annotations

import asyncio
import sys
from collections.abc import Callable

from exercise.net.client import Remote, SeatState
from exercise.session.timeline import clock


class Ticker:
    """Prints each inject the seat is sent, once, oldest first; restarts cleanly after an undo."""

    def __init__(self, url: str, token: str, name: str = "ticker", out: Callable[[str], None] = print) -> None:
        self.out = out
        self.printed: set[tuple[int, int]] = set()  # (generation, seq) of each line printed
        self.remote = Remote(url, token, name, on_update=self._update)

    @property
    def state(self) -> SeatState:
        return self.remote.state

    def _update(self) -> None:
        state = self.state
        for event in reversed(state.injects()):
            key = (state.generation, event.seq)
            if key not in self.printed:
                self.printed.add(key)
                self.out(f"{clock(event.t)}  [{event.data['severity']}] {event.data['title']}")


async def main(url: str, token: str) -> None:
    ticker = Ticker(url, token)
    await ticker.remote.run()


if __name__ == "__main__":
    asyncio.run(main(sys.argv[1], sys.argv[2]))
