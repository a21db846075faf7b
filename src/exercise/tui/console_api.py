"""What the facilitator console's screens and palette call on their app, named once.

Screens reach the console through this protocol rather than the app class itself, so that no screen
imports ``app.py`` (which imports every screen) and each call is checked by the type checker.
"""

from __future__ import annotations

from typing import Any, Protocol

from exercise.report.model import WhatIf
from exercise.session.commands import Command
from exercise.session.live import Session


class ConsoleApp(Protocol):
    session: Session
    whatif: WhatIf | None  # "Decisions that mattered", once the debrief has worked it out

    def console_ready(self) -> None: ...

    def show_item(self, key: str | None) -> None: ...

    def submit(self, command: Command) -> bool: ...

    def act_for(self, index: int) -> None: ...

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None: ...

    async def run_action(self, action: Any, default_namespace: Any = None) -> bool: ...
