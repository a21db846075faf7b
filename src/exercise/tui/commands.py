"""Command palette: every console action that can run now, and "act for" each team (ctrl+p)."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import TYPE_CHECKING, Any, cast

from textual.command import DiscoveryHit, Hit, Hits, Provider

from exercise.tui.actions import ACTIONS

if TYPE_CHECKING:
    from exercise.tui.console_api import ConsoleApp


class ExerciseCommands(Provider):
    def _commands(self) -> list[tuple[str, Callable[[], Any], str]]:
        app = cast("ConsoleApp", self.app)  # the palette of the facilitator console, and only of it
        # The same test as the footer's: an action that cannot run now is not offered.
        actions: list[tuple[str, Callable[[], Any], str]] = [
            (a.description, partial(app.run_action, a.action), f"key: {a.key}") for a in ACTIONS
            if app.check_action(a.action, ()) is True]
        # With ten teams, pressing t nine times is no way to reach one: each team is a command.
        teams: list[tuple[str, Callable[[], Any], str]] = [(f"Act for {t.name}", partial(app.act_for, i), f"team {t.id}")
                 for i, t in enumerate(app.session.loaded.scenario.teams)]
        return actions + teams

    async def discover(self) -> Hits:
        for name, run, help_ in self._commands():
            yield DiscoveryHit(name, run, help=help_)

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for name, run, help_ in self._commands():
            score = matcher.match(name)
            if score > 0:
                yield Hit(score, matcher.highlight(name), run, help=help_)
