"""The host: one authoritative session that teams and observers join over WebSockets.

The host alone owns the engine, the clock and the journal. A client's command
is checked, journaled (fsync) and applied by ``Session.submit`` before anyone
hears of it. The host follows the session (``Session.subscribe``): after every
change, each connection is sent what its audience may see of it
(``updates.update`` after the seq that connection already holds), whoever made
the change: a team, the facilitator's console, or the clock. Two commands are
ordered by their arrival here, and the journal keeps that order.

Each connection has its own sender: a slow or stalled client gets its updates
late (folded into one, since an update carries everything after its seq) and
never holds up the others.

A bad message (not JSON, unknown, a measure the team may not take, too big,
too many) gets an error to that client alone and never stops the session.
Everything runs on one asyncio loop (the console's, or ``serve``'s), so the
session is never touched from two threads.
"""

from __future__ import annotations

import asyncio
import json
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from websockets.asyncio.server import Server, ServerConnection, serve
from websockets.exceptions import ConnectionClosed

from exercise.net.seats import Seat, Ticket, seat_for
from exercise.net.wire import (
    MAX_MESSAGE, PROTOCOL, Ack, BadMessage, Bye, Error, Fetch, Hello, JournalCopy, Refused, ViewUpdate, dump, parse,
    welcome,
)
from exercise.session.clock import SessionClock
from exercise.session.commands import (
    AdhocInject, AnswerDecision, By, Clock, Command, Decline, Defer, Note, Observe, Propose, Reveal, Role,
    TakeMeasure, TakeSeat,
)
from exercise.session.journal import now_iso
from exercise.session.live import EngineError, Session
from exercise.session.updates import State, state, update
from exercise.session.views import (
    EVALUATOR, FACILITATOR, ROOM, WHITECELL, Audience, Kind, answer_given, events_for, inject, last_seq, progress,
    seated, team,
)

HELLO_WITHIN = 10.0  # seconds a new connection has to say who it is
# A seat's budgets, shared by all its connections: one token opens any number of them.
RATE = 10.0  # commands per second a seat may send, on average
BURST = 30.0  # and at once
CONNECTIONS_PER_SEAT = 16  # screens open on one seat at once (a team's members, the room's projectors)
SEAT_JOURNAL_BYTES = 8 * 1024 * 1024  # what one seat may write into the journal over the session
SEND_WITHIN = 10.0  # seconds an update may take to leave; a client that takes longer is dropped (it rejoins)
CLOSE_REFUSED = 4401  # application close codes (4000-4999)
CLOSE_FLOOD = 4429

log = logging.getLogger(__name__)
CONTROL_COMMANDS = (AdhocInject, Note, Reveal)  # what exercise control sends from another process


@dataclass(eq=False)
class Budget:
    """What one seat may still do: a token bucket (RATE a second on average, BURST at once) and its
    share of the journal. Kept per seat, not per connection, so more connections buy nothing."""

    tokens: float = BURST
    last: float = field(default_factory=time.monotonic)
    strikes: int = 0
    journaled: int = 0  # bytes of this seat's records in the journal

    def allow(self) -> bool:
        now = time.monotonic()
        self.tokens = min(BURST, self.tokens + (now - self.last) * RATE)
        self.last = now
        if self.tokens < 1.0:
            return False
        self.tokens -= 1.0
        return True


@dataclass(eq=False)
class Connection:
    ws: ServerConnection
    seat: Seat
    name: str
    budget: Budget
    seq: int = -1  # the last event seq this client holds
    generation: int = -1
    due: asyncio.Event = field(default_factory=asyncio.Event)  # something is new for it
    sender: asyncio.Task | None = None
    evaluates: tuple[str, ...] = ()  # an evaluator's seat: the teams it observes (empty: every team)

    @property
    def audience(self) -> Audience:
        if self.seat.role == "team" and self.seat.team is not None:
            return team(self.seat.team)
        if self.seat.role == "evaluator":
            return EVALUATOR if not self.evaluates else Audience("evaluator", evaluates=self.evaluates)
        if self.seat.role == "control":
            return FACILITATOR  # exercise control from another process: the whole picture
        return WHITECELL if self.seat.role == "whitecell" else ROOM

    @property
    def by(self) -> By:
        seat = self.seat.role
        role: Role = "facilitator" if seat == "control" else "team" if seat == "team" else \
            "whitecell" if seat == "whitecell" else "evaluator"
        return By(role=role, team=self.seat.team, name=self.name)


class Host:
    def __init__(self, session: Session, clock: SessionClock, kept: list[Ticket],
                 on_change: Callable[[], None] = lambda: None) -> None:
        self.session = session
        self.clock = clock
        self.kept = kept
        self.on_change = on_change  # the facilitator's screen: someone joined or left
        self.connections: set[Connection] = set()
        self.server: Server | None = None
        self._states: dict[Audience, tuple[int, State]] = {}  # each audience's state, by session version
        # When each decision was first put on its team's screens (wall clock): the host stamps a team's answer
        # with it, for the report's deliberation time; a client's own clock is never taken.
        self._put: dict[str, str] = {}
        self._unsubscribe = session.subscribe(self.changed)
        self.budgets: dict[Seat, Budget] = {}
        self.leads = {t.seat.team for t in kept if t.seat.lead}  # teams whose members propose and lead confirms
        for command in session.records:  # a resumed host: what each seat has journaled already counts
            if command.by.role in ("team", "evaluator", "whitecell"):
                seat = Seat("team", command.by.team) if command.by.role == "team" else Seat("whitecell") \
                    if command.by.role == "whitecell" else Seat("evaluator", evaluator=getattr(command, "evaluator", None))
                self._budget(seat).journaled += _size(command)

    # --- the server -----------------------------------------------------------------------

    async def start(self, host: str, port: int, ssl: Any = None) -> int:
        """Listen; returns the port (0 asks the system for a free one)."""
        self.server = await serve(self._handle, host, port, ssl=ssl, max_size=MAX_MESSAGE, max_queue=8,
                                  compression=None, logger=log)
        return self.server.sockets[0].getsockname()[1]

    async def close(self, why: str = "the host has ended the exercise") -> None:
        """Stop serving; every client is told (a crash tells nobody, and clients wait to rejoin)."""
        self._unsubscribe()
        for conn in list(self.connections):
            if conn.sender is not None:
                conn.sender.cancel()
            try:
                await asyncio.wait_for(conn.ws.send(dump(Bye(message=why))), 2)
            except (ConnectionClosed, TimeoutError, asyncio.TimeoutError):
                pass  # gone already, or stalled: it finds out when the connection drops
        if self.server is not None:
            self.server.close()
            await self.server.wait_closed()

    def _evaluates(self, seat: Seat) -> tuple[str, ...]:
        declared = next((e for e in self.session.loaded.scenario.evaluators if e.id == seat.evaluator), None)
        return tuple(declared.teams) if declared is not None else ()

    def _budget(self, seat: Seat) -> Budget:
        return self.budgets.setdefault(seat, Budget())

    def teams_joined(self) -> set[str]:
        """The teams with a screen connected now."""
        return {c.seat.team for c in self.connections if c.seat.team is not None}

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
        if hello.protocol != PROTOCOL:
            await self._refuse(ws, f"this client speaks protocol {hello.protocol}, this host speaks {PROTOCOL}: "
                                   "join with the same version of exercise as the host's")
            return
        seat = seat_for(hello.token, self.kept)
        if seat is None:
            await self._refuse(ws, "this token opens no seat in this exercise (a wrong token, or one from "
                                   "another session); ask the facilitator for yours")
            return
        if sum(1 for c in self.connections if c.seat == seat) >= CONNECTIONS_PER_SEAT:
            await self._refuse(ws, f"this seat already has {CONNECTIONS_PER_SEAT} screens connected; close one "
                                   "first, or ask the facilitator")
            return
        conn = Connection(ws, seat, hello.name or seat.label, self._budget(seat),
                          evaluates=self._evaluates(seat))
        if hello.generation == self.session.generation:
            conn.seq, conn.generation = hello.after, hello.generation  # a reconnect: only what it missed
        try:
            await ws.send(dump(welcome(self.session, seat.role, seat.team, conn.name, conn.evaluates,
                                       lead=seat.lead, confirms=seat.team in self.leads)))
        except ConnectionClosed:
            return
        self.connections.add(conn)
        self._autoplay(conn, taken=True)
        conn.sender = asyncio.get_running_loop().create_task(self._sender(conn))
        conn.due.set()  # its first view: everything its audience may see
        self.on_change()
        try:
            async for raw in ws:
                await self._message(conn, raw)
        except ConnectionClosed:
            pass
        finally:
            conn.sender.cancel()
            self.connections.discard(conn)
            self._autoplay(conn, taken=False)
            self.on_change()

    async def _refuse(self, ws: ServerConnection, why: str) -> None:
        try:
            await ws.send(dump(Refused(message=why)))
            await ws.close(CLOSE_REFUSED, why[:120])
        except ConnectionClosed:
            pass

    async def _message(self, conn: Connection, raw: str | bytes) -> None:
        try:
            message = parse(raw)  # bounded by MAX_MESSAGE; parsed first so that a refusal names the command
            if isinstance(message, Hello):
                raise BadMessage("already said hello")
        except BadMessage as exc:
            message, problem, ident = None, str(exc), exc.ident
        else:
            problem, ident = "", message.id
        budget = conn.budget
        if not budget.allow():
            budget.strikes += 1
            if budget.strikes > 3 * BURST:
                await conn.ws.close(CLOSE_FLOOD, "too many messages")
                return
            await self._error(conn, ident, f"too many messages: at most {RATE:g} a second for your seat, however "
                                           "many screens it has; this one was dropped")
            return
        if message is None:
            await self._error(conn, ident, problem)
            return
        if isinstance(message, Fetch):
            await self._fetched(conn, message.id)
            return
        if conn.seat.role == "room":
            await self._error(conn, message.id, "the room's display only watches; it gives no commands")
            return
        before = last_seq(self.session)
        command: Command = message.command.model_copy(update={"by": conn.by})
        if conn.seat.role == "control":
            if isinstance(command, Clock) and command.action in ("pause", "resume"):
                try:
                    self.clock.run(command.action == "resume")  # the clock journals it
                except OSError as exc:
                    await self._error(conn, message.id, f"the host could not write its journal ({exc})")
                    return
                await conn.ws.send(dump(Ack(id=message.id, kind=command.kind, t=progress(self.session).now)))
                return
            if not isinstance(command, CONTROL_COMMANDS):
                await self._error(conn, message.id, "exercise control's seat pauses and resumes the clock, sends "
                                                    "injects and notes, and reveals; the rest is the players'")
                return
        if isinstance(command, (AnswerDecision, Defer)):
            command = command.model_copy(update={"shown_at": self._put.get(command.inject)})
        if isinstance(command, (Propose, Decline)) and conn.seat.team not in self.leads:
            await self._error(conn, message.id, "your team acts without a lead's confirmation: take the measure or "
                                                "answer the decision yourself")
            return
        if isinstance(command, (TakeMeasure, AnswerDecision, Decline)) and conn.seat.team in self.leads:
            try:
                command = self._through_lead(conn, command)
            except EngineError as exc:
                await self._error(conn, message.id, str(exc))
                return
        if isinstance(command, Observe):
            if conn.evaluates and command.team not in conn.evaluates:
                await self._error(conn, message.id, f"your seat observes {', '.join(conn.evaluates)}, not "
                                                    f"{command.team}: ask the facilitator to mark it")
                return
            command = command.model_copy(update={"evaluator": conn.seat.evaluator})
        if budget.journaled + _size(command) > SEAT_JOURNAL_BYTES:
            await self._error(conn, message.id, f"your seat has written its share of the journal "
                                                f"({SEAT_JOURNAL_BYTES // (1024 * 1024)} MiB); nothing was done. "
                                                "Tell the facilitator, who can note it for you.")
            return
        try:
            done = self.session.submit(command)
            budget.journaled += _size(done)
        except EngineError as exc:
            await self._error(conn, message.id, str(exc))
            self._overruled(conn, command)
            return
        except OSError as exc:
            await self._error(conn, message.id, f"the host could not write its journal ({exc.strerror or exc}); "
                                                "nothing was done")
            return
        refused = next((e.data["reason"] for e in events_for(self.session, FACILITATOR, after=before)
                        if e.kind == Kind.RESPONSE_REFUSED and e.data.get("team") == conn.seat.team), None)
        await conn.ws.send(dump(Ack(id=message.id, kind=done.kind, t=done.t, refused=refused)))

    async def _fetched(self, conn: Connection, ident: int) -> None:
        """Exercise control's seat gets the journal as it stands (every record is on disk before it counts)."""
        writer = self.session.writer
        if conn.seat.role != "control" or writer is None:
            await self._error(conn, ident, "only exercise control's seat fetches the journal" if writer is not None
                              else "this session keeps no journal")
            return
        try:
            text = writer.path.read_text(encoding="utf-8")
        except OSError as exc:
            await self._error(conn, ident, f"the host could not read its journal ({exc.strerror or exc})")
            return
        await conn.ws.send(dump(JournalCopy(id=ident, text=text)))

    def _autoplay(self, conn: Connection, *, taken: bool) -> None:
        """A player who joins a seat the playbook plays takes it over; when the last of its screens leaves, the
        playbook plays it again. Both are journaled under the player's name."""
        team_id = conn.seat.team
        autoplay = self.session.autoplay
        if conn.seat.role != "team" or team_id is None or not autoplay or team_id not in autoplay:
            return
        if not taken and any(c.seat.team == team_id and c.seat.role == "team" for c in self.connections):
            return  # another screen of the team is still here
        if (team_id in seated(self.session)) == taken:
            return
        try:
            self.session.submit(TakeSeat(team=team_id, taken=taken, by=conn.by))
        except (EngineError, OSError) as exc:
            log.warning("could not %s the seat of %s: %s", "take over" if taken else "hand back", team_id, exc)

    def _through_lead(self, conn: Connection, command: Command) -> Command:
        """In a team whose lead confirms: a member's measure or answer becomes a proposal; the lead's
        confirmation carries who proposed it; only the lead confirms or declines."""
        if conn.seat.lead:
            position = getattr(command, "proposal", None)
            if position is None:
                return command  # the lead acts directly
            proposed = self.session.records[position] if position < len(self.session.records) else None
            if not isinstance(proposed, Propose):
                raise EngineError(f"record {position} is no proposal")
            return command if isinstance(command, Decline) else \
                command.model_copy(update={"proposed_by": proposed.by})
        if isinstance(command, Decline) or getattr(command, "proposal", None) is not None:
            raise EngineError("only your team's lead confirms or declines a proposal")
        if isinstance(command, TakeMeasure):
            return Propose(team=command.team, response=command.response, target=command.target, note=command.note,
                           by=command.by)
        assert isinstance(command, AnswerDecision)
        return Propose(team=conn.seat.team or "", inject=command.inject, option=command.option, note=command.note,
                       by=command.by)

    def _overruled(self, conn: Connection, command: Command) -> None:
        """A member's answer to a decision their team had just answered otherwise is kept in the journal as a
        note (the report shows it): two people of one team disagreed, and the debrief should know."""
        if not isinstance(command, AnswerDecision) or conn.seat.role != "team":
            return
        standing = answer_given(self.session, command.inject)
        scripted = inject(self.session, command.inject)
        point = scripted.decision if scripted is not None else None
        if standing is None or point is None or point.team != conn.seat.team or standing == command.option:
            return
        label = next((o.label for o in point.options if o.id == command.option), command.option)
        why = f" ({command.note})" if command.note else ""
        try:
            self.session.submit(Note(text=f"Overruled answer at {command.inject}: {conn.name} chose '{label}'{why}, "
                                          "after the team had already answered otherwise.",
                                     team=conn.seat.team, by=conn.by))
        except (EngineError, OSError):
            pass  # the answer was refused all the same; the note is a courtesy to the debrief

    async def _error(self, conn: Connection, ident: int | None, text: str) -> None:
        await conn.ws.send(dump(Error(id=ident, message=text)))

    # --- telling everyone -----------------------------------------------------------------

    def changed(self) -> None:
        """The session changed: every connection has something new (told by the session itself)."""
        for conn in self.connections:
            conn.due.set()

    async def _sender(self, conn: Connection) -> None:
        """Send one connection its updates, one at a time, each built when the last one is gone.

        A connection that is slow to take its updates gets fewer of them, each carrying all that
        is new since the last; one that takes none for SEND_WITHIN seconds is dropped. The others
        are not held up either way.
        """
        while True:
            await conn.due.wait()
            conn.due.clear()
            try:
                await asyncio.wait_for(conn.ws.send(self._update_for(conn)), SEND_WITHIN)
            except (TimeoutError, asyncio.TimeoutError):
                # Not reading (a sleeping laptop, a stalled socket): drop it rather than let its backlog grow;
                # it rejoins and gets what it missed. Nobody else waited for it.
                self.connections.discard(conn)
                conn.ws.transport.abort()
                return
            except ConnectionClosed:
                self.connections.discard(conn)
                return

    def _update_for(self, conn: Connection) -> str:
        """The view update for one connection: its audience's state now, and the events it has not had."""
        session = self.session
        audience = conn.audience
        cached = self._states.get(audience)
        if cached is None or cached[0] != session.version:
            # An audience's state (indicators, decisions, measures) is worked out once per change,
            # however many connections share it.
            cached = self._states[audience] = (session.version, state(session, self.clock, audience))
        now = update(session, self.clock, audience, after=conn.seq, generation=conn.generation, now=cached[1])
        if audience.role == "team":
            for decision in now.decisions:
                self._put.setdefault(decision.inject, now_iso())
        conn.seq, conn.generation = now.seq, now.generation
        return ViewUpdate.model_construct(**dict(now)).model_dump_json()


def _size(command: Command) -> int:
    """About what a command takes in the journal: its record as JSON."""
    return len(json.dumps(command.record(), ensure_ascii=False).encode("utf-8"))
