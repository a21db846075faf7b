"""What the facilitator console uses of the server that hosts its session (``net/hosting.Hosting``).

The console starts it on its own loop and asks who has joined; the server
follows the session by itself (``Session.subscribe``), so the console never
pushes anything to the teams and never imports the network layer.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Protocol

from exercise.session.clock import SessionClock
from exercise.session.live import Session


class HostLink(Protocol):
    url: str  # where teams join, once started

    async def start(self, session: Session, clock: SessionClock, on_change: Callable[[], None]) -> str:
        """Listen (OSError if it cannot); ``on_change``: someone joined or left."""
        ...

    async def close(self, why: str = ...) -> None: ...

    def joined(self) -> list[tuple[str, str]]:
        """(seat, name) of each connection."""
        ...

    def teams_joined(self) -> set[str]: ...

    def invitations(self) -> list[str]:
        """The join commands to hand out, one per seat."""
        ...
