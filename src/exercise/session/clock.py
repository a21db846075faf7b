"""The exercise clock: run or paused, how fast, and moving the world. The session's, not a screen's.

A console drives it (its timer calls ``tick``; its keys call ``run``, ``faster``,
``next_inject``), but the state lives here, so that a second screen following the
same session reads the same clock. Every change is journaled before it counts.

Decisions that wait: when a decision point whose rule is ``pause`` opens, the clock
stops at that very instant (a tick never runs past its deadline) and holds until the
team has answered, then runs again by itself. ``stops_for`` says whose decisions stop
it: every team's at a facilitator's console (it answers for teams not at their own
screens), only the joined teams' on an unattended host (nobody else could answer).
"""

from __future__ import annotations

import math
from collections.abc import Callable

from exercise.engine.events import Kind
from exercise.scenario.models import Scenario
from exercise.session.commands import Clock
from exercise.session.live import Session
from exercise.session.views import waiting_rule

SPEEDS = [0.1, 0.25, 0.5, 1, 2, 5, 10, 15, 30, 60, 120]  # simulated minutes per real second
REACHED_EVERY = 1.0  # simulated minutes between the running clock's marks in the journal


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
        self.stops_for: Callable[[str], bool] = lambda team: True  # whose 'pause' decisions stop the clock
        self.held_by: set[str] = set()  # the decisions (inject ids) the clock stopped for, still unanswered
        self.frozen = False  # running, but not moving: the facilitator's console has a dialog open
        self._reached = session.world.now  # the exercise time the journal last recorded the running clock at
        session.subscribe(self._release)

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
        if running:
            self.held_by.clear()  # started by hand (or released): no longer waiting on anyone
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

    def freeze(self, frozen: bool) -> None:
        """The console's clock does not move while a dialog is open: every screen is told it is paused."""
        if frozen != self.frozen:
            self.frozen = frozen
            self.session.changed()

    def tick(self, seconds: float) -> None:
        """Real time passed: a running clock moves the world by speed x seconds.

        Every simulated minute the journal records where it got to: a host killed mid-run resumes
        there, a minute at most behind, instead of at its last action."""
        if self.running:
            self.advance(self.speed * seconds)
            now = self.session.world.now
            if self.running and now - self._reached >= REACHED_EVERY:
                self.session.submit(Clock(action="reached", value=now))
                self._reached = now

    def advance(self, minutes: float) -> None:
        """Move the world on by ``minutes`` of simulated time, running or not; a running clock stops at a
        decision that must be waited for (and holds until it is answered)."""
        if self.finished:
            return
        world = self.session.world
        start = len(world.events)
        read = [start]

        def waits() -> bool:
            # After every event: has a decision opened that the clock must stop for?
            found = bool(self._to_wait_for(read[0]))
            read[0] = len(world.events)
            return found
        self.session.advance_to(world.now + minutes, stop=waits if self.running else None)
        self._hold(start)

    def _to_wait_for(self, since: int) -> set[str]:
        """The decisions opened since event ``since`` that stop the clock: rule 'pause', for a team it stops for."""
        return {e.data["inject"] for e in self.session.world.events[since:]
                if e.kind == Kind.DECISION_OPENED and self.stops_for(e.data["team"])
                and waiting_rule(self.session, e.data["inject"]) == "pause"}

    def _hold(self, since: int) -> None:
        """A running clock that moved past a decision to wait for stops there, and holds until it is answered."""
        if not self.running:
            return
        waiting = self._to_wait_for(since) & {d.inject for d in self.session.world.pending_decisions()}
        if waiting:
            self.run(False)
            self.held_by |= waiting

    def _release(self) -> None:
        """The session changed: once every decision the clock holds for is answered, it runs again."""
        if not self.held_by:
            return
        still = {d.inject for d in self.session.world.pending_decisions()}
        self.held_by &= still
        if not self.held_by and not self.finished:
            self.run(True)

    def next_inject(self) -> float | None:
        """Run to the next inject (or the end); where it stopped, or None if nothing came. A decision that
        came with it is waited for as a tick would."""
        start = len(self.session.world.events)
        stopped = self.session.next_inject()
        self._hold(start)
        return stopped
