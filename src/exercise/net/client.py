"""A client of a hosted exercise: what a team console (or a test, or a benchmark) talks through.

It keeps what its seat was told: the events by seq (each once, in order), the
latest state (clock, indicators, open decisions, measures), and the last seq.
When the connection drops, it reconnects and asks for "everything after seq
N", so nothing is lost or duplicated; if the host's session was rebuilt (an
undo), it starts over from the host's full view.
"""

from __future__ import annotations

import asyncio
import itertools
import json
from collections.abc import Callable
from typing import Any

from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import ConnectionClosed, InvalidURI

RETRY = (0.1, 0.25, 0.5, 1.0, 2.0)  # seconds between reconnection attempts, then the last again


class Refused(Exception):
    """The host will not have this client (a wrong token): reconnecting would not help."""


class CommandError(Exception):
    """The host did not do a command; the text says why."""


class Remote:
    def __init__(self, url: str, token: str, name: str = "", *, ssl: Any = None,
                 on_update: Callable[[], None] = lambda: None) -> None:
        self.url, self.token, self.name, self.ssl = url, token, name, ssl
        self.on_update = on_update
        self.welcome: dict[str, Any] | None = None
        self.state: dict[str, Any] = {}  # the last view message, without its events
        self.events: list[dict[str, Any]] = []
        self.seq = -1
        self.generation = -1
        self.connected = False
        self.raw: list[str] = []  # every message as received, for checks on the bytes
        self.refused: str | None = None
        self._ids = itertools.count(1)
        self._waiting: dict[int, asyncio.Future] = {}
        self._ws: ClientConnection | None = None
        self._task: asyncio.Task | None = None
        self._changed = asyncio.Event()

    # --- running --------------------------------------------------------------------------

    def start(self) -> asyncio.Task:
        self._task = asyncio.get_running_loop().create_task(self.run())
        return self._task

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            try:
                await self._task
            except (asyncio.CancelledError, Refused):
                pass

    async def run(self) -> None:
        """Stay connected until stopped or refused, reconnecting after every drop."""
        for attempt in itertools.count():
            try:
                async with connect(self.url, ssl=self.ssl, max_size=None, compression=None,
                                   open_timeout=5) as ws:
                    self._ws = ws
                    await ws.send(json.dumps({"type": "hello", "token": self.token, "name": self.name,
                                              "after": self.seq, "generation": self.generation}))
                    attempt = 0  # noqa: PLW2901 - connected: the next drop starts the back-off again
                    async for raw in ws:
                        self._receive(raw)
            except Refused:
                raise
            except (OSError, ConnectionClosed, InvalidURI, asyncio.TimeoutError, TimeoutError):
                pass
            finally:
                self._ws = None
                if self.connected:
                    self.connected = False
                    self._notify()
                for future in self._waiting.values():
                    if not future.done():
                        future.set_exception(CommandError("the connection dropped before the host answered"))
                self._waiting.clear()
            if self.refused is not None:
                raise Refused(self.refused)
            await asyncio.sleep(RETRY[min(attempt, len(RETRY) - 1)])

    def _receive(self, raw: str | bytes) -> None:
        text = raw.decode("utf-8") if isinstance(raw, bytes) else raw
        self.raw.append(text)
        message = json.loads(text)
        kind = message.get("type")
        if kind == "welcome":
            self.welcome = message
            self.connected = True
        elif kind == "view":
            if message["reset"] or message["generation"] != self.generation:
                self.events = []  # the host's session was rebuilt: its full view follows
            known = self.seq if not message["reset"] else -1
            self.events += [e for e in message["events"] if e["seq"] > known]
            self.seq, self.generation = message["seq"], message["generation"]
            self.state = {k: v for k, v in message.items() if k != "events"}
        elif kind in ("ack", "error"):
            future = self._waiting.pop(message.get("id"), None) if message.get("id") is not None else None
            if future is not None and not future.done():
                if kind == "ack":
                    future.set_result(message)
                else:
                    future.set_exception(CommandError(message["message"]))
            elif kind == "error":
                self.state["last_error"] = message["message"]
        elif kind == "refused":
            self.refused = message["message"]
        self._notify()

    def _notify(self) -> None:
        self._changed.set()
        self.on_update()

    # --- asking ---------------------------------------------------------------------------

    async def send(self, command: dict[str, Any], timeout: float = 10.0) -> dict[str, Any]:
        """Send one command; the host's ack, or CommandError with its reason."""
        if self._ws is None:
            raise CommandError("not connected to the host")
        ident = next(self._ids)
        future = asyncio.get_running_loop().create_future()
        self._waiting[ident] = future
        await self._ws.send(json.dumps({"type": "command", "id": ident, "command": command}))
        return await asyncio.wait_for(future, timeout)

    async def until(self, predicate: Callable[[Remote], bool], timeout: float = 10.0) -> None:
        """Wait until ``predicate(self)`` holds (checked at every message)."""
        async def wait() -> None:
            while not predicate(self):
                self._changed.clear()
                await self._changed.wait()
        await asyncio.wait_for(wait(), timeout)

    async def drop(self) -> None:
        """Close the connection as a network failure would; ``run`` reconnects."""
        if self._ws is not None:
            await self._ws.close()
