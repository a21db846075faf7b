"""The exercise clock: run or paused, how fast, and moving the world. The session's, not a screen's.

A console drives it (its timer calls ``tick``; its keys call ``run``, ``faster``,
``next_inject``), but the state lives here, so that a second screen following the
same session reads the same clock. Every change is journaled before it counts.
"""

from __future__ import annotations

import math

from exercise.scenario.models import Scenario
from exercise.session.commands import Clock
from exercise.session.live import Session

SPEEDS = [0.1, 0.25, 0.5, 1, 2, 5, 10, 15, 30, 60, 120]  # simulated minutes per real second


def default_speed(scenario: Scenario) -> float:
    """The speed that covers the simulated span in the planned session length.

    Rounded up to two significant digits, not to the next step: a 16-day scenario
    at 5 min/s (the step above 2.1) would be over in 77 minutes of a planned 3 hours.
    """
    m = scenario.metadata
    needed = m.duration / (max(m.play_time, 1.0) * 60)
    scale = 10 ** (math.floor(math.log10(needed)) - 1)
    return min(SPEEDS[-1], max(SPEEDS[0], math.ceil(round(needed / scale, 9)) * scale))


class SessionClock:
    def __init__(self, session: Session, speed: float | None = None) -> None:
        self.session = session
        self.speed = speed if speed is not None else default_speed(session.loaded.scenario)
        self.running = False

    @property
    def finished(self) -> bool:
        return self.session.world.finished

    def journal_speed(self) -> None:
        """Record the speed if the journal does not hold it yet, so that a resume starts at it too."""
        if self.session.last_speed() != self.speed:
            self.session.submit(Clock(action="speed", value=self.speed))

    def run(self, running: bool) -> None:
        """Start or stop the clock. A finished exercise never runs; a pause is applied even if
        the journal cannot be written (stopping the clock is always safe), a start is not."""
        running = running and not self.finished
        if running == self.running:
            return
        # Set first: the session tells its subscribers (the teams' screens) as the command lands.
        self.running = running
        try:
            self.session.submit(Clock(action="resume" if running else "pause"))
        except OSError:
            self.running = False
            self.session.changed()
            raise

    def set_speed(self, speed: float) -> None:
        if speed != self.speed:
            before, self.speed = self.speed, speed
            try:
                self.session.submit(Clock(action="speed", value=speed))
            except OSError:
                self.speed = before
                raise

    def faster(self) -> None:
        self.set_speed(min(SPEEDS[-1], next((s for s in SPEEDS if s > self.speed), SPEEDS[-1])))

    def slower(self) -> None:
        self.set_speed(max(SPEEDS[0], next((s for s in reversed(SPEEDS) if s < self.speed), SPEEDS[0])))

    def tick(self, seconds: float) -> None:
        """Real time passed: a running clock moves the world by speed x seconds."""
        if self.running:
            self.advance(self.speed * seconds)

    def advance(self, minutes: float) -> None:
        """Move the world on by ``minutes`` of simulated time, running or not."""
        if not self.finished:
            self.session.advance_to(self.session.world.now + minutes)

    def next_inject(self) -> float | None:
        """Run to the next inject (or the end); where it stopped, or None if nothing came."""
        return self.session.next_inject()
