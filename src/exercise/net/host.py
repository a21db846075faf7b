"""The host: one authoritative session that teams and observers join over WebSockets.

The host alone owns the engine, the clock and the journal. A client's command
is checked, journaled (fsync) and applied by ``Session.submit`` before anyone
hears of it; then every connection gets what its audience may see of the
change (``views.view`` after the seq that connection already holds). Two
commands are ordered by their arrival here, and the journal keeps that order.

A bad message (not JSON, unknown, a measure the team may not take, too big,
too many) gets an error to that client alone and never stops the session.
Everything runs on one asyncio loop (the console's, or ``serve``'s), so the
session is never touched from two threads.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from pydantic import ValidationError
from websockets.asyncio.server import Server, ServerConnection, serve
from websockets.exceptions import ConnectionClosed

from exercise.net.seats import Seat, Ticket, seat_for
from exercise.net.wire import MAX_MESSAGE, BadMessage, Hello, dump, parse, view_message, welcome
from exercise.session.clock import SessionClock
from exercise.session.commands import By, parse_command
from exercise.session.live import EngineError, Session
from exercise.session.views import EVALUATOR, ROOM, Audience, events_for, last_seq, team, view

HELLO_WITHIN = 10.0  # seconds a new connection has to say who it is
RATE = 10.0  # commands per second a connection may send, on average
BURST = 30.0  # and at once
CLOSE_REFUSED = 4401  # application close codes (4000-4999)
CLOSE_FLOOD = 4429

log = logging.getLogger(__name__)


@dataclass(eq=False)
class Connection:
    ws: ServerConnection
    seat: Seat
    name: str
    seq: int = -1  # the last event seq this client holds
    generation: int = -1
    tokens: float = BURST
    last: float = field(default_factory=time.monotonic)
    strikes: int = 0

    @property
    def audience(self) -> Audience:
        if self.seat.role == "team":
            return team(self.seat.team)
        return EVALUATOR if self.seat.role == "evaluator" else ROOM

    @property
    def by(self) -> By:
        return By(role=self.seat.role, team=self.seat.team, name=self.name)

    def allow(self) -> bool:
        """A token bucket: RATE a second on average, BURST at once."""
        now = time.monotonic()
        self.tokens = min(BURST, self.tokens + (now - self.last) * RATE)
        self.last = now
        if self.tokens < 1.0:
            return False
        self.tokens -= 1.0
        return True


class Host:
    def __init__(self, session: Session, clock: SessionClock, kept: list[Ticket],
                 on_change: Callable[[], None] = lambda: None) -> None:
        self.session = session
        self.clock = clock
        self.kept = kept
        self.on_change = on_change  # the facilitator's screen: someone joined, left, or a client acted
        self.connections: set[Connection] = set()
        self.server: Server | None = None
        self._pushing: asyncio.Task | None = None
        self._again = False

    # --- the server -----------------------------------------------------------------------

    async def start(self, host: str, port: int, ssl: Any = None) -> int:
        """Listen; returns the port (0 asks the system for a free one)."""
        self.server = await serve(self._handle, host, port, ssl=ssl, max_size=MAX_MESSAGE, max_queue=8,
                                  compression=None, logger=log)
        return self.server.sockets[0].getsockname()[1]

    async def close(self) -> None:
        if self.server is not None:
            self.server.close()
            await self.server.wait_closed()

    def connected(self) -> list[tuple[str, str]]:
        """Who is here: (seat, name), for the facilitator."""
        return sorted((c.seat.label, c.name) for c in self.connections)

    # --- one connection -------------------------------------------------------------------

    async def _handle(self, ws: ServerConnection) -> None:
        try:
            first = await asyncio.wait_for(ws.recv(), HELLO_WITHIN)
            hello = parse(first)
            if not isinstance(hello, Hello):
                raise BadMessage("say hello first")
        except (TimeoutError, asyncio.TimeoutError):
            await ws.close(CLOSE_REFUSED, "no hello")
            return
        except BadMessage as exc:
            await self._refuse(ws, str(exc))
            return
        except ConnectionClosed:
            return
        seat = seat_for(hello.token, self.kept)
        if seat is None:
            await self._refuse(ws, "this token opens no seat in this exercise (a wrong token, or one from "
                                   "another session); ask the facilitator for yours")
            return
        conn = Connection(ws, seat, hello.name or seat.label)
        if hello.generation == self.session.generation:
            conn.seq, conn.generation = hello.after, hello.generation  # a reconnect: only what it missed
        self.connections.add(conn)
        self.on_change()
        try:
            await ws.send(dump(welcome(self.session, seat.role, seat.team, conn.name)))
            await self._push(conn)
            async for raw in ws:
                await self._message(conn, raw)
        except ConnectionClosed:
            pass
        finally:
            self.connections.discard(conn)
            self.on_change()

    async def _refuse(self, ws: ServerConnection, why: str) -> None:
        try:
            await ws.send(dump({"type": "refused", "message": why}))
            await ws.close(CLOSE_REFUSED, why[:120])
        except ConnectionClosed:
            pass

    async def _message(self, conn: Connection, raw: str | bytes) -> None:
        try:
            message = parse(raw)  # bounded by MAX_MESSAGE; parsed first so that a refusal names the command
            if isinstance(message, Hello):
                raise BadMessage("already said hello")
        except BadMessage as exc:
            message, problem = None, str(exc)
        else:
            problem = None
        if not conn.allow():
            conn.strikes += 1
            if conn.strikes > 3 * BURST:
                await conn.ws.close(CLOSE_FLOOD, "too many messages")
                return
            await self._error(conn, message.id if message else None,
                              f"too many messages: at most {RATE:g} a second; this one was dropped")
            return
        if message is None:
            await self._error(conn, None, problem)
            return
        if conn.seat.role == "room":
            await self._error(conn, message.id, "the room's display only watches; it gives no commands")
            return
        stamped = {"t", "at", "by"} & set(message.command)
        if stamped:
            await self._error(conn, message.id, f"a client does not set {', '.join(sorted(stamped))}: "
                                                "the host stamps who sent a command and when")
            return
        try:
            command = parse_command({**message.command, "by": conn.by.model_dump(exclude_none=True)})
        except ValidationError as exc:
            first = exc.errors()[0]
            where = ".".join(str(p) for p in first["loc"])  # from the command's kind: 'decision.team'
            await self._error(conn, message.id, f"{where}: {first['msg']}" if where else first["msg"])
            return
        try:
            done = self.session.submit(command)
        except EngineError as exc:
            await self._error(conn, message.id, str(exc))
            return
        except OSError as exc:
            await self._error(conn, message.id, f"the host could not write its journal ({exc.strerror or exc}); "
                                                "nothing was done")
            return
        await conn.ws.send(dump({"type": "ack", "id": message.id, "kind": done.kind, "t": done.t}))
        self.changed()
        self.on_change()

    async def _error(self, conn: Connection, ident: int | None, text: str) -> None:
        await conn.ws.send(dump({"type": "error", "id": ident, "message": text}))

    # --- telling everyone -----------------------------------------------------------------

    def changed(self) -> None:
        """Something happened (a command, a tick): push each connection what is new for it.

        Pushes coalesce: while one round is being sent, further changes ask for one more round.
        """
        if self._pushing is not None and not self._pushing.done():
            self._again = True
            return
        self._pushing = asyncio.get_running_loop().create_task(self._push_all())

    async def _push_all(self) -> None:
        while True:
            self._again = False
            # Every update is worked out before any is sent, so all screens get the same moment;
            # an audience's state (indicators, decisions, measures) is worked out once per round,
            # however many connections share it.
            states: dict[Audience, dict] = {}
            batch = [(c, self._update_for(c, states)) for c in list(self.connections)]
            await asyncio.gather(*(self._send(c, text) for c, text in batch), return_exceptions=True)
            if not self._again:
                return

    def _update_for(self, conn: Connection, states: dict[Audience, dict]) -> str:
        """The view update for one connection: its audience's state now, and the events it has not had."""
        session = self.session
        state = states.get(conn.audience)
        if state is None:
            now = view(session, conn.audience, after=last_seq(session))  # the state alone, no events
            state = states[conn.audience] = view_message(session, now, running=self.clock.running,
                                                         speed=self.clock.speed, reset=False)
        reset = conn.generation != session.generation
        events = events_for(session, conn.audience, after=-1 if reset else conn.seq)
        conn.seq, conn.generation = state["seq"], state["generation"]
        return dump({**state, "reset": reset, "events": [e.to_dict() for e in events]})

    async def _push(self, conn: Connection) -> None:
        await self._send(conn, self._update_for(conn, {}))

    async def _send(self, conn: Connection, text: str) -> None:
        try:
            await conn.ws.send(text)
        except ConnectionClosed:
            self.connections.discard(conn)
