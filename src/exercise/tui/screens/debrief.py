"""Debrief: objectives, indicator charts, the ground truth players never saw, and export."""

from __future__ import annotations

import os
from typing import TYPE_CHECKING, cast

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import Screen
from textual.widgets import Footer, Label, Markdown, Sparkline

from exercise.plain import visible
from exercise.report import sections
from exercise.report.facts import facts
from exercise.report.model import WhatIf
from exercise.session.live import Session
from exercise.session.timeline import clock, verdict
from exercise.session.views import Kind, indicator_readings
from exercise.tui.plain import plain

if TYPE_CHECKING:
    from exercise.tui.console_api import ConsoleApp

def debrief_markdown(session: Session) -> str:
    """The debrief: the report's own objectives and ground truth sections (``report/sections.py``),
    so the screen and the exported report say the same."""
    f = facts(session)
    s = f.scenario
    lines = [f"# Debrief: {s.metadata.title}", "", f"Played to {clock(f.now)} of {clock(f.end)}.", "",
             "## Objectives", "", "| objective | capability | simulator | rating | comment |", "|---|---|---|---|---|"]
    for o in sections.objectives(f):
        rating = "-" if o["rating"] is None else o["rating"] + (" (derived)" if o["rating_source"] == "derived" else "")
        lines.append(f"| {o['id']} | {o['capability']} | {verdict(o['simulator']['met'])} | {rating} | {o['comment']} |")
    lines += ["", "## Ground truth", "", "What happened, and when (or whether) players learned of it:", "",
              "| stage | happened | outcome | detected |", "|---|---|---|---|"]
    for g in sections.ground_truth(f):
        seen = (f"{g['detected_clock']} (after {g['latency_text']})" if g["detected"] is not None else "**never**")
        lines.append(f"| {g['stage']} | {g['started_clock']} | {g['outcome'] or ''} | {seen} |")
    escalations = f.of(Kind.ADVERSARY_ESCALATED)
    if escalations:
        lines += ["", "Adversary escalations: " + ", ".join(f"after {e.data['response']} at {clock(e.t)}" for e in escalations)]
    if session.notes:
        lines += ["", "## Notes", ""] + [f"- {n['clock']}, {n['by']}: {n['text']}" for n in sections.notes(f)]
    lines += ["", "## Indicators"]
    return visible("\n".join(lines)).replace("<", "&lt;")


WHATIF_SEEDS = 100  # each variant against the session's policy: enough for a 95% interval of +-10 points
WHATIF_JOBS = max(1, min(4, os.cpu_count() or 1))  # worker processes; each holds the scenario once


def whatif_markdown(section: WhatIf | None, running: str | None = None) -> str:
    lines = ["## Decisions that mattered", ""]
    if running:
        return "\n".join(lines + [running])
    if section is None:
        return "\n".join(lines + ["Press **w** to work out which of this session's decisions mattered: each one "
                                  "taken at once, later, not at all or answered otherwise, against the session's "
                                  "own policy on the same seeds."])
    lines.append(section.method)
    lines.append("")
    sentences = [s for e in section.mattered for s in e.sentences]
    if not sentences:
        lines.append(section.none_mattered)
    lines += [f"- {s[0].upper()}{s[1:]}." for s in sentences]
    return visible("\n".join(lines)).replace("<", "&lt;")


class DebriefScreen(Screen):
    BINDINGS = [Binding("e", "app.export", "Export"), Binding("h", "app.hotwash", "Hot wash"),
                Binding("w", "whatif", "Which decisions mattered"), Binding("x", "stop_whatif", "Stop it"),
                Binding("escape", "back", "Back to console")]

    def __init__(self, session: Session) -> None:
        super().__init__(id="debrief")
        self.session = session
        self._stop = False  # x: stop the what-if under way

    def compose(self) -> ComposeResult:
        with VerticalScroll():
            yield Markdown(debrief_markdown(self.session))
            yield Markdown(whatif_markdown(getattr(self.app, "whatif", None)), id="whatif")
            for reading in indicator_readings(self.session, points=40):
                values = reading.series
                yield Label(plain(f"{reading.name}: {values[0]:.2f} -> {values[-1]:.2f} "
                                  f"(lowest {reading.lowest:.2f}, highest {reading.highest:.2f})", one_line=True),
                            classes="chart-label")
                yield Sparkline(values, classes="chart")
        yield Footer()

    def action_back(self) -> None:
        self.dismiss(None)

    def action_whatif(self) -> None:
        """Run every one-decision variant of the session's policy, in a worker; the section shows
        here when done, and the next export (e) carries it into the report."""
        from exercise.session.policy_from import session_policy
        from exercise.session.whatif import LATER_HOURS, variants

        session = self.session
        base, played = session_policy(session, "The policy played in this session")
        seeds = list(range(session.seed, session.seed + WHATIF_SEEDS))
        chosen = variants(base, session.loaded, LATER_HOURS, played)
        self.query_one("#whatif", Markdown).update(
            whatif_markdown(None, running=f"Running {len(chosen)} variants x {len(seeds)} seeds..."))
        self._stop = False
        self.run_worker(lambda: self._whatif(base, chosen, seeds), thread=True, exclusive=True, name="whatif")

    def action_stop_whatif(self) -> None:
        self._stop = True  # the runs under way finish; none starts

    def _whatif(self, base: dict, chosen: list, seeds: list[int]) -> None:  # chosen: list[whatif.Variant]
        from exercise.report.whatif import section_from_effects
        from exercise.session.whatif import LATER_HOURS, whatif

        total, done = len(chosen) * len(seeds), 0

        def progress(runs: int) -> None:
            nonlocal done
            if self._stop:
                raise KeyboardInterrupt  # run_chunks: what is under way finishes, nothing new starts
            done += runs
            self.app.call_from_thread(self.query_one("#whatif", Markdown).update, whatif_markdown(
                None, running=f"Running {len(chosen)} variants x {len(seeds)} seeds: {done:,} of {total:,} runs "
                              "(x stops)"))

        # On worker processes spawned from this thread (montecarlo._pool), fed the scenario's bytes
        # as the session loaded them, so the console's own thread stays free for the players.
        try:
            effects = whatif(self.session.loaded, base, chosen, seeds, progress=progress, jobs=WHATIF_JOBS)
        except KeyboardInterrupt:
            self.app.call_from_thread(self.query_one("#whatif", Markdown).update,
                                      whatif_markdown(None, running="Stopped: press w to run it again."))
            return
        section = section_from_effects(effects, seeds, LATER_HOURS)
        self.app.call_from_thread(self._show_whatif, section)

    def _show_whatif(self, section: WhatIf) -> None:
        cast("ConsoleApp", self.app).whatif = section  # the next export (e) carries it
        self.query_one("#whatif", Markdown).update(whatif_markdown(section))
