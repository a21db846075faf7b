"""Command palette: every console action, and "act for" each team, searchable (ctrl+p)."""

from __future__ import annotations

from functools import partial

from textual.command import DiscoveryHit, Hit, Hits, Provider

ACTIONS = [
    ("Pause or run the clock", "toggle_clock", "space"),
    ("Faster clock", "faster", "+"),
    ("Slower clock", "slower", "-"),
    ("Jump to the next inject", "next_inject", "n"),
    ("Take a response for the current team", "respond", "r"),
    ("Answer a waiting decision point", "decide", "c"),
    ("Switch team", "switch_team", "t"),
    ("Add a facilitator note", "note", "o"),
    ("Write an ad-hoc inject", "adhoc", "a"),
    ("Deliver a scheduled inject now", "deliver_now", "i"),
    ("Show or hide facilitator notes", "toggle_facilitator", "x"),
    ("Filter the feed by team", "toggle_filter", "f"),
    ("Hot wash: rate objectives", "hotwash", "h"),
    ("Debrief", "debrief", "d"),
    ("Export the After-Action Report", "export", "e"),
    ("Light or dark theme", "toggle_theme", "ctrl+t"),
    ("Quit the exercise", "quit_exercise", "q"),
]


class ExerciseCommands(Provider):
    def _commands(self) -> list[tuple[str, object, str]]:
        # With ten teams, pressing t nine times is no way to reach one: each team is a command.
        teams = [(f"Act for {t.name}", partial(self.app.act_for, i), f"team {t.id}")
                 for i, t in enumerate(self.app.session.loaded.scenario.teams)]
        return [(name, partial(self.app.run_action, action), f"key: {key}") for name, action, key in ACTIONS] + teams

    async def discover(self) -> Hits:
        for name, run, help_ in self._commands():
            yield DiscoveryHit(name, run, help=help_)

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for name, run, help_ in self._commands():
            score = matcher.match(name)
            if score > 0:
                yield Hit(score, matcher.highlight(name), run, help=help_)
