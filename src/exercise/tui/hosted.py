"""What the team console and the room's display share: a connection to a host, kept on the app's loop."""

from __future__ import annotations

from typing import Any


from exercise.net.client import RefusedError, Remote, SeatState
from exercise.tui.plain import PlainApp


class HostedApp(PlainApp):
    """An app that shows what a host sends one seat, redrawn at every message."""

    def __init__(self, url: str, token: str, name: str, *, ssl: Any = None) -> None:
        super().__init__()
        self.remote = Remote(url, token, name, ssl=ssl, on_update=self._update)
        self.refused: str | None = None  # the host's reason, when it would not have this seat

    def connect(self) -> None:
        self.run_worker(self._connect(), exclusive=True, name="connection")

    async def _connect(self) -> None:
        try:
            await self.remote.run()
        except RefusedError as exc:
            if self.try_again(str(exc)):
                return
            self.refused = str(exc)
            self.exit()  # the command says why and exits 1; a non-zero code here means a crash
            return
        if self.remote.state.ended is not None:  # the host ended the exercise: say so, and close
            self.exit(return_code=0)

    def try_again(self, why: str) -> bool:
        """The host refused this seat: True if the app asks the player again rather than close."""
        return False

    @property
    def seat(self) -> SeatState:
        """All this seat was told: what the screen draws."""
        return self.remote.state

    def _update(self) -> None:
        if self.is_running:
            self.call_later(self.redraw)

    def redraw(self) -> None:
        raise NotImplementedError
