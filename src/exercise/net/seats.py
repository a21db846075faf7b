"""Join tokens: one per team and one for observers, made at host time.

The facilitator is shown the tokens once; only their sha256 is kept, in a
file beside the journal (mode 0600, never in the journal itself), so that a
host resumed after a crash takes the same tokens and clients can rejoin.
Tokens are compared in constant time.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import secrets
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from exercise.scenario.models import Scenario


SeatRole = Literal["team", "evaluator", "room"]


@dataclass(frozen=True)
class Seat:
    role: SeatRole  # "team", "evaluator" (observers join with it) or "room" (the projector)
    team: str | None = None

    @property
    def label(self) -> str:
        if self.role == "team" and self.team is not None:
            return self.team
        return "observer" if self.role == "evaluator" else "room"


@dataclass(frozen=True)
class Ticket:
    seat: Seat
    sha256: str


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def new_tokens(scenario: Scenario) -> dict[Seat, str]:
    """A fresh token for each team, one for observers/evaluators, and one for the room's projector."""
    seats = [Seat("team", t.id) for t in scenario.teams] + [Seat("evaluator"), Seat("room")]
    return {seat: secrets.token_urlsafe(18) for seat in seats}


def tickets(tokens: dict[Seat, str]) -> list[Ticket]:
    return [Ticket(seat, _digest(token)) for seat, token in tokens.items()]


def seats_path(journal: Path) -> Path:
    return journal.with_name(journal.name + ".seats.json")


def save_tickets(path: Path, kept: list[Ticket]) -> None:
    data = json.dumps([{"role": t.seat.role, "team": t.seat.team, "sha256": t.sha256} for t in kept], indent=1)
    handle = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(handle, "w", encoding="utf-8") as out:
        out.write(data + "\n")


def load_tickets(path: Path) -> list[Ticket]:
    rows = json.loads(path.read_text(encoding="utf-8"))
    return [Ticket(Seat(r["role"], r["team"]), r["sha256"]) for r in rows]


def seat_for(token: str, kept: list[Ticket]) -> Seat | None:
    """The seat a token opens, or None. Every ticket is compared, in constant time each."""
    digest = _digest(token)
    found = None
    for ticket in kept:
        if hmac.compare_digest(digest, ticket.sha256):
            found = ticket.seat
    return found
