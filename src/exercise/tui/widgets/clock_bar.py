"""The top bar: exercise clock, phase, speed, running or paused, current team."""

from __future__ import annotations

from rich.text import Text
from textual.widgets import Static

from exercise.plain import visible
from exercise.session.live import Session
from exercise.session.views import progress
from exercise.session.timeline import clock, wall_clock


class ClockBar(Static):
    def show(self, session: Session, *, running: bool, speed: float, team: str, module: str,
             joined: int | None = None, real_speed: float | None = None) -> None:
        world = progress(session)
        s = session.loaded.scenario
        text = Text()
        # Most important first: at 80 columns the tail is cut.
        if world.finished:
            text.append(" ENDED ", style="bold reverse")
        else:
            text.append(" RUNNING " if running else " PAUSED ", style="bold green" if running else "bold yellow")
        text.append(f" {clock(world.now)} ", style="bold")
        text.append(f" {wall_clock(s, world.now)} ", style="reverse")
        if real_speed is not None and real_speed < 0.9 * speed:
            # The speed shown is the speed the exercise runs at: if this machine cannot keep up, say so.
            text.append(f" {speed:g} min/s set, {real_speed:.2g} real: this machine cannot keep up ",
                        style="bold reverse yellow")
        else:
            text.append(f" {speed:g} min/s ")
        text.append(f" team: {visible(team, one_line=True)} ", style="bold")
        if joined is not None:
            text.append(f" {joined} joined (j) ", style="reverse")
        if module:
            text.append(f" {visible(module, one_line=True)} ", style="italic")
        text.append(f" {visible(s.metadata.title, one_line=True)} ", style="dim")
        self.update(text)
