"""Join tokens: one per team and one for observers, made at host time.

They are kept in a file beside the journal, never in the journal itself: the file is
mode 0600 and opened without following a symlink, so only the facilitator's account
reads it. It holds each token and its sha256: a host resumed after a crash takes the
same tokens (clients rejoin), and the facilitator can show them again to a player
who lost theirs. Tokens are compared, by digest, in constant time.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import secrets
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from exercise.private import read_private, write_private
from exercise.scenario.models import Scenario


SeatRole = Literal["team", "evaluator", "whitecell", "room", "control"]


@dataclass(frozen=True)
class Seat:
    role: SeatRole  # "team", "evaluator" (observers join with it) or "room" (the projector)
    team: str | None = None
    evaluator: str | None = None  # an evaluator seat the scenario declares (None: the observers' seat)
    lead: bool = False  # a team's lead: confirms what its members propose

    @property
    def label(self) -> str:
        if self.role == "team" and self.team is not None:
            return f"{self.team}-lead" if self.lead else self.team
        if self.role == "evaluator":
            return self.evaluator or "observer"
        return self.role  # whitecell, room, control


@dataclass(frozen=True)
class Ticket:
    seat: Seat
    sha256: str


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def new_tokens(scenario: Scenario, leads: frozenset[str] = frozenset()) -> dict[Seat, str]:
    """A fresh token for each team (and each lead of a team whose lead confirms: those in ``leads`` or marked
    in the scenario), each evaluator seat the scenario declares, one for observers, one for the white cell (who
    plays the bodies not at the table), one for the room's projector, and one for exercise control from another
    process or machine (the cohort console)."""
    seats = [Seat("team", t.id) for t in scenario.teams]
    # A team whose lead confirms (the scenario's lead_confirms, or the facilitator's --lead-confirms) gets a
    # second seat for its lead; its members' measures and answers become proposals.
    seats += [Seat("team", t.id, lead=True) for t in scenario.teams if t.lead_confirms or t.id in leads]
    seats += [Seat("evaluator", evaluator=e.id) for e in scenario.evaluators]
    seats += [Seat("evaluator"), Seat("whitecell"), Seat("room"), Seat("control")]
    return {seat: secrets.token_urlsafe(18) for seat in seats}


def tickets(tokens: dict[Seat, str]) -> list[Ticket]:
    return [Ticket(seat, _digest(token)) for seat, token in tokens.items()]


def seats_path(journal: Path) -> Path:
    return journal.with_name(journal.name + ".seats.json")


def save_tickets(path: Path, kept: list[Ticket], tokens: dict[Seat, str] | None = None) -> None:
    tokens = tokens or {}
    data = json.dumps([{"role": t.seat.role, "team": t.seat.team, "sha256": t.sha256}
                       | ({"evaluator": t.seat.evaluator} if t.seat.evaluator else {})
                       | ({"lead": True} if t.seat.lead else {})
                       | ({"token": tokens[t.seat]} if t.seat in tokens else {}) for t in kept], indent=1)
    write_private(path, data + "\n")


def load_tickets(path: Path) -> tuple[list[Ticket], dict[Seat, str]]:
    """The seats' tickets, and their tokens where the file keeps them (a file written before it did has none)."""
    rows = json.loads(read_private(path))
    kept = [Ticket(Seat(r["role"], r["team"], r.get("evaluator"), bool(r.get("lead"))), r["sha256"]) for r in rows]
    tokens = {t.seat: r["token"] for t, r in zip(kept, rows, strict=True) if isinstance(r.get("token"), str)
              and hmac.compare_digest(_digest(r["token"]), t.sha256)}
    return kept, tokens


def seat_for(token: str, kept: list[Ticket]) -> Seat | None:
    """The seat a token opens, or None. Every ticket is compared, in constant time each."""
    digest = _digest(token)
    found = None
    for ticket in kept:
        if hmac.compare_digest(digest, ticket.sha256):
            found = ticket.seat
    return found
