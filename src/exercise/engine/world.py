"""The simulated world on a plain ``simpy.Environment``, advanced by its caller.

Campaign stages, inject deliveries, response lead times and deadlines are
SimPy timeouts with callbacks. After every processed event the world
"settles": it re-evaluates the pending triggers that read what the event
changed, which may start stages, deliver injects or fire playbook rules, until
nothing changes. Indicators change only at events; continuous change between
events is closed-form (see ``indicators.py``), and the next time each
indicator crosses a watched threshold is scheduled as a wake-up event, so
there is no ticking clock.

Pending triggers are indexed by the state they read (``triggers.py``), so an
event costs what it touches, not what the scenario holds: a large scenario
with hundreds of pending triggers settles about as fast as a small one.

Every state change is appended to ``events``; everything above the engine reads
that log through ``session/views.py``, never SimPy objects.
"""

from __future__ import annotations

import itertools
import math
from bisect import insort
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from operator import attrgetter, itemgetter
from typing import Any, get_args

import simpy

from exercise.engine import legacy
from exercise.engine.conditions import explain
from exercise.engine.events import Event, Kind
from exercise.engine.dynamics import start as start_indicator
from exercise.engine.indicators import IndicatorState, band_of
from exercise.engine.objectives import judge
from exercise.engine.prepared import StagePlan, prepare
from exercise.engine.rng import Streams
from exercise.engine.state import LiveResponse
from exercise.engine.triggers import Triggers
from exercise.scenario.catalogue import Response, not_open_to
from exercise.scenario.conditions import Condition
from exercise.scenario.effects import Effect, combine
from exercise.scenario.loader import LoadedScenario
from exercise.scenario.models import (
    ConditionMeasure, ExpectedAction, Inject, Severity, StartAt, StartWhen,
)

# The engine's model: its rules and its dice. A journal replays exactly only under
# the model that recorded it; raise this whenever the same seed and decisions
# would give a different run. 2: counter-based random streams. 3: detections report the
# real outcome (a failed stage is seen only as an attempt, if at all). 4: a measure's step on an
# indicator that recovers by itself moves the level it recovers to (an early step is no longer undone
# by the recovery, which rewarded acting later). 5: counters act only on the tags a measure
# declares (an untagged measure counters nothing; a stage carries its adversary's kind as a tag),
# findings about a campaign hold for that campaign only, and investigations establish
# identification with a chance, months later (engine/legacy.py keeps the catalogue's old meaning).
# A journal replays under the model it was recorded with.
MODEL = 5
MODELS = frozenset({3, 4, 5})  # the models this engine runs: a journal recorded under one replays under it

# Wake-ups for threshold crossings land this long after the exact crossing
# (0.06 s of sim time), so that strict comparisons already hold.
_EPS = 1e-3
_SETTLE_LIMIT = 1000
_BAND_HOLD = 1.0  # minutes a new band must hold before the log tells it
_new_tuple = tuple.__new__
_WHEN = itemgetter(0)
# What a lean run logs: what objectives are judged from, and what a run's Outcome counts.
LEAN_KINDS = frozenset({Kind.STAGE_DETECTED, Kind.STAGE_SUCCEEDED, Kind.RESPONSE_TAKEN, Kind.RESPONSE_REFUSED,
                        Kind.OBJECTIVE_JUDGED, Kind.EXERCISE_ENDED})

_LN2 = math.log(2.0)  # a 'recover' half-life as a rate of return


# Why a decision procedure said no, as a sentence players read.
_NOT_AGREED = {
    "unanimity": "no unanimity was reached ({who})",
    "consensus": "no consensus was reached ({who})",
    "qualified_majority": "no qualified majority was found ({who})",
    "simple_majority": "no simple majority was found ({who})",
    "single_body": "{who} decided against it",
    "on_request": "it needs a request ({who}), and none came",
    "voluntary": "it is voluntary, and {who} declined",
}


class EngineError(Exception):
    """A call the world cannot accept (unknown team, a measure the team may not take...)."""


@dataclass(eq=False)
class RunningEffect:
    """A stage's rate effect while it runs: what a measure that lands later can still weaken."""

    token: int
    effect: Effect
    plan: StagePlan
    size: float  # the combined effect multiplier it runs at now
    ends_at: float


@dataclass
class OpenDecision:
    inject: str
    team: str
    deadline: float


@dataclass(eq=False)
class Expectation:
    inject: str
    action: ExpectedAction
    deadline: float
    met: bool = False


class Call(simpy.events.Event):
    """A SimPy event that calls ``fn(*args)`` when processed.

    What ``World.schedule`` creates: a timeout that carries its own call, so no
    closure is made per event.
    """

    def __init__(self, env: simpy.Environment, delay: float, fn: Callable[..., None], args: tuple,
                 priority: int = simpy.events.NORMAL) -> None:
        self.env = env
        self.callbacks = [Call._fire]
        self._value = None
        self._ok = True
        self.fn, self.args = fn, args
        env.schedule(self, priority, delay)

    @staticmethod
    def _fire(event: Call) -> None:
        event.fn(*event.args)


@dataclass(frozen=True)
class SetUp:
    """What set-up schedules, the same in every run of a scenario: recorded by the first world."""

    agenda: list[tuple[float, Callable[..., None], tuple]]  # (when, fn, args), in time order; fn(world, *args)
    marks: frozenset[float]  # the instants at which set-up's time windows open or close



@dataclass
class World:
    loaded: LoadedScenario
    seed: int
    events: list[Event] = field(default_factory=list)
    # A Monte Carlo run keeps only the events its summary reads (LEAN_KINDS): the log of a
    # run nobody will read is most of what a run allocates.
    lean: bool = False
    model: int = MODEL  # the rules a journal was recorded under (MODELS)

    def __post_init__(self) -> None:
        s = self.scenario = self.loaded.scenario
        self.env = simpy.Environment()
        self.rng = Streams(self.seed)
        self.end = s.metadata.duration
        self.finished = False
        self.indicators: dict[str, IndicatorState] = {i.id: start_indicator(i) for i in s.indicators}
        self.bands = {i: band_of(st.spec, st.value) for i, st in self.indicators.items()}
        prepared = self._prepared = prepare(self.loaded)
        self.teams = prepared.teams
        self.injects = prepared.injects
        self.campaigns = prepared.campaigns
        self.stage_states: dict[str, set[str]] = defaultdict(set)
        self.response_history: dict[tuple[str, str | None], set[str]] = defaultdict(set)
        self.active: dict[tuple[str, str | None], int] = defaultdict(int)
        self.delivered: set[str] = set()
        self.decisions: dict[str, str] = {}
        self.open_decisions: dict[str, OpenDecision] = {}
        self.seated: set[str] = set()  # autoplayed teams a person has taken over: the playbook leaves them be
        self.detected_domains: set[str] = set()
        self.escalations: set[str] = set()
        self.findings: dict[str, float] = {}  # established findings -> when first established (about anything)
        # Per-campaign findings (model 5): finding -> campaign it holds for (None: every campaign) -> when.
        self.findings_about: dict[str, dict[str | None, float]] = defaultdict(dict)
        self._awaited: dict[str, list[Expectation]] = defaultdict(list)  # open expectations by response
        self.live: list[LiveResponse] = []
        # Active responses that counter a domain, by domain, in ``live`` order: what a stage start reads.
        self._in_force: dict[str, list[LiveResponse]] = defaultdict(list)
        self._under_way: dict[tuple[str, str], int] = defaultdict(int)  # (team, response) -> pending or active
        # (team, response, target) -> pending or active
        self._under_way_for: dict[tuple[str, str, str | None], int] = defaultdict(int)
        self.condition_results: dict[str, bool] = {}
        self.triggers = Triggers({i: st.value for i, st in self.indicators.items()})
        self._restless: set[str] = set()  # indicators whose value changed: look at bands and levels
        self._replan: set[str] = set()  # indicators whose next threshold crossing must be recomputed
        self._wake_at: dict[str, float] = {i.id: math.inf for i in s.indicators}
        self._wake_generation: dict[str, int] = defaultdict(int)
        self._time_marks: set[float] = set()
        self._band_due: dict[str, float] = {}  # indicator -> when its new band is confirmed
        self._running: dict[int, RunningEffect] = {}  # stages' drifts still running, by effect token
        self._rechecks: set[tuple[str, float]] = set()  # (indicator, time) looks already planned
        self.stages: dict[str, StagePlan] = prepared.stages
        self._counter_tags = prepared.counter_tags if self.model >= 5 else prepared.counter_tags_before_5
        self._tokens = itertools.count(1)
        self._takes: dict[tuple[str, str], int] = defaultdict(int)
        self._settling = False
        self._order = prepared.order
        # A full run tells everything; a lean one skips what only the log and the console read:
        # building the records it would drop, and timing band changes (bands are for people, no
        # condition reads them). A lean run still wakes up at band levels: a wake-up replans the
        # indicator's next crossing from that instant, and a crossing solved from another instant
        # can differ in its last bit, which would part a lean run from its full one.
        self._full = not self.lean
        self.triggers.watch(prepared.band_watch, +1)
        self._log(Kind.EXERCISE_STARTED, scenario=s.metadata.id, sha256=self.loaded.sha256, seed=self.seed)
        # What set-up schedules is the same in every run of the scenario: the first world of a
        # process records it (SetUp), later ones take it as it is (see _open_agenda).
        known: SetUp | None = prepared.setup
        self._agenda: list[tuple[float, Callable[..., None], tuple]] | None = [] if known is None else None
        if known is not None:
            self._time_marks = set(known.marks)
        self._setup()
        self._open_agenda(known)
        self._settle()

    # --- plumbing -------------------------------------------------------------------------

    @property
    def now(self) -> float:
        return self.env.now

    def _log(self, kind: str, **data: Any) -> Event | None:
        if self.lean and kind not in LEAN_KINDS:
            return None
        events = self.events
        # tuple.__new__ skips the named tuple's Python-level constructor: one log per state change.
        event = _new_tuple(Event, (len(events), self.env.now, kind, data))
        events.append(event)
        return event

    def _moved(self, indicator: str) -> None:
        """An indicator's value or dynamics changed at an event."""
        self._restless.add(indicator)
        self._replan.add(indicator)

    @property
    def _dirty(self) -> bool:
        return bool(self.triggers.due or self._restless or self._replan or self.triggers.rewatched)

    def schedule(self, delay: float, fn: Callable[..., None], *args: Any) -> None:
        """Call ``fn(*args)`` after ``delay`` minutes of sim time."""
        Call(self.env, max(0.0, delay), fn, args)

    def _at_setup(self, at: float, fn: Callable[..., None], *args: Any) -> None:
        """Set-up's scheduling, while the first world records it: ``fn(world, *args)`` at ``at``."""
        self._agenda.append((max(0.0, at), fn, args))

    def _open_agenda(self, known: SetUp | None) -> None:
        """Set-up schedules every scripted inject, stage start and time mark at once: with
        100,000 injects, SimPy's queue held 100,000 events for the whole run, and every
        event of the run paid for a heap that size. They wait in a list instead, in time
        order, and one SimPy event at a time walks it.

        The order of events is unchanged: in SimPy's queue, set-up's events at one instant
        came before any event scheduled later for that instant (their ids are smaller), and in
        the order set-up made them; the agenda keeps that order (a stable sort by time) and
        each step of it is URGENT, which SimPy runs before the NORMAL events of the instant.

        The agenda holds plain functions called with the world, so one recorded agenda serves
        every run: a Monte Carlo run of a 100,000-inject scenario no longer builds and sorts
        100,000 entries before its first event.
        """
        if known is None:
            self._agenda.sort(key=_WHEN)
            known = self._prepared.setup = SetUp(self._agenda, frozenset(self._time_marks))
        self._agenda = None
        agenda = self._due = known.agenda
        self._next_due = 0
        if agenda:
            Call(self.env, agenda[0][0] - self.env.now, self._run_agenda, (), simpy.events.URGENT)

    def _run_agenda(self) -> None:
        _, fn, args = self._due[self._next_due]
        self._next_due += 1
        if self._next_due < len(self._due):
            Call(self.env, self._due[self._next_due][0] - self.env.now, self._run_agenda, (), simpy.events.URGENT)
        fn(self, *args)

    def when(self, condition: Condition, action: Callable[[], None]) -> None:
        """Call ``action`` once, the first time ``condition`` holds.

        The condition is checked at the next settle and then whenever state it
        reads changes: an event, or a watched indicator crossing a threshold.
        Each condition object is compiled once and kept with the scenario's preparation:
        pass one that lives as long as what it comes from, not one made for this call.
        """
        compiled, filed = self._prepared.filed(condition)
        self.triggers.add(condition, action, compiled, filed)
        for instant in compiled.times:
            if self.env.now < instant <= self.end and instant not in self._time_marks:
                self._time_marks.add(instant)
                if self._agenda is not None:
                    self._at_setup(instant, World._time_mark)
                else:
                    self.schedule(instant - self.env.now, self._time_mark)

    def _time_mark(self) -> None:
        self.triggers.touch("time")

    def _holds(self, condition: Condition) -> bool:
        return self._prepared.compiled(condition).check(self)

    def _settle(self) -> None:
        if self._settling:  # called from a trigger's action: the running loop sees the change
            return
        self._settling = True
        triggers = self.triggers
        try:
            for _ in range(_SETTLE_LIMIT):
                if self._restless:
                    restless, self._restless = self._restless, set()
                    for ident in sorted(restless, key=self._order.__getitem__):
                        value = self.indicators[ident].at(self.env.now)
                        if self._full:
                            self._check_band(ident, value)
                        triggers.indicator_at(ident, value)
                if not triggers.due:
                    break
                for trigger in triggers.take_due():
                    if trigger.pending and trigger.check(self):
                        triggers.retire(trigger)
                        trigger.action()
            replan = self._replan
            if triggers.rewatched:
                replan |= triggers.rewatched
                triggers.rewatched.clear()
            if replan:
                for ident in sorted(replan, key=self._order.__getitem__) if len(replan) > 1 else tuple(replan):
                    self._plan_wakeup(ident)
                replan.clear()
        finally:
            self._settling = False

    def _plan_wakeup(self, ident: str) -> None:
        """Schedule a wake-up at the indicator's next crossing of a watched threshold."""
        now = self.env.now
        crossing = self.indicators[ident].next_crossing(now, self.triggers.watched(ident), self.end)
        soonest = math.inf if crossing is None or crossing + _EPS > self.end else max(crossing, now) + _EPS
        if soonest == self._wake_at[ident]:
            return
        self._wake_at[ident] = soonest
        self._wake_generation[ident] += 1
        if soonest < math.inf:
            self.schedule(soonest - now, self._wake, ident, self._wake_generation[ident])

    def _wake(self, ident: str, generation: int) -> None:
        if generation == self._wake_generation[ident]:  # a later plan replaced this one
            self._wake_at[ident] = math.inf
            self._moved(ident)

    def _check_band(self, ident: str, value: float) -> None:
        """A band change is told once it has held for a minute, so a brush with a line is not a flap."""
        band = band_of(self.indicators[ident].spec, value)
        if band == self.bands[ident]:
            self._band_due.pop(ident, None)
        elif ident not in self._band_due:
            self._band_due[ident] = self.env.now + _BAND_HOLD
            self.schedule(_BAND_HOLD, self._confirm_band, ident)

    def _confirm_band(self, ident: str) -> None:
        if self._band_due.get(ident) != self.env.now:
            return  # it went back, or a later change is being timed
        del self._band_due[ident]
        value = self.indicators[ident].at(self.env.now)
        band = band_of(self.indicators[ident].spec, value)
        if band != self.bands[ident]:
            self._log(Kind.INDICATOR_BAND, indicator=ident, band=band, was=self.bands[ident], value=value)
            self.bands[ident] = band

    # --- set-up ---------------------------------------------------------------------------

    def _setup(self) -> None:
        """What every run starts with: triggers armed, findings that hold from the start, and,
        in the first world of a process only, the agenda of what happens at set times."""
        recording = self._agenda is not None
        for plan in self.stages.values():
            start = plan.stage.start
            if isinstance(start, StartAt):
                if recording:
                    self._at_setup(start.at, World._start_stage, plan)
            elif isinstance(start, StartWhen):  # a StartAfter waits in its predecessor's followers
                self._arm(plan)
        for finding in self.loaded.findings.values():
            if finding.holds_at_start:
                self.establish(finding.id, "start")
            elif finding.when is not None:
                self.when(finding.when, lambda f=finding.id: self.establish(f, "condition"))
        for inject in self.scenario.injects:
            if inject.at is not None:
                if recording:
                    self._at_setup(inject.at, World._deliver, inject.id, "schedule")
            elif inject.when is not None:
                self.when(inject.when, lambda i=inject.id: self._deliver(i, "trigger"))
        for objective in self.scenario.objectives:
            m = objective.measure
            if isinstance(m, ConditionMeasure) and m.at is not None and recording:
                self._at_setup(m.at, World._judge_condition, objective.id, m.condition)
        for standing in self.scenario.responses.in_force_at_start:
            self._in_force_from_start(standing.team, standing.response, standing.note)

    def _in_force_from_start(self, team: str, rid: str, note: str) -> None:
        """A measure taken before T+0: in force from the first instant, its counters acting and its findings
        held. Its indicator effects are already in the starting values, and it was agreed, so neither is
        drawn again."""
        response = self.loaded.responses[rid]
        live = LiveResponse(len(self.live), team, rid, 0.0, 0.0, f"start:{team}:{rid}", note)
        self.live.append(live)
        self._under_way[(team, rid)] += 1
        self._under_way_for[(team, rid, None)] += 1
        self._mark(rid, team, "taken")
        self._log(Kind.RESPONSE_TAKEN, team=team, response=rid, note=note, source="start", effective_at=0.0,
                  cost=0)
        self._activate(live, response)
        for finding in response.establishes:
            self.establish(finding, "start")

    def _activate(self, live: LiveResponse, response: Response) -> None:
        """A measure takes effect: its counters join those in force, and it ends after its duration."""
        live.status = "active"
        for domain in set(response.counters.domains):
            insort(self._in_force[domain], live, key=attrgetter("order"))
        self.active[(live.response, live.team)] += 1
        self.active[(live.response, None)] += 1
        self._mark(live.response, live.team, "active")
        if response.duration is not None:
            live.ends_at = self.env.now + response.duration
            self.schedule(response.duration, self._end_response, live)
        if self._full:
            self._log(Kind.RESPONSE_ACTIVE, team=live.team, response=live.response, ends_at=live.ends_at)

    def _judge_condition(self, objective_id: str, condition: Condition) -> None:
        self.condition_results[objective_id] = self._holds(condition)

    # --- campaigns -------------------------------------------------------------------------

    def _arm(self, plan: StagePlan) -> None:
        self.when(plan.stage.start.when, lambda: self._start_after_delay(plan))

    def _start_after_delay(self, plan: StagePlan) -> None:
        delay = self.rng.delay(plan.start_stream, plan.stage.start.delay)
        start = plan.stage.start
        if isinstance(start, StartWhen) and start.recheck:
            self.schedule(delay, self._start_if_still, plan)
        else:
            self.schedule(delay, self._start_stage, plan)

    def _start_if_still(self, plan: StagePlan) -> None:
        """A delayed start whose cause must still hold: if it recovered meanwhile, wait for it again."""
        if self._holds(plan.stage.start.when):
            self._start_stage(plan)
            return
        self._log(Kind.STAGE_HELD_OFF, stage=plan.ref, campaign=plan.campaign.id,
                  reason="its cause no longer holds")
        self._arm(plan)

    def recheck(self, indicator: str, at: float) -> None:
        """Look at the triggers that read ``indicator`` again at ``at`` (conditions held over time)."""
        if self.env.now < at <= self.end and (indicator, at) not in self._rechecks:
            self._rechecks.add((indicator, at))
            self.schedule(at - self.env.now, self.triggers.touch, "indicator", indicator)

    def _counters(self, live: LiveResponse, plan: StagePlan) -> bool:
        """Whether the measure works against this stage: its domains, its tags, and its target if it has one."""
        if live.target_campaign is not None and live.target_campaign != plan.campaign.id:
            return False  # taken against another campaign
        if live.subjects is not None and plan.campaign.id not in live.subjects:
            return False  # what it needs holds only about other campaigns
        if plan.campaign.domain not in self.loaded.responses[live.response].counters.domains:
            return False
        tags = self._counter_tags[live.response]
        if self.model >= 5:
            return not plan.actor_tags.isdisjoint(tags)
        return not tags or not plan.tags.isdisjoint(tags)

    def _countering(self, plan: StagePlan) -> list[Response]:
        responses = self.loaded.responses
        return [responses[live.response] for live in self._in_force.get(plan.campaign.domain, ())
                if self._counters(live, plan)]

    def _start_stage(self, plan: StagePlan) -> None:
        ref, stage, campaign = plan.ref, plan.stage, plan.campaign
        states = self.stage_states[ref]
        if "started" in states:
            return
        states.add("started")
        self.triggers.touch("stage", ref)
        counters = self._countering(plan)
        if counters:
            floor = stage.counter_floor
            success = combine([r.counters.success for r in counters], floor)
            effect = combine([r.counters.effect for r in counters], floor)
            outage = combine([r.counters.outage for r in counters], floor)
            detection = combine([r.counters.detection for r in counters], floor)
        else:  # what combine gives for no counters, without four empty lists
            success = effect = outage = detection = 1.0
        p = stage.success * success
        if self._full:  # (a lean run would drop it: it is not built; likewise below)
            self._log(Kind.STAGE_STARTED, stage=ref, campaign=campaign.id, domain=campaign.domain,
                      countered_by=[r.id for r in counters])
        succeeded = self.rng.chance(plan.success_stream, p)
        outcome = "succeeded" if succeeded else "failed"
        states.add(outcome)
        self._log(Kind.STAGE_SUCCEEDED if succeeded else Kind.STAGE_FAILED, stage=ref, campaign=campaign.id,
                  probability=round(p, 6))
        if succeeded:
            for e in stage.effects:
                self._apply(e, cause=ref, size=effect, outage=outage, plan=plan)
        spotted = stage.detection
        # What defenders may learn follows what happened: a success as a success, a
        # failure only as an attempt (and only if the author said how it is seen).
        seen = spotted if succeeded else (spotted.attempt if spotted is not None else None)
        if seen is not None and self.rng.chance(plan.detected_stream, seen.probability):
            delay = self.rng.delay(plan.detection_stream, seen.delay or spotted.delay) * detection
            self.schedule(delay, self._detect, plan, self.env.now, outcome)
        self._follow(plan, ("started", outcome))

    def _follow(self, plan: StagePlan, states: tuple[str, ...]) -> None:
        for on, follower in plan.followers:
            if on in states:
                self._start_after_delay(follower)

    def _detect(self, plan: StagePlan, happened_at: float, outcome: str) -> None:
        ref, campaign, detection = plan.ref, plan.campaign, plan.stage.detection
        self.stage_states[ref].add("detected")
        self.detected_domains.add(campaign.domain)
        self.triggers.touch("stage", ref)
        self.triggers.touch("domain", campaign.domain)
        self._log(Kind.STAGE_DETECTED, stage=ref, campaign=campaign.id, domain=campaign.domain,
                  by=detection.by, source=detection.source, latency=self.env.now - happened_at, outcome=outcome)
        for finding in detection.establishes:
            self.establish(finding, f"detection of {ref}", campaign.id)
        inject = detection.inject if outcome == "succeeded" else detection.attempt.inject
        if inject:
            self._deliver(inject, "detection", stage=ref, outcome=outcome)
        self._follow(plan, ("detected",))

    def _apply(self, effect: Effect, cause: str, size: float = 1.0, outage: float = 1.0,
               plan: StagePlan | None = None, lasting: bool = False) -> None:
        state = self.indicators.get(effect.indicator)
        if state is None:  # a catalogue measure's effect on an indicator this scenario lacks
            return
        now = self.env.now
        if effect.recover is not None:
            # A restoration: the indicator returns to its baseline faster while it lasts. Unlike a step, which
            # the indicator's own recovery undoes, it is worth more the earlier it starts, never less.
            token = next(self._tokens)
            lasts = effect.for_ * outage
            state.set_recovery(now, token, _LN2 / effect.recover)
            self._moved(effect.indicator)
            if self._full:
                self._log(Kind.INDICATOR_RATE, indicator=effect.indicator, rate_per_hour=0.0, lasts=lasts,
                          value=state.value, cause=cause, recover=effect.recover)
            self.schedule(lasts, self._end_recovery, effect.indicator, token, cause)
            return
        if effect.rate is not None:
            token = next(self._tokens)
            rate = effect.rate * size
            lasts = effect.for_ * outage
            if rate == 0.0:  # countered to nothing: there is no drift to start
                self._log(Kind.INDICATOR_RATE, indicator=effect.indicator, rate_per_hour=0.0, lasts=0.0,
                          value=state.at(now), cause=cause)
                return
            state.set_rate(now, token, rate / 60.0)
            self._moved(effect.indicator)
            if self._full:
                self._log(Kind.INDICATOR_RATE, indicator=effect.indicator, rate_per_hour=rate, lasts=lasts,
                          value=state.value, cause=cause)
            if plan is not None:  # a stage's drift: measures that land later act on it too
                self._running[token] = RunningEffect(token, effect, plan, size, now + lasts)
            self.schedule(lasts, self._end_rate, effect.indicator, token, cause)
            return
        current = state.at(now)
        if lasting and effect.change is not None:
            # A measure's gain: the indicator's recovery does not take it back (model 4), so its timing is
            # never rewarded for being late.
            before, after = state.lasting_step(now, effect.change * size)
            self._moved(effect.indicator)
            if self._full and before != after:
                self._log(Kind.INDICATOR_CHANGED, indicator=effect.indicator, before=before, after=after, cause=cause)
            return
        target = current + effect.change * size if effect.change is not None else current + (effect.set - current) * size
        if state.clamp(target) == current:
            return  # already at a bound (or at the value it sets): nothing changes, nothing to tell
        before, after = state.step(now, target)
        self._moved(effect.indicator)
        if self._full:
            self._log(Kind.INDICATOR_CHANGED, indicator=effect.indicator, before=before, after=after, cause=cause)

    def _end_recovery(self, indicator: str, token: int, cause: str) -> None:
        state = self.indicators[indicator]
        state.set_recovery(self.env.now, token, None)
        self._moved(indicator)
        if self._full:
            self._log(Kind.INDICATOR_RATE, indicator=indicator, rate_per_hour=0.0, lasts=0.0, value=state.value,
                      cause=cause, recover=0.0)

    def _end_rate(self, indicator: str, token: int, cause: str) -> None:
        running = self._running.get(token)
        if running is not None:
            if running.ends_at != self.env.now:
                return  # a measure moved its end (the later call ends it), or it already ended
            del self._running[token]
        state = self.indicators[indicator]
        state.set_rate(self.env.now, token, None)
        self._moved(indicator)
        if self._full:
            self._log(Kind.INDICATOR_RATE, indicator=indicator, rate_per_hour=0.0, lasts=0.0, value=state.value,
                      cause=cause)

    # --- injects ---------------------------------------------------------------------------

    def _deliver(self, inject_id: str, cause: str, stage: str | None = None, outcome: str | None = None) -> None:
        if inject_id in self.delivered or self.finished:
            return
        inject: Inject = self.injects[inject_id]
        self.delivered.add(inject_id)
        self.triggers.touch("inject", inject_id)
        # An inject a stage caused names the stage and its real outcome, for the log and the debrief.
        if self._full:
            about = {} if stage is None else {"stage": stage, "outcome": outcome}
            self._log(Kind.INJECT_DELIVERED, inject=inject_id, cause=cause, to=list(inject.to),
                      title=inject.title, severity=inject.severity, **about)
        for action in inject.expects:
            if self.lean and not action.contingency:
                continue  # met or missed, it changes nothing but the log and the console's list
            expectation = Expectation(inject_id, action, self.env.now + action.within)
            if self._is_under_way(action.response, action.team):
                expectation.met = True
                self._log(Kind.EXPECTATION_MET, inject=inject_id, response=action.response, team=action.team,
                          latency=0.0, before_inject=True)
            else:
                self._awaited[action.response].append(expectation)
                self.schedule(action.within, self._expire, expectation)
        if inject.decision is not None:
            d = inject.decision
            self.open_decisions[inject_id] = OpenDecision(inject_id, d.team, self.env.now + d.deadline)
            if self._full:
                self._log(Kind.DECISION_OPENED, inject=inject_id, team=d.team, deadline=self.env.now + d.deadline,
                          options=[o.id for o in d.options])
            self.schedule(d.deadline, self._decision_deadline, inject_id)

    def _expire(self, expectation: Expectation) -> None:
        if expectation.met:
            return
        self._awaited[expectation.action.response].remove(expectation)
        action = expectation.action
        self._log(Kind.EXPECTATION_MISSED, inject=expectation.inject, response=action.response, team=action.team,
                  contingency=action.contingency)
        if action.contingency:
            self._deliver(action.contingency, "contingency")

    # --- checks: what a caller may ask, tested before it is journaled ------------------------

    def check_take(self, team: str, rid: str, target: str | None = None) -> None:
        if self.finished:
            raise EngineError("the exercise has ended")
        if team not in self.teams:
            raise EngineError(f"unknown team {team!r}")
        if rid not in self.loaded.responses:
            raise EngineError(f"unknown response {rid!r}")
        if not self.may_take(team, rid):
            raise EngineError(f"team {team!r} may not take {rid}")
        if target is not None:
            if target not in self.campaigns and target not in self.stages:
                raise EngineError(f"unknown target {target!r}: give a campaign id or a stage as campaign.stage")
            if target not in self.targets():
                raise EngineError(f"{target} has not been detected: a measure can only be taken against "
                                  "what the players have seen")

    def targets(self) -> list[str]:
        """What a measure can be taken against now: detected stages and the campaigns they belong to."""
        stages = [ref for ref, plan in self.stages.items() if "detected" in self.stage_states.get(ref, ())]
        campaigns = sorted({self.stages[ref].campaign.id for ref in stages})
        return campaigns + stages

    def _target_campaign(self, target: str | None) -> str | None:
        if target is None:
            return None
        return target if target in self.campaigns else self.stages[target].campaign.id

    def check_open_decision(self, inject_id: str) -> None:
        if inject_id not in self.open_decisions:
            raise EngineError(f"no open decision at inject {inject_id!r}")

    def check_decision(self, inject_id: str, option_id: str) -> None:
        self.check_open_decision(inject_id)
        if option_id not in {o.id for o in self.injects[inject_id].decision.options}:
            raise EngineError(f"decision {inject_id!r} has no option {option_id!r}")

    def check_deliver(self, inject_id: str) -> None:
        if inject_id not in self.injects:
            raise EngineError(f"unknown inject {inject_id!r}")
        if inject_id in self.delivered:
            raise EngineError(f"inject {inject_id!r} was already delivered")

    def check_adhoc(self, to: list[str], severity: str) -> None:
        unknown = [t for t in to if t != "all" and t not in self.teams]
        if unknown or not to:
            raise EngineError(f"unknown team(s): {', '.join(unknown) or 'none given'}")
        if severity not in get_args(Severity):
            raise EngineError(f"unknown severity {severity!r}")

    def deliver_now(self, inject_id: str) -> None:
        """The facilitator delivers an inject now instead of waiting for its time or trigger."""
        self.check_deliver(inject_id)
        self._deliver(inject_id, "facilitator")
        self._settle()

    def publish(self, team: str, channel: str, title: str, body: str, to: list[str]) -> None:
        """A team's statement, post, press release or email, delivered to whoever sees that channel."""
        self._log(Kind.INJECT_DELIVERED, inject=None, cause="published", to=list(to), title=title, body=body,
                  severity="medium", published_by=team, channel=channel)
        self._settle()

    def message(self, sender: str, to: list[str], subject: str, text: str, channel: str, *, rfi: bool = False,
                answers: int | None = None) -> None:
        """A message between the tables: a team to another team, to the white cell or (a request for information)
        to exercise control; or the white cell's answer as a body not at the table. ``sender``: a team id, a
        simulated body's id, 'whitecell' or 'control'; ``answers``: the seq of the message it answers."""
        self._log(Kind.INJECT_DELIVERED, inject=None, cause="message", to=list(to), title=subject, body=text,
                  severity="low", message_from=sender, channel=channel, rfi=rfi, answers=answers)
        self._settle()

    def adhoc_inject(self, title: str, body: str, to: list[str], severity: str = "medium",
                     channel: str | None = None) -> None:
        """An inject the facilitator writes during play, through a channel if given."""
        self.check_adhoc(to, severity)
        by = {} if channel is None else {"channel": channel}
        self._log(Kind.INJECT_DELIVERED, inject=None, cause="facilitator", to=list(to), title=title, body=body,
                  severity=severity, adhoc=True, **by)
        self._settle()

    def _barred(self, team: str, response: Response) -> tuple[str, str] | None:
        """The law says no: the team's state or body may not take it, or it is not (or no longer) in force."""
        who, name = self.scenario.standing(self.teams[team])
        reason = not_open_to(response, who, name)
        if reason is not None:
            return "jurisdiction", reason
        law = response.in_force
        if law is not None and not self.scenario.metadata.anachronisms:
            today = self.scenario.metadata.at(self.env.now).date()
            if law.from_ is not None and today < law.from_:
                return "not in force", f"it applies only from {law.from_.isoformat()} ({law.source})"
            if law.until is not None and today >= law.until:
                return "not in force", f"it stopped applying on {law.until.isoformat()} ({law.source})"
        return None

    def _per_campaign(self, finding: str) -> bool:
        return self.model >= 5 and self.loaded.findings[finding].per_campaign

    def holds_for(self, finding: str, campaign: str) -> bool:
        """Whether a finding holds about this campaign (a finding about no campaign holds for all)."""
        if not self._per_campaign(finding):
            return finding in self.findings
        about = self.findings_about.get(finding, {})
        return None in about or campaign in about

    def _held_about(self, response: Response) -> set[str]:
        """The campaigns every per-campaign finding the measure needs holds for."""
        return {c for c in self.campaigns if all(self.holds_for(f, c) for f in response.needs)}

    def _subjects(self, response: Response, target: str | None) -> frozenset[str] | None:
        """The campaigns a measure may act against, given what it needs (None: it needs nothing per campaign)."""
        if not any(self._per_campaign(f) for f in response.needs):
            return None
        held = self._held_about(response)
        if target is not None:
            return frozenset(held & {self._target_campaign(target)})
        tags = self._counter_tags[response.id]
        if response.counters.domains:  # only those it can act on count
            held = {c for c in held if self.campaigns[c].domain in response.counters.domains and any(
                not plan.actor_tags.isdisjoint(tags) for plan in self.stages.values() if plan.campaign.id == c)}
        return frozenset(held)

    def establish(self, finding: str, cause: str, about: str | None = None) -> None:
        """A finding now holds (it never stops holding): measures that need it may go ahead.

        A per-campaign finding holds about ``about`` only (None: about every campaign)."""
        spec = self.loaded.findings[finding]
        if self._per_campaign(finding):
            held = self.findings_about[finding]
            if None in held or about in held:
                return
            held[about] = self.env.now
            self.findings.setdefault(finding, self.env.now)
        elif finding in self.findings:
            return
        else:
            self.findings[finding] = self.env.now
            about = None
        self.triggers.touch("finding", finding)
        extra = {} if about is None else {"about": about}
        self._log(Kind.FINDING_ESTABLISHED, finding=finding, cause=cause, **extra)
        if cause != "start" and self._full:
            by = {"condition": "the situation now meets it"}.get(cause, cause)
            what = spec.name if about is None else f"{spec.name}, about {self.campaigns[about].name}"
            self._notice(list(self.teams), f"Established: {what}",
                         f"{spec.description}\n\nEstablished by: {by}.".strip(), about=finding)

    def _notice(self, to: str | list[str], title: str, body: str, about: str | None = None) -> None:
        """An inject the engine writes itself, e.g. to say why a measure was refused: to one team, or several."""
        extra = {} if about is None else {"about": about}
        self._log(Kind.INJECT_DELIVERED, inject=None, cause="engine", to=[to] if isinstance(to, str) else to,
                  title=title, body=body, severity="medium", generated=True, **extra)

    # --- decisions -------------------------------------------------------------------------

    def pending_decisions(self) -> list[OpenDecision]:
        return sorted(self.open_decisions.values(), key=lambda d: (d.deadline, d.inject))

    def decide(self, inject_id: str, option_id: str, by: str = "team", note: str = "") -> None:
        self.check_decision(inject_id, option_id)
        decision = self.open_decisions[inject_id]
        option = next(o for o in self.injects[inject_id].decision.options if o.id == option_id)
        del self.open_decisions[inject_id]
        self.decisions[inject_id] = option_id
        self.triggers.touch("decision", inject_id)
        extra = {"note": note} if note else {}
        self._log(Kind.DECISION_MADE, inject=inject_id, team=decision.team, option=option_id, by=by, **extra)
        note = f"decision at {inject_id}: {option.label}" + (f" ({note})" if note else "")
        for finding in option.establishes:  # before the option's measures, which may need it
            self.establish(finding, f"decision {inject_id}", option.about)
        for rid in option.responses:
            if self._under_way[(decision.team, rid)]:
                self._reaffirm(decision.team, rid, note)
            else:
                self.take_response(decision.team, rid, note=note, source="decision")
        self._settle()

    def _reaffirm(self, team: str, rid: str, note: str) -> None:
        """A decision chose a measure the team already has under way: it stands, and runs anew from now.

        Players who just chose it must not read "refused (duplicate)"; a measure in
        effect with a limited duration is extended to a full duration from now.
        """
        live = next(lv for lv in reversed(self.live)
                    if lv.team == team and lv.response == rid and lv.status in ("pending", "active"))
        duration = self.loaded.responses[rid].duration
        if live.status == "active" and duration is not None and live.ends_at is not None:
            live.ends_at = self.env.now + duration
            self.schedule(duration, self._end_response, live)
        self._log(Kind.RESPONSE_REAFFIRMED, team=team, response=rid, note=note, status=live.status,
                  ends_at=live.ends_at, effective_at=live.effective_at)

    def _decision_deadline(self, inject_id: str) -> None:
        if inject_id not in self.open_decisions:
            return
        point = self.injects[inject_id].decision
        team = self.open_decisions[inject_id].team
        if point.default is not None:
            if self._full:
                label = next(o.label for o in point.options if o.id == point.default)
                # Told before the default's measures, so the feed reads in the order things happened.
                self._notice(team, f"Decision at {inject_id}: the deadline passed; the default applies: {label}",
                             f"No answer came in time to: {point.prompt}\n\nThe default option applies: {label}.",
                             about=inject_id)
            self.decide(inject_id, point.default, by="default")
        else:
            del self.open_decisions[inject_id]
            self._log(Kind.DECISION_EXPIRED, inject=inject_id, team=team)
            self._notice(team, f"Decision at {inject_id}: the deadline passed without an answer",
                         f"No answer came in time to: {point.prompt}", about=inject_id)

    # --- responses -------------------------------------------------------------------------

    def _is_under_way(self, rid: str, team: str | None) -> bool:
        """Taken and not yet ended or refused: pending its lead time, or in effect."""
        if team is not None:
            return self._under_way[(team, rid)] > 0
        return any(self._under_way[(t, rid)] for t in self.teams)

    def may_take(self, team: str, rid: str) -> bool:
        return team in self.teams and rid in self.teams[team].responses

    def why_not(self, team: str, rid: str, target: str | None = None) -> tuple[str, str] | None:
        """Why the team's measure would be refused now, as (stage, reason); None if it can go ahead."""
        if self._under_way_for[(team, rid, target)]:
            against = f" against {target}" if target else ""
            return "duplicate", f"it is already under way{against} for this team"
        response = self.loaded.responses[rid]
        if self.model >= 5:
            barred = self._barred(team, response)
            if barred is not None:
                return barred
        missing = [self.loaded.findings[f].name for f in response.needs if f not in self.findings]
        failing = [explain(p, self) for p in response.preconditions if not self._holds(p)]
        if missing:
            failing.insert(0, "it needs " + " and ".join(missing) + ", not established yet")
        elif self._subjects(response, target) == frozenset():
            scoped = [self.loaded.findings[f].name for f in response.needs if self._per_campaign(f)]
            against = self._target_campaign(target)
            about = self.campaigns[against].name if against is not None else "a campaign it acts on"
            held = sorted(self.campaigns[c].name for c in self._held_about(response))
            failing.insert(0, "it needs " + " and ".join(scoped) + f" about {about}; established only about "
                           + (", ".join(held) or "none"))
        if failing:
            return "precondition", "; ".join(failing)
        return None

    def take_response(self, team: str, rid: str, note: str = "", source: str = "player",
                      target: str | None = None) -> LiveResponse | None:
        """A team takes a measure now, against everything it counters or against one ``target``
        (a detected campaign, or stage). Returns its record, or None if it was refused at once."""
        if source != "decision":
            self.check_take(team, rid, target)
        response = self.loaded.responses[rid]
        if not self.may_take(team, rid):
            if source != "decision":
                raise EngineError(f"team {team!r} may not take {rid}")
            # A decision is already made when its measures are taken: say why this one is not.
            self._refuse(team, rid, f"{self.teams[team].name} may not take this measure", "not permitted", note,
                         source)
            return None
        refusal = self.why_not(team, rid, target)
        if refusal is not None:
            stage, reason = refusal
            self._refuse(team, rid, reason, stage, note, source)
            return None
        self._takes[(team, rid)] += 1
        stream = f"response:{team}:{rid}:{self._takes[(team, rid)]}"
        lead = self.rng.delay(f"{stream}:lead", response.lead_time)
        live = LiveResponse(len(self.live), team, rid, self.env.now, self.env.now + lead, stream, note,
                            target=target, target_campaign=self._target_campaign(target),
                            subjects=self._subjects(response, target))
        self.live.append(live)
        self._under_way[(team, rid)] += 1
        self._under_way_for[(team, rid, target)] += 1
        self._mark(rid, team, "taken")
        against = {} if target is None else {"target": target}
        self._log(Kind.RESPONSE_TAKEN, team=team, response=rid, note=note, source=source,
                  effective_at=live.effective_at, cost=response.cost, **against)
        awaited = self._awaited.get(rid)
        for expectation in list(awaited or ()):
            action = expectation.action
            if action.team in (None, team):
                expectation.met = True
                awaited.remove(expectation)
                latency = self.env.now - (expectation.deadline - action.within)
                self._log(Kind.EXPECTATION_MET, inject=expectation.inject, response=rid, team=team, latency=latency,
                          before_inject=False)
        self.schedule(lead, self._land, live)
        self._settle()
        return live

    def _mark(self, rid: str, team: str, state: str) -> None:
        self.response_history[(rid, team)].add(state)
        self.response_history[(rid, None)].add(state)
        self.triggers.touch("response", rid)

    def _refuse(self, team: str, rid: str, reason: str, stage: str, note: str = "", source: str = "engine") -> None:
        self._mark(rid, team, "refused")
        self._log(Kind.RESPONSE_REFUSED, team=team, response=rid, reason=reason, stage=stage, note=note, source=source)
        if self._full:
            name = self.loaded.responses[rid].name
            self._notice(team, f"{rid} refused: {name}", f"The measure could not go ahead: {reason}.")

    def _land(self, live: LiveResponse) -> None:
        if live.status != "pending":
            return  # ended early by the facilitator before its lead time ran out
        response = self.loaded.responses[live.response]
        if not self.rng.chance(f"{live.stream}:approval", response.approval):
            live.status = "refused"
            self._under_way[(live.team, live.response)] -= 1
            self._under_way_for[(live.team, live.response, live.target)] -= 1
            self._refuse(live.team, live.response, _NOT_AGREED[response.procedure].format(who=response.decided_by),
                         "procedure")
            return
        self._activate(live, response)
        self._recounter(live, landed=True)
        for effect in response.effects:
            self._apply(effect, cause=live.response, lasting=self.model >= 4)
        by = f"{live.response} ({self.teams[live.team].name})"
        if self.model < 5:
            for finding in legacy.established(response):
                self.establish(finding, by)
        else:
            for finding in response.establishes:
                for about in self._about(live, finding):
                    self.establish(finding, by, about)
            for k, later in enumerate(response.may_establish):
                if self.rng.chance(f"{live.stream}:establish{k}", later.chance):
                    wait = self.rng.delay(f"{live.stream}:establish{k}:after", later.after)
                    for about in self._about(live, later.finding):
                        self.schedule(wait, self.establish, later.finding, by, about)
        if response.escalation_risk and self.rng.chance(f"{live.stream}:escalation", response.escalation_risk):
            self.escalations.add(live.response)
            self.triggers.touch("escalation")
            self._log(Kind.ADVERSARY_ESCALATED, response=live.response, team=live.team)

    def _about(self, live: LiveResponse, finding: str) -> list[str | None]:
        """What a finding a measure establishes is about: its target's campaign, or each detected
        campaign it acts on (none detected: nothing yet to establish it about)."""
        if not self._per_campaign(finding):
            return [None]
        if live.target_campaign is not None:
            return [live.target_campaign]
        found: list[str | None] = []
        found += sorted(c for c in self.campaigns if self._detected(c) and (live.subjects is None or c in live.subjects)
                        and any(self._counters(live, plan) for plan in self.stages.values() if plan.campaign.id == c))
        return found

    def _detected(self, campaign: str) -> bool:
        return any("detected" in self.stage_states[plan.ref] for plan in self.stages.values()
                   if plan.campaign.id == campaign)

    def _recounter(self, live: LiveResponse, landed: bool) -> None:
        """A measure took effect (or ended): running drifts of the stages it counters follow at once.

        The rate is rescaled by the stages' combined effect multiplier from now on; a measure
        that lands also shortens what is left of them by its outage multiplier. A multiplier
        of 0 stops a drift here and now.
        """
        now = self.env.now
        response = self.loaded.responses[live.response]
        for token, running in list(self._running.items()):
            plan = running.plan
            if not self._counters(live, plan):
                continue
            size = combine([r.counters.effect for r in self._countering(plan)], plan.stage.counter_floor)
            effect, indicator = running.effect, running.effect.indicator
            state = self.indicators[indicator]
            ends_at = running.ends_at
            if landed and response.counters.outage < 1.0:
                ends_at = now + (running.ends_at - now) * response.counters.outage
            if size == 0.0 or ends_at <= now:
                del self._running[token]
                state.set_rate(now, token, None)
                self._moved(indicator)
                if self._full:
                    self._log(Kind.INDICATOR_RATE, indicator=indicator, rate_per_hour=0.0, lasts=0.0,
                              value=state.value, cause=plan.ref, countered_by=response.id)
                continue
            if size != running.size:
                running.size = size
                state.set_rate(now, token, effect.rate * size / 60.0)
                self._moved(indicator)
            if ends_at != running.ends_at:
                running.ends_at = ends_at
                self.schedule(ends_at - now, self._end_rate, indicator, token, plan.ref)
            if self._full:
                self._log(Kind.INDICATOR_RATE, indicator=indicator, rate_per_hour=effect.rate * size,
                          lasts=ends_at - now, value=state.value, cause=plan.ref, countered_by=response.id)

    def _end_response(self, live: LiveResponse, **why: Any) -> None:
        if live.status != "active" or (live.ends_at is not None and live.ends_at > self.env.now):
            return  # re-affirmed since: a later call ends it
        live.status = "ended"
        for domain in set(self.loaded.responses[live.response].counters.domains):
            self._in_force[domain].remove(live)
        self._under_way[(live.team, live.response)] -= 1
        self._under_way_for[(live.team, live.response, live.target)] -= 1
        self.active[(live.response, live.team)] -= 1
        self.active[(live.response, None)] -= 1
        self._mark(live.response, live.team, "ended")
        self._log(Kind.RESPONSE_ENDED, team=live.team, response=live.response, **why)
        self._recounter(live, landed=False)

    # --- the facilitator's adjustments ------------------------------------------------------

    def _latest_under_way(self, team: str, rid: str) -> LiveResponse | None:
        return next((lv for lv in reversed(self.live)
                     if lv.team == team and lv.response == rid and lv.status in ("pending", "active")), None)

    def check_end_early(self, team: str, rid: str) -> None:
        if self.finished:
            raise EngineError("the exercise has ended")
        if self._latest_under_way(team, rid) is None:
            raise EngineError(f"{rid} is not under way for team {team!r}")

    def end_early(self, team: str, rid: str, reason: str) -> None:
        """The facilitator ends a measure now: in effect, it stops countering; pending, it never lands."""
        self.check_end_early(team, rid)
        live = self._latest_under_way(team, rid)
        if live.status == "active":
            live.ends_at = self.env.now
            self._end_response(live, early=True, reason=reason)
        else:
            live.status = "ended"
            self._under_way[(team, rid)] -= 1
            self._under_way_for[(team, rid, live.target)] -= 1
            self._mark(rid, team, "ended")
            self._log(Kind.RESPONSE_ENDED, team=team, response=rid, early=True, reason=reason, before_effect=True)
        self._settle()

    def open_expectations(self) -> list[Expectation]:
        """Expected actions still awaited, soonest deadline first."""
        return sorted((x for xs in self._awaited.values() for x in xs), key=lambda x: (x.deadline, x.inject))

    def _open_expectation(self, inject_id: str, rid: str) -> Expectation | None:
        return next((x for x in self._awaited.get(rid, ()) if x.inject == inject_id), None)

    def check_mark_met(self, inject_id: str, rid: str) -> None:
        if self.finished:
            raise EngineError("the exercise has ended")
        if self._open_expectation(inject_id, rid) is None:
            raise EngineError(f"no open expectation of {rid} after {inject_id}")

    def mark_met(self, inject_id: str, rid: str, reason: str) -> None:
        """The facilitator judges an expected action done outside the catalogue (a call, a statement)."""
        self.check_mark_met(inject_id, rid)
        expectation = self._open_expectation(inject_id, rid)
        expectation.met = True
        self._awaited[rid].remove(expectation)
        latency = self.env.now - (expectation.deadline - expectation.action.within)
        self._log(Kind.EXPECTATION_MET, inject=inject_id, response=rid, team=expectation.action.team,
                  latency=latency, before_inject=False, by="facilitator", reason=reason)
        self._settle()

    # --- the step API ----------------------------------------------------------------------

    def advance_to(self, t: float, stop: Callable[[], bool] | None = None) -> None:
        """Process every event up to sim time ``t`` (capped at the end), then stop at ``t``.

        With ``stop``, stop early, right after the first event for which it returns true.
        """
        t = min(t, self.end)
        env = self.env
        triggers = self.triggers
        while env.peek() <= t:
            env.step()
            # _dirty, spelled out: this runs after every event.
            if triggers.due or self._restless or self._replan or triggers.rewatched:
                self._settle()
            if stop is not None and stop():
                # Finish the instant: the rest of this moment belongs with it.
                while env.peek() <= env.now:
                    env.step()
                    if self._dirty:
                        self._settle()
                break
        else:
            if t > env.now:
                # Every event before t is processed: one plain event moves the clock to t.
                env.timeout(t - env.now)
                env.step()
        if self.env.now >= self.end and not self.finished:
            self._finish()

    def run(self) -> None:
        self.advance_to(self.end)

    def objective_status(self) -> list:
        """Each objective as things stand now (met, not met, or None while still open)."""
        return judge(self)

    def _finish(self) -> None:
        self.finished = True
        for ident in sorted(self._band_due, key=self._order.__getitem__):  # the last minute's changes stand
            self._band_due[ident] = self.env.now
            self._confirm_band(ident)
        self._log(Kind.EXERCISE_ENDED)
        for result in judge(self):
            self._log(Kind.OBJECTIVE_JUDGED, objective=result.objective, met=result.met, detail=result.detail)
