"""Setting up a host: where it listens, TLS, the seats' tokens, and the unattended ``serve`` loop."""

from __future__ import annotations

import asyncio
import ssl
from collections.abc import Callable
from dataclasses import dataclass

from exercise.net.host import Host
from exercise.net.seats import Seat, Ticket, load_tickets, new_tokens, save_tickets, seats_path, tickets
from exercise.session.clock import SessionClock
from exercise.session.live import Session

TICK = 0.25  # seconds between clock ticks of an unattended host


class HostingError(Exception):
    """A host that cannot be set up as asked (a bad address, a missing certificate...)."""


def parse_listen(text: str) -> tuple[str, int]:
    """'127.0.0.1:8765', '[::1]:8765' or ':8765' (every interface) -> (host, port)."""
    host, sep, port = text.rpartition(":")
    if not sep or not port.isdigit() or not 0 <= int(port) <= 65535:
        raise HostingError(f"{text!r}: give ADDRESS:PORT, e.g. 127.0.0.1:8765")
    return host.strip("[]") or "0.0.0.0", int(port)  # noqa: S104 - an empty address means every interface, as asked


def tls(certfile: str | None, keyfile: str | None) -> ssl.SSLContext | None:
    if certfile is None and keyfile is None:
        return None
    if certfile is None:
        raise HostingError("--keyfile needs --certfile")
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    try:
        context.load_cert_chain(certfile, keyfile)
    except (OSError, ssl.SSLError) as exc:
        raise HostingError(f"cannot use the certificate {certfile}: {exc}") from None
    return context


@dataclass
class Hosting:
    """Where a console hosts its session, the seats' tokens, and (once started) the server.

    The facilitator console holds one of these without importing the network layer: it
    starts and closes it, and asks who has joined (``tui/hostlink.py`` says what it uses).
    """

    address: str
    port: int
    context: ssl.SSLContext | None
    seating: Seating
    url: str = ""  # once listening
    host: Host | None = None

    async def start(self, session: Session, clock: SessionClock, on_change: Callable[[], None]) -> str:
        """Listen (OSError if it cannot); the address teams join at."""
        host = Host(session, clock, self.seating.kept, on_change=on_change)
        try:
            port = await host.start(self.address, self.port, self.context)
        except OSError:
            await host.close()
            raise
        self.host = host
        self.url = url(self.address, port, self.context is not None)
        return self.url

    async def close(self, why: str = "the host has ended the exercise") -> None:
        if self.host is not None:
            await self.host.close(why)  # says bye: the teams' consoles close instead of retrying

    def joined(self) -> list[tuple[str, str]]:
        """Who is here: (seat, name)."""
        return self.host.connected() if self.host is not None else []

    def teams_joined(self) -> set[str]:
        """Teams playing from their own screens right now."""
        return self.host.teams_joined() if self.host is not None else set()

    def invitations(self) -> list[str]:
        return invitations(self.seating, self.url)


@dataclass
class Seating:
    kept: list[Ticket]
    shown: dict[Seat, str]  # the tokens to hand out (a resumed session's too); empty if its seats file kept none


def seating(session: Session, fresh: bool = False, leads: frozenset[str] = frozenset()) -> Seating:
    """The seats' tokens: those of this journal's earlier run (a resume), or new ones, saved hashed."""
    journal = session.writer.path if session.writer is not None else None
    where = seats_path(journal) if journal is not None else None
    if where is not None and (where.exists() or where.is_symlink()) and not fresh:
        try:
            return Seating(*load_tickets(where))
        except (OSError, ValueError, KeyError, TypeError) as exc:
            raise HostingError(f"{where}: cannot read the seats ({exc}); start with --new-tokens") from None
    shown = new_tokens(session.loaded.scenario, leads)
    kept = tickets(shown)
    if where is not None:
        try:
            save_tickets(where, kept, shown)
        except OSError as exc:
            raise HostingError(f"cannot keep the seats: {exc}") from None
    return Seating(kept, shown)


def url(host: str, port: int, secure: bool) -> str:
    shown = "127.0.0.1" if host in ("0.0.0.0", "") else host  # noqa: S104
    shown = f"[{shown}]" if ":" in shown else shown
    return f"{'wss' if secure else 'ws'}://{shown}:{port}"


def invitations(seating: Seating, address: str) -> list[str]:
    """The lines the facilitator hands out: one join command per seat."""
    if not seating.shown:
        return ["The seats of this session stand, but their file keeps no tokens to show (it was written by an "
                "older version): players rejoin with the tokens they were given, or resume with --new-tokens."]
    # In the environment, not on the command line: 'ps' shows a command line to every user of the machine.
    verb = {"room": "room", "control": "cohort --connect"}
    return [f"{seat.label:>12}: EXERCISE_TOKEN={token} exercise {verb.get(seat.role, 'join')} {address}"
            for seat, token in seating.shown.items()]


async def serve_unattended(session: Session, clock: SessionClock, seating: Seating, host: str, port: int,
                           context: ssl.SSLContext | None, ready: Callable[[Host, int], None],
                           stop: asyncio.Event) -> None:
    """Host a session with no console: the clock runs at its speed until the end or ``stop``."""
    server = Host(session, clock, seating.kept)
    # No facilitator here to answer for a team that is not at its screen: only a joined team's
    # decision stops the clock; the others take their default at the deadline.
    clock.stops_for = lambda team: team in server.teams_joined()
    bound = await server.start(host, port, context)
    ready(server, bound)
    clock.journal_speed()
    clock.run(True)
    try:
        while not stop.is_set():
            try:
                await asyncio.wait_for(stop.wait(), TICK)
            except (TimeoutError, asyncio.TimeoutError):
                pass
            if clock.running:
                clock.tick(TICK)  # the host follows the session: each move reaches the teams
    finally:
        clock.run(False)
        await server.close()


__all__ = ["Hosting", "HostingError", "Seating", "invitations", "parse_listen", "seating", "serve_unattended", "tls", "url"]
