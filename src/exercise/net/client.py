"""A client of a hosted exercise: what a team console, the room's display, a test or a bridge talks through.

Everything a seat was told is folded into one ``SeatState``: the welcome, the
events by seq (each once, in order), the latest state (clock, indicators, open
decisions, measures), and the last seq. A screen reads that state and nothing
else; a new kind of client (a ticker, a chat bridge) is one file over it.

When the connection drops, the client reconnects and asks for "everything
after seq N", so nothing is lost or duplicated; if the host's session was
rebuilt (an undo), it starts over from the host's full view. Messages are not
kept once folded: a screen left open for a day holds its events, not every
update it was sent.
"""

from __future__ import annotations

import asyncio
import itertools
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from pydantic import ValidationError
from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import ConnectionClosed, InvalidURI

from exercise.net.wire import (
    PROTOCOL, Ack, Bye, Error, Fetch, JournalCopy, Refused, ViewUpdate, Welcome, command, hello, read,
)
from exercise.session.commands import Command
from exercise.session.updates import EventRecord, State
from exercise.session.views import Kind

RETRY = (0.1, 0.25, 0.5, 1.0, 2.0)  # seconds between reconnection attempts, then the last again


class RefusedError(Exception):
    """The host will not have this client (a wrong token, another protocol): reconnecting would not help."""


class CommandError(Exception):
    """The host did not do a command; the text says why."""


@dataclass
class SeatState:
    """All that one seat knows of the exercise: what its screen draws."""

    welcome: Welcome | None = None
    connected: bool = False
    refused: str | None = None  # the host's reason, when it would not have this seat
    ended: str | None = None  # the host's word, when it ended the exercise
    last_error: str | None = None  # the last error not tied to a command of ours
    seq: int = -1  # the last event seq held
    generation: int = -1
    events: list[EventRecord] = field(default_factory=list)
    now: State | None = None  # the latest state: clock, indicators, decisions, measures, options

    @property
    def team(self) -> str | None:
        return self.welcome.team if self.welcome else None

    @property
    def ready(self) -> bool:
        """Connected and holding a state to draw."""
        return self.connected and self.now is not None

    def fold(self, view: ViewUpdate) -> list[EventRecord]:
        """Take in one view update; the events that are new to this seat."""
        if view.reset or view.generation != self.generation:
            self.events = []  # the host's session was rebuilt (or this is the first view): all follows
        known = self.seq if not view.reset else -1
        fresh = [e for e in view.events if e.seq > known]
        self.events += fresh
        self.seq, self.generation = view.seq, view.generation
        self.now = State.model_construct(**{name: getattr(view, name) for name in State.model_fields})
        return fresh

    def injects(self) -> list[EventRecord]:
        """The injects this seat was sent, newest first."""
        return [e for e in reversed(self.events) if e.kind == Kind.INJECT_DELIVERED]

    def event(self, seq: int) -> EventRecord | None:
        return next((e for e in self.events if e.seq == seq), None)


class Remote:
    """A connection to a host, kept up until stopped or refused; its ``state`` is the seat's."""

    def __init__(self, url: str, token: str, name: str = "", *, ssl: Any = None,
                 on_update: Callable[[], None] = lambda: None,
                 tap: Callable[[str], None] | None = None) -> None:
        self.url, self.token, self.name, self.ssl = url, token, name, ssl
        self.on_update = on_update
        self.tap = tap  # sees every message's text as received (tests check the bytes)
        self.state = SeatState()
        self._ids = itertools.count(1)
        self._waiting: dict[int, asyncio.Future[Any]] = {}  # an ack, or a journal copy
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
            except (asyncio.CancelledError, RefusedError):
                pass

    async def run(self) -> None:
        """Stay connected until stopped or refused, reconnecting after every drop."""
        state = self.state
        for attempt in itertools.count():
            try:
                async with connect(self.url, ssl=self.ssl, max_size=None, compression=None,
                                   open_timeout=5) as ws:
                    self._ws = ws
                    await ws.send(hello(self.token, self.name, after=state.seq, generation=state.generation))
                    attempt = 0  # noqa: PLW2901 - connected: the next drop starts the back-off again
                    async for raw in ws:
                        self._receive(raw)
            except RefusedError:
                raise
            except (OSError, ConnectionClosed, InvalidURI, asyncio.TimeoutError, TimeoutError):
                pass
            finally:
                self._ws = None
                if state.connected:
                    state.connected = False
                    self._notify()
                for future in self._waiting.values():
                    if not future.done():
                        future.set_exception(CommandError("the connection dropped before the host answered"))
                self._waiting.clear()
            if state.refused is not None:
                raise RefusedError(state.refused)
            if state.ended is not None:
                return  # the host ended the exercise on purpose: nothing to rejoin
            await asyncio.sleep(RETRY[min(attempt, len(RETRY) - 1)])

    def _receive(self, raw: str | bytes) -> None:
        text = raw.decode("utf-8") if isinstance(raw, bytes) else raw
        if self.tap is not None:
            self.tap(text)
        state = self.state
        try:
            message = read(text)
        except ValidationError as exc:
            state.last_error = f"the host sent a message this client cannot read: {exc.errors()[0]['msg']}"
            self._notify()
            return
        if isinstance(message, Welcome):
            if message.protocol != PROTOCOL:
                state.refused = f"the host speaks protocol {message.protocol}, this client speaks {PROTOCOL}"
                raise RefusedError(state.refused)
            state.welcome, state.connected = message, True
        elif isinstance(message, ViewUpdate):
            state.fold(message)
        elif isinstance(message, (Ack, Error, JournalCopy)):
            future = self._waiting.pop(message.id, None) if message.id is not None else None
            if future is not None and not future.done():
                if isinstance(message, (Ack, JournalCopy)):
                    future.set_result(message)
                else:
                    future.set_exception(CommandError(message.message))
            elif isinstance(message, Error):
                state.last_error = message.message
        elif isinstance(message, Refused):
            state.refused = message.message
        elif isinstance(message, Bye):
            state.ended = message.message
        self._notify()

    def _notify(self) -> None:
        self._changed.set()
        self.on_update()

    # --- asking ---------------------------------------------------------------------------

    async def send(self, given: Command | dict[str, Any], timeout: float = 10.0) -> Ack:
        """Send one command (typed, or as its JSON form); the host's ack, or CommandError with its reason."""
        if self._ws is None:
            raise CommandError("not connected to the host")
        ident = next(self._ids)
        future: asyncio.Future[Ack] = asyncio.get_running_loop().create_future()
        self._waiting[ident] = future
        await self._ws.send(command(ident, given))
        return await asyncio.wait_for(future, timeout)

    async def fetch_journal(self, timeout: float = 60.0) -> str:
        """The session's journal as it stands (exercise control's seat only), or CommandError with the reason."""
        if self._ws is None:
            raise CommandError("not connected to the host")
        ident = next(self._ids)
        future: asyncio.Future[Any] = asyncio.get_running_loop().create_future()
        self._waiting[ident] = future
        await self._ws.send(Fetch(type="fetch", id=ident).model_dump_json())
        copy = await asyncio.wait_for(future, timeout)
        return copy.text

    async def until(self, predicate: Callable[[SeatState], bool], timeout: float = 10.0) -> None:
        """Wait until ``predicate(self.state)`` holds (checked at every message)."""
        async def wait() -> None:
            while not predicate(self.state):
                self._changed.clear()
                await self._changed.wait()
        await asyncio.wait_for(wait(), timeout)

    async def drop(self) -> None:
        """Close the connection as a network failure would; ``run`` reconnects."""
        if self._ws is not None:
            await self._ws.close()


__all__ = ["CommandError", "RefusedError", "Remote", "SeatState"]
