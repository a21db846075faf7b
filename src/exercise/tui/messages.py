"""Messages the console's parts send each other."""

from __future__ import annotations

from textual.message import Message


class Tick(Message):
    """The clock interval fired. Ticks still queued collapse into one."""

    def can_replace(self, message: Message) -> bool:
        return isinstance(message, Tick)



class SessionChanged(Message):
    """The session changed (``Session.subscribe``): a team's command, the clock. Queued ones collapse."""

    def can_replace(self, message: Message) -> bool:
        return isinstance(message, SessionChanged)
