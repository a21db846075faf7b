"""The scenario file, as pydantic models.

Field descriptions are written for scenario authors: they become the hover
text of the JSON Schema in their editor.
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError
from typing import Annotated, Literal, Union

from pydantic import Discriminator, Field, Tag, field_validator, model_validator

from exercise.scenario.catalogue import Finding, Response, ResponseAdjustment, parties
from exercise.scenario.channels import ChannelForm
from exercise.scenario.conditions import Condition
from exercise.scenario.distributions import Delay
from exercise.scenario.feeds import BackgroundFeed
from exercise.scenario.effects import Effect
from exercise.scenario.frameworks import Technique
from exercise.scenario.types import Domain, Duration, Id, Probability, Provenance, StageRef, Strict, Text

CER_SECTORS = (
    "energy", "transport", "banking", "financial_market_infrastructure", "health",
    "drinking_water", "waste_water", "digital_infrastructure", "public_administration",
    "space", "food",
)
Sector = Literal[CER_SECTORS]  # type: ignore[valid-type]


def _renamed(data: object, old: str, new: str, why: str) -> object:
    """Older files used another key: say what it is called now rather than 'unknown key'."""
    if isinstance(data, dict) and old in data:
        raise ValueError(f"'{old}' is now '{new}' ({why}); rename the key")
    return data


Status = Literal["member_state", "candidate", "third_country"]


class Setting(Strict):
    """Where and around which event the exercise is set."""

    country: str = Field(min_length=1, description="The (usually fictional) country.")
    status: Status = Field(
        "member_state", description="What the country is to the EU: 'member_state', 'candidate' (e.g. Moldova, "
                                    "Ukraine) or 'third_country'. Its national teams may take only the measures "
                                    "open to it: a candidate cannot invoke Art. 42(7) TEU or use the Rapid Alert "
                                    "System.")
    nato_ally: bool = Field(False, description="Whether the country is a NATO Ally: NATO measures (Art. 4 "
                                               "consultations, Baltic Sentry, a Counter Hybrid Support Team) need it.")
    election_date: dt.date | None = Field(None, description="Polling day, if the scenario is around an election.")
    polling: list[PollingDay] = Field(
        default_factory=list, description="Several polling days (a first round and a run-off, a referendum on the "
                                          "same day), instead of 'election_date'.")
    description: Text = Field("", description="Background players read in the briefing (Markdown).")

    @model_validator(mode="after")
    def _one_way(self) -> Setting:
        if self.polling and self.election_date is not None:
            raise ValueError("give 'election_date' (one polling day) or 'polling' (several), not both")
        return self

    def polling_words(self) -> str:
        """'polling day Sunday 16 May 2027', or each day with what is voted on, for every screen and report."""
        if self.election_date is not None:
            return f"polling day {self.election_date:%A %d %B %Y}"
        days = [f"{p.date:%A %d %B %Y}" + (f" ({p.what})" if p.what else "") for p in self.polling]
        return "polling on " + " and ".join(days) if days else ""


class PollingDay(Strict):
    """One day of voting."""

    date: dt.date = Field(description="The day.")
    what: str = Field("", description="What is voted on, e.g. 'presidential first round and EU referendum'.")


class Polity(Strict):
    """Another state in play, whose national teams act under its own status (e.g. a neighbour Member State)."""

    id: Id = Field(description="Polity id, as teams name it in 'polity'.")
    name: str = Field(min_length=1, description="The state's name.")
    status: Status = Field(description="'member_state', 'candidate' or 'third_country'.")
    nato_ally: bool = Field(False, description="Whether it is a NATO Ally.")


class Metadata(Strict):
    """What the exercise is: shown on the briefing screen and the AAR cover."""

    id: Id = Field(description="Scenario id; also how `exercise run ID` finds a bundled scenario.")
    title: str = Field(min_length=1, max_length=200, description="Exercise name.")
    version: str = Field("1", description="Scenario version; bump it when you change play.")
    summary: Text = Field(description="One-paragraph scenario summary (Markdown).")
    setting: Setting = Field(description="Country, polling day and background.")
    start: dt.datetime = Field(description="Exercise date and time at T0, ISO 8601 with offset, e.g. 2027-05-14T08:00:00+02:00.")
    duration: Duration = Field(description="Simulated time span of the exercise, e.g. '3d'.")
    play_time: Duration = Field("3h", description="Planned length of the live session, e.g. '3h'.")
    language: str = Field("en", pattern=r"^[a-z]{2}(-[A-Z]{2})?$", description="Language of the text, e.g. 'en'.")
    authors: list[str] = Field(default_factory=list, description="Who wrote the scenario.")
    sponsor: str = Field("", description="Sponsoring organisation, for the AAR.")
    scope: Text = Field("", description="Scope of play (which bodies, which level, what is out of play).")
    tags: list[str] = Field(default_factory=list, description="Free tags for search.")
    timezone: str | None = Field(
        None, description="The country's time zone, an IANA name (e.g. 'Europe/Chisinau'): every clock, guide and "
                          "report follows its daylight-saving changes. Without it, times keep the offset of 'start'.")
    anachronisms: str = Field(
        "", description="Why measures not yet in force at 'start' are offered anyway (e.g. 'design choice: the "
                        "2026 Democracy Shield tools in a 2024 setting'). Without it, such a measure is refused "
                        "in play and the linter warns.")

    @field_validator("start")
    @classmethod
    def _aware(cls, value: dt.datetime) -> dt.datetime:
        if value.tzinfo is None:
            raise ValueError("give a UTC offset, e.g. 2027-05-14T08:00:00+02:00")
        return value

    @field_validator("timezone")
    @classmethod
    def _zone(cls, value: str | None) -> str | None:
        if value is not None:
            try:
                ZoneInfo(value)
            except (ZoneInfoNotFoundError, ValueError):
                raise ValueError(f"{value!r} is not an IANA time zone; write e.g. 'Europe/Chisinau'") from None
        return value

    @model_validator(mode="after")
    def _start_in_zone(self) -> Metadata:
        if self.timezone is not None:
            local = self.start.astimezone(ZoneInfo(self.timezone))
            if local.utcoffset() != self.start.utcoffset():
                raise ValueError(f"start {self.start.isoformat()} is {local.isoformat()} in {self.timezone}: give "
                                 "the offset the zone has on that day")
        return self

    def at(self, minutes: float) -> dt.datetime:
        """The in-world date and time T+minutes, in the scenario's zone: elapsed time, so a daylight-saving
        change moves the clock on the wall, not the exercise."""
        when = self.start.astimezone(dt.timezone.utc) + dt.timedelta(minutes=minutes)
        return when.astimezone(ZoneInfo(self.timezone) if self.timezone else self.start.tzinfo)

    @field_validator("duration")
    @classmethod
    def _positive(cls, value: float) -> float:
        if value <= 0:
            raise ValueError("duration must be longer than 0")
        return value


# --- objectives ----------------------------------------------------------------------


class IndicatorMeasure(Strict):
    """Met when an indicator stays inside a range over a window."""

    kind: Literal["indicator"] = Field(description="Judged from an indicator.")
    indicator: Id = Field(description="Indicator id.")
    above: float | None = Field(None, description="Must stay at or above this.")
    below: float | None = Field(None, description="Must stay at or below this.")
    from_: Duration = Field("0m", alias="from", description="Start of the window (T+).")
    to: Duration | None = Field(None, description="End of the window (T+); empty means the end of the exercise.")
    mode: Literal["throughout", "at_end"] = Field(
        "throughout", description="throughout: at every moment of the window; at_end: at the window's end.")
    longest: Duration | None = Field(
        None, description="With 'throughout': met if it never stays outside the range longer than this at a "
                          "stretch, e.g. 1h for 'restored within an hour of each outage', 6h for 'never below "
                          "0.8 for more than 6 h'. Empty: it may never leave the range.")

    @model_validator(mode="after")
    def _bounds(self) -> IndicatorMeasure:
        if self.above is None and self.below is None:
            raise ValueError("give 'above', 'below' or both")
        if self.longest is not None and self.mode != "throughout":
            raise ValueError("'longest' goes with mode 'throughout' (how long it may stay outside, at a stretch)")
        if self.to is not None and self.to <= self.from_:
            raise ValueError("'to' must be later than 'from'")
        return self


class ResponseMeasure(Strict):
    """Met when a response is taken by a deadline."""

    kind: Literal["response"] = Field(description="Judged from a response being taken in time.")
    response: Id = Field(description="Response measure id.")
    team: Id | None = Field(None, description="Only count this team.")
    by: Duration | None = Field(None, description="Deadline as exercise time (T+).")
    within: Duration | None = Field(None, description="Deadline counted from when 'after' is first detected.")
    after: StageRef | None = Field(None, description="Stage whose detection starts the 'within' clock.")

    @model_validator(mode="after")
    def _deadline(self) -> ResponseMeasure:
        if (self.by is None) == (self.within is None):
            raise ValueError("give exactly one deadline: 'by' (T+) or 'within' with 'after'")
        if (self.within is None) != (self.after is None):
            raise ValueError("'within' and 'after' go together")
        return self


class ConditionMeasure(Strict):
    """Met when a condition holds at a given time."""

    kind: Literal["condition"] = Field(description="Judged from a condition.")
    condition: Condition = Field(description="Must hold at 'at'.")
    at: Duration | None = Field(None, description="When to judge it (T+); empty means the end of the exercise.")


class RatingMeasure(Strict):
    """Judged by the facilitator in the hot wash."""

    kind: Literal["rating"] = Field(description="Rated P/S/M/U by the facilitator in the hot wash.")
    guidance: Text = Field("", description="What the evaluator looks for.")


Measure = Annotated[
    Union[
        Annotated[IndicatorMeasure, Tag("indicator")],
        Annotated[ResponseMeasure, Tag("response")],
        Annotated[ConditionMeasure, Tag("condition")],
        Annotated[RatingMeasure, Tag("rating")],
    ],
    Field(discriminator="kind"),
]


class CriticalTask(Strict):
    """A critical task of the objective's Exercise Evaluation Guide: what a team should do and by when, as an
    evaluator watches for it."""

    id: Id = Field(description="Task id, unique within its objective, e.g. 'T1'.")
    task: Text = Field(min_length=1, description="What the team does, e.g. 'Issue a public debunk of the audio'.")
    teams: list[Id] = Field(min_length=1, description="The teams the evaluators observe doing it.")
    after: Id | None = Field(None, description="The inject it answers: due 'within' after that inject reaches the "
                                               "team; empty: 'within' after T+0.")
    within: Duration = Field(description="Expected within this long, e.g. '6h'.")
    response: Id | None = Field(None, description="A measure whose taking the simulator counts as this task done "
                                                  "(shown beside the evaluator's observation); empty: only the "
                                                  "evaluator judges it.")


class Objective(Strict):
    """An HSEEP exercise objective and how it is judged."""

    id: Id = Field(description="Objective id, e.g. 'OBJ-1'.")
    text: Text = Field(min_length=1, description="The objective, SMART-style.")
    capability: str = Field(min_length=1, description="HSEEP core capability, e.g. 'Operational Coordination'.")
    measure: Measure = Field(description="How success is judged.")
    target: Text = Field("", description="The capability target of the Exercise Evaluation Guide: the performance "
                                         "its critical tasks serve, e.g. 'Within 12 h, the public hears a "
                                         "coordinated government line on the audio'.")
    tasks: list[CriticalTask] = Field(default_factory=list, description="The critical tasks evaluators observe "
                                                                        "for this objective.")


class SimulatedBody(Strict):
    """A body not at the table that the white cell plays: a platform, a neighbour state, the press, an operator."""

    id: Id = Field(description="Body id, e.g. 'murmur'.")
    name: str = Field(min_length=1, description="As the teams see it, e.g. 'Murmur trust and safety team'.")
    channel: Channel = Field("email", description="How its answers arrive, e.g. 'email' or 'phone'.")


class Evaluator(Strict):
    """An evaluator's seat: the teams they sit with and observe (each gets a join token of their own)."""

    id: Id = Field(description="Seat id, e.g. 'eval-1'.")
    teams: list[Id] = Field(min_length=1, description="The teams this evaluator observes.")
    name: str = Field("", description="Who is to sit there, if known (the person names themselves on joining).")


# --- teams, indicators, adversaries ------------------------------------------------------


class Team(Strict):
    """A team of players, playing a real body."""

    id: Id = Field(description="Team id.")
    name: str = Field(min_length=1, description="Team name as shown on screen.")
    body: str = Field(min_length=1, description="The real body played, e.g. 'national CSIRT', 'EEAS StratCom', "
                                                "'Council Presidency'.")
    level: Literal["national", "eu", "international", "private", "civil_society"] = Field(
        "national", description="Level of the body: a national team acts for its state (the setting's country, or "
                                "its 'polity'); 'eu' for an EU institution, body or agency.")
    polity: Id | None = Field(
        None, description="For a national team of another state in play: its 'polities' id. Empty: the setting's "
                          "country.")
    responses: list[Id] = Field(default_factory=list, description="Response measures this team may take.")
    briefing: Text = Field("", description="Team briefing (Markdown).")
    lead_confirms: bool = Field(False, description="The team's lead confirms its measures and answers: members "
                                                   "propose, the lead (with a token of their own) confirms or "
                                                   "declines.")


class Bands(Strict):
    """Thresholds for green/amber/red; direction set by 'higher_is_better'."""

    green: float = Field(description="At or beyond this the indicator is green.")
    amber: float = Field(description="At or beyond this (but short of green) it is amber; otherwise red.")


class LinearDynamics(Strict):
    """The default model: steps and rates from effects, and recovery towards the baseline with the
    indicator's half-life (dv/dt = R + k (baseline - v)), solved in closed form."""

    model: Literal["linear"] = Field("linear", description="Steps, rates and recovery to the baseline (the default).")


PerHour = Annotated[float, Field(ge=0.0, le=60.0)]
Share = Annotated[float, Field(ge=0.0, le=1.0)]


class SeizDynamics(Strict):
    """A narrative spreading in an exposable audience: the SEIZ model of rumour spread (Jin et al.,
    'Epidemiological modeling of news and rumors on Twitter', SNA-KDD 2013) with forgetting. The
    indicator is the share of the audience spreading the narrative now (SEIZ's I); the rest are
    susceptible (S), exposed (E) or skeptic (Z). The defaults are a design fit to published engagement
    targets (sharing peaks near 20 h, 90 % of shares within about 27 h), not values from the paper."""

    model: Literal["seiz"] = Field(description="SEIZ narrative spread: the indicator is the share spreading it.")
    contact: PerHour = Field(1.0, description="beta: spreaders' contacts with the susceptible, per hour (design fit).")
    adopt_at_once: Share = Field(0.3, description="p: share of those contacts that spread at once; the rest are "
                                                  "exposed (design fit).")
    skeptic_contact: PerHour = Field(0.6, description="b: skeptics' contacts with the susceptible, per hour "
                                                      "(design fit).")
    made_skeptic: Share = Field(0.7, description="l: share of skeptic contacts that make a skeptic; the rest are "
                                                 "exposed (design fit).")
    exposed_contact: PerHour = Field(0.6, description="rho: exposed who start spreading on meeting a spreader, "
                                                      "per hour (design fit).")
    self_adoption: PerHour = Field(0.1, description="epsilon: exposed who start spreading by themselves, per hour "
                                                    "(design fit).")
    forgetting: PerHour = Field(0.2, description="delta: spreaders who stop and turn skeptic, per hour; without it "
                                                 "the whole audience ends up spreading (design fit).")


Dynamics = Annotated[Union[LinearDynamics, SeizDynamics], Field(discriminator="model")]


class Observation(Strict):
    """How a team learns an indicator: late (a report's delay) and, for a poll or a periodic report, at
    intervals. The team sees the value as it was then, never the truth as it is now."""

    lag: Duration = Field("0m", description="How long the value takes to reach the team, e.g. '6h' for a poll "
                                           "published six hours after fieldwork; 0 for a live sensor.")
    every: Duration | None = Field(None, gt=0, description="A new figure only this often, e.g. '12h' for a "
                                                           "twice-daily poll; empty: continuously.")

    def seen(self, now: float) -> float:
        """The exercise time whose value a team reads at ``now``."""
        at = max(0.0, now - self.lag)
        return at if self.every is None else self.every * (at // self.every)


class Indicator(Strict):
    """A variable of the world state."""

    id: Id = Field(description="Indicator id, e.g. 'public_trust'.")
    name: str = Field(min_length=1, description="Name shown on screen.")
    unit: str = Field("", description="Unit, e.g. 'share', '%', 'index'.")
    domain: Literal["fimi", "cyber", "infrastructure", "society", "diplomacy"] = Field(
        description="Domain the indicator belongs to.")
    initial: float = Field(description="Value at T0.")
    min: float = Field(0.0, description="Lowest possible value.")
    max: float = Field(1.0, description="Highest possible value.")
    baseline: float | None = Field(None, description="Level it recovers toward; defaults to 'initial'.")
    recovery_half_life: Duration | None = Field(
        None, description="Time to close half the gap to the baseline; empty means no recovery.")
    higher_is_better: bool = Field(True, description="False for indicators like narrative salience.")
    bands: Bands | None = Field(None, description="Green/amber/red thresholds.")
    provenance: Provenance = Field(
        description="Where the initial value, baseline and recovery come from: 'design' or a citation.")
    visible_to: list[Id] | None = Field(
        None, description="Teams that see this indicator (e.g. only the CSIRT sees election IT availability); "
                          "empty means every team. The facilitator always sees it.")
    observed_by: dict[Id, Observation] | None = Field(
        None, description="Who learns it, and how late: team ids (or 'all') with a lag and a reporting interval, "
                          "e.g. {comms: {lag: 2h}, all: {lag: 12h, every: 12h}}. Teams not named do not see it. "
                          "Empty: 'visible_to' decides, and those teams see it live.")
    dynamics: Dynamics = Field(default_factory=LinearDynamics,
                               description="How it moves between events: 'linear' (the default: steps, rates, "
                                           "recovery) or 'seiz' (a narrative spreading in an audience).")

    @model_validator(mode="before")
    @classmethod
    def _migrate(cls, data: object) -> object:
        return _renamed(data, "source", "provenance", "'design' or 'study: ...', 'data: ...' citing the source")

    @model_validator(mode="after")
    def _consistent(self) -> Indicator:
        if self.min >= self.max:
            raise ValueError("'min' must be lower than 'max'")
        if self.observed_by is not None and self.visible_to is not None:
            raise ValueError("give 'observed_by' (who learns it, and how late) or 'visible_to', not both")
        if self.dynamics.model == "seiz":
            if (self.min, self.max) != (0.0, 1.0):
                raise ValueError("a 'seiz' indicator is a share of its audience: 'min' 0 and 'max' 1")
            if self.baseline is not None or self.recovery_half_life is not None:
                raise ValueError("a 'seiz' indicator moves by its model: no 'baseline' or 'recovery_half_life'")
        for name in ("initial", "baseline"):
            value = getattr(self, name)
            if value is not None and not self.min <= value <= self.max:
                raise ValueError(f"'{name}' {value} is outside [{self.min}, {self.max}]")
        if self.bands is not None:
            b = self.bands
            if self.higher_is_better and b.green < b.amber:
                raise ValueError("bands: green must be at or above amber when higher is better")
            if not self.higher_is_better and b.green > b.amber:
                raise ValueError("bands: green must be at or below amber when lower is better")
        return self


class Adversary(Strict):
    """Who runs the campaigns."""

    id: Id = Field(description="Adversary id.")
    name: str = Field(min_length=1, description="Name (fictional).")
    kind: Literal["state", "proxy", "criminal", "hacktivist"] = Field(description="Kind of actor.")
    description: Text = Field("", description="Background for facilitators.")


# --- campaigns --------------------------------------------------------------------------


class StartAt(Strict):
    """Starts at a fixed exercise time."""

    at: Duration = Field(description="Start time (T+).")


class StartAfter(Strict):
    """Starts after another stage reaches a state, plus a delay."""

    after: str = Field(
        pattern=r"^[A-Za-z0-9][A-Za-z0-9_-]*(\.[A-Za-z0-9][A-Za-z0-9_-]*)?$",
        description="Previous stage: 'stage_id' in the same campaign or 'campaign_id.stage_id'.")
    on: Literal["started", "succeeded", "failed", "detected"] = Field(
        "succeeded", description="State of the previous stage that starts the clock.")
    delay: Delay = Field("0m", description="Delay after that.")


class StartWhen(Strict):
    """Starts when a condition first holds (escalation branches, cascades), plus a delay."""

    when: Condition = Field(description="Condition that starts the stage.")
    delay: Delay = Field("0m", description="Delay after the condition first holds.")
    recheck: bool = Field(
        False, description="Start only if the condition still holds when the delay has passed; if it does "
                           "not (the cause recovered), wait for it to hold again.")


_START_KIND: dict[type, str] = {StartAt: "at", StartAfter: "after", StartWhen: "when"}


def _start_kind(value: object) -> str | None:
    if isinstance(value, dict):
        for key in ("at", "after", "when"):
            if key in value:
                return key
        return None
    return _START_KIND.get(type(value))


Start = Annotated[
    Union[
        Annotated[StartAt, Tag("at")],
        Annotated[StartAfter, Tag("after")],
        Annotated[StartWhen, Tag("when")],
    ],
    Discriminator(
        _start_kind,
        custom_error_type="start",
        custom_error_message="a start is a mapping with 'at' (a time), 'after' (a stage) or 'when' (a condition)",
    ),
]


class Attempt(Strict):
    """How defenders notice a stage that failed: as an attempt, never as a success."""

    probability: Probability = Field(1.0, description="Chance a failed attempt is noticed at all.")
    delay: Delay | None = Field(None, description="Time from the attempt to its detection; empty means the detection's delay.")
    inject: Id | None = Field(None, description="Inject written for the failed attempt, delivered when it is noticed.")


class Detection(Strict):
    """Whether and when defenders notice a stage.

    What players are told follows what happened: 'inject' is written for the
    stage's success and is delivered only when it succeeded. A failed stage is
    noticed only if 'attempt' says how, with an inject written for that case.
    """

    probability: Probability = Field(1.0, description="Chance a successful stage is detected at all.")
    delay: Delay = Field(description="Time from the stage happening to its detection.")
    by: Id | None = Field(None, description="Team that learns of it first.")
    source: str = Field("", description="Who sees it, e.g. 'CSIRT sensor network', 'fact-checkers'.")
    inject: Id | None = Field(None, description="Inject delivered when the stage succeeded and is detected.")
    attempt: Attempt | None = Field(
        None, description="How a failed attempt is noticed, with its own inject; empty means a failure goes unseen.")
    establishes: list[Id] = Field(
        default_factory=list, description="Findings the detection establishes, e.g. 'perpetrators_identified' "
                                          "when the vessel is named.")
    provenance: Provenance = Field(
        description="Where the detection odds and delays come from: 'design' or a citation (e.g. 'data: "
                    "M-Trends 2024 median dwell time').")


class StageEffect(Effect):
    """An indicator change a stage causes, with where its size comes from."""

    provenance: Provenance = Field(description="Where the size of the change comes from: 'design' or a citation.")


class Stage(Strict):
    """One step of a campaign."""

    id: Id = Field(description="Stage id, unique within its campaign.")
    name: str = Field(min_length=1, description="What happens, in a few words.")
    description: Text = Field("", description="Ground truth for the debrief (Markdown).")
    start: Start = Field(description="When the stage starts.")
    success: Probability = Field(1.0, description="Chance the stage succeeds once started.")
    effects: list[StageEffect] = Field(default_factory=list, description="Indicator changes if it succeeds.")
    detection: Detection | None = Field(None, description="How defenders learn of it; empty means never.")
    tags: list[Id] = Field(default_factory=list, description="Tags responses can counter, e.g. 'deepfake', 'ddos'.")
    techniques: list[Technique] = Field(default_factory=list, description="DISARM / ATT&CK ids of this stage.")
    counter_floor: Probability = Field(
        0.0, description="However many measures counter this stage, each combined multiplier (success, "
                         "effect, detection delay, outage) stays at or above this; e.g. 0.5 for a stage "
                         "generic measures can at most halve. 0 (the default) lets a measure stop it.")
    provenance: Provenance = Field(
        description="Where the stage's timing and success chance come from: 'design' or a citation.")


class Campaign(Strict):
    """A threat line run by one adversary in one domain."""

    id: Id = Field(description="Campaign id.")
    name: str = Field(min_length=1, description="Campaign name.")
    adversary: Id | None = Field(
        None, description="Adversary id; empty for a systemic process no one runs (a cascade from grid to "
                          "telecoms to hospitals).")
    domain: Domain = Field(description="fimi, cyber, infrastructure, economic or subversion.")
    description: Text = Field("", description="Ground truth for the debrief (Markdown).")
    techniques: list[Technique] = Field(default_factory=list, description="DISARM / ATT&CK ids.")
    sectors: list[Sector] = Field(default_factory=list, description="CER sectors hit.")
    tags: list[Id] = Field(
        default_factory=list,
        description="What measures can act on, from the catalogue's tag vocabulary (e.g. deepfake, ransomware, "
                    "grid); every stage also carries them and its adversary's kind (state, proxy, criminal, "
                    "hacktivist).")
    stages: list[Stage] = Field(min_length=1, description="Stages in play order.")


# --- injects -----------------------------------------------------------------------------


class ExpectedAction(Strict):
    """A response players are expected to take after an inject."""

    response: Id = Field(description="Expected response measure.")
    team: Id | None = Field(None, description="Team expected to take it.")
    within: Duration = Field(description="Deadline after the inject is delivered.")
    contingency: Id | None = Field(None, description="Inject delivered if it is not taken in time.")


class DecisionOption(Strict):
    """One choice at a decision point."""

    id: Id = Field(description="Option id.")
    label: str = Field(min_length=1, description="Option as players read it.")
    responses: list[Id] = Field(default_factory=list, description="Responses taken when chosen.")
    establishes: list[Id] = Field(
        default_factory=list, description="Findings established when chosen, e.g. 'armed_aggression' when the "
                                          "government qualifies the attack as such.")
    about: Id | None = Field(
        None, description="The campaign a per-campaign finding it establishes is about (e.g. 'grid' for a "
                          "declassified evidence package on the grid intrusion); empty: every campaign.")
    consequence: Text = Field("", description="What follows, for the facilitator.")


WaitingRule = Literal["pause", "hold", "timed"]


class DecisionPoint(Strict):
    """A moment where a team must choose."""

    prompt: Text = Field(min_length=1, description="The question put to the team.")
    team: Id = Field(description="Team that decides.")
    options: list[DecisionOption] = Field(min_length=2, description="The choices.")
    deadline: Duration = Field(description="Time allowed before the default applies.")
    default: Id | None = Field(None, description="Option taken if the deadline passes.")
    waiting: WaitingRule = Field(
        "pause", description="While it waits: 'pause' stops the clock for everyone until the team answers (the "
                             "default); 'hold' lets the clock run and puts the question on the team's screen at "
                             "once, with its deadline; 'timed' lets the clock run and the default apply at the "
                             "deadline. The facilitator may set one rule for every decision (--decisions).")

    @model_validator(mode="after")
    def _options(self) -> DecisionPoint:
        ids = [o.id for o in self.options]
        if len(set(ids)) != len(ids):
            raise ValueError("option ids must be unique")
        if self.default is not None and self.default not in ids:
            raise ValueError(f"default {self.default!r} is not one of the options {ids}")
        return self


Channel = Literal[
    "email", "phone", "briefing", "news", "social", "ras", "portal", "sms", "meeting", "report", "tv", "radio",
    "official", "chat",
]
Severity = Literal["info", "low", "medium", "high", "critical"]


class Inject(Strict):
    """A row of the MSEL: something delivered to players."""

    id: Id = Field(description="Inject id, e.g. 'INJ-07'.")
    title: str = Field(min_length=1, max_length=200, description="Headline.")
    body: Text = Field("", description="What the players read (Markdown).")
    at: Duration | None = Field(None, description="Delivery time (T+). Give 'at' or 'when', or neither for an inject "
                                                  "only fired by a detection or a contingency.")
    when: Condition | None = Field(None, description="Deliver when this condition first holds.")
    to: list[Id] = Field(min_length=1, description="Team ids, or 'all'.")
    from_: str = Field(alias="from", min_length=1, description="Who sends it, e.g. 'RAS alert', 'CSIRT report', 'news'.")
    channel: Channel | ChannelForm = Field(
        description="How it arrives: a word (email, phone, news, social, ...), or the form players meet it in, "
                    "with its fields: {kind: social, platform, author, handle, text, ...}, {kind: news, outlet, "
                    "headline, ...}, {kind: email, sender, recipients, subject, ...}, {kind: phone|sms, caller, "
                    "transcript}, {kind: tv|radio, outlet, ticker, transcript}, {kind: official, form, fields}, "
                    "{kind: chat, room, messages}.")
    severity: Severity = Field("medium", description="How urgent it is.")
    module: str = Field("", description="Exercise module or phase it belongs to.")
    objectives: list[Id] = Field(default_factory=list, description="Objectives it exercises.")
    expects: list[ExpectedAction] = Field(default_factory=list, description="Expected player actions.")
    facilitator_notes: Text = Field("", description="For the facilitator only.")
    questions: list[str] = Field(default_factory=list, description="Discussion questions.")
    decision: DecisionPoint | None = Field(None, description="Decision the inject forces.")

    @model_validator(mode="after")
    def _timing(self) -> Inject:
        if self.at is not None and self.when is not None:
            raise ValueError("give 'at' or 'when', not both")
        return self

    @property
    def medium(self) -> str:
        """The channel as a word, whether the inject gives a word or a form."""
        return self.channel if isinstance(self.channel, str) else self.channel.kind

    @property
    def form(self) -> ChannelForm | None:
        return None if isinstance(self.channel, str) else self.channel


# --- responses and the whole scenario ------------------------------------------------------


class ResponseSettings(Strict):
    """How this scenario uses the response catalogue."""

    adjust: dict[Id, ResponseAdjustment] = Field(
        default_factory=dict, description="Catalogue measures re-parameterised for this scenario, by id.")
    custom: list[Response] = Field(default_factory=list, description="Measures only this scenario has.")
    in_force_at_start: list[InForceAtStart] = Field(
        default_factory=list, description="Measures already in force when the exercise begins: an EU mission "
                                          "deployed, a person already listed, a hardening programme done.")


class InForceAtStart(Strict):
    """A measure a team took before T+0 that is in force when the exercise begins."""

    team: Id = Field(description="The team that took it.")
    response: Id = Field(description="The measure.")
    note: str = Field("", description="Since when, and why, for the facilitator (e.g. 'deployed in May 2023').")


class Uncertain(Strict):
    """How far one of the scenario's numbers may be off, for `exercise sensitivity`."""

    of: Literal["lead_time", "approval", "detection", "success"] = Field(
        description="Which number: a measure's lead time or approval odds, a stage's detection delay or success odds.")
    target: str = Field(min_length=1, description="The measure's id (lead_time, approval) or the stage, "
                                                  "'campaign.stage' (detection, success).")
    low: float = Field(ge=0.0, description="Lowest value: a factor on the lead time or delay (0.5 = half), "
                                           "or the lowest probability.")
    high: float = Field(ge=0.0, description="Highest value, in the same terms.")
    provenance: Provenance = Field(description="Where the range comes from: 'design' or a citation.")

    @model_validator(mode="after")
    def _range(self) -> Uncertain:
        if self.high < self.low:
            raise ValueError(f"high ({self.high:g}) is below low ({self.low:g})")
        if self.of in ("approval", "success") and self.high > 1.0:
            raise ValueError(f"a probability is at most 1, not {self.high:g}")
        return self


# The scenario format. 1: before December 2026 (bare technique ids, 'source' on indicators, no provenance on
# stages, detections and effects); 2: now. `exercise migrate` brings a file of an earlier format to this one.
FORMAT = 2


class Scenario(Strict):
    """A hybrid-threat tabletop exercise."""

    format: int = Field(FORMAT, description="The scenario format this file is written in (2). An older one: run "
                                            "`exercise migrate FILE -o NEW.yaml`.")
    metadata: Metadata = Field(description="What the exercise is.")
    objectives: list[Objective] = Field(min_length=1, description="HSEEP objectives.")
    teams: list[Team] = Field(min_length=1, description="Teams of players.")
    polities: list[Polity] = Field(
        default_factory=list, description="Other states in play whose national teams act under their own status "
                                          "(e.g. Romania beside a Moldovan scenario).")
    findings: list[Finding] = Field(
        default_factory=list,
        description="Legal and political findings measures need, added to the catalogue's (national_attribution, "
                    "perpetrators_identified, armed_aggression, capacity_overwhelmed, board_recommendation, ...); "
                    "one with a catalogue id replaces its wording, e.g. to add a 'when' condition.")
    indicators: list[Indicator] = Field(default_factory=list, description="World-state variables.")
    adversaries: list[Adversary] = Field(min_length=1, description="Threat actors.")
    campaigns: list[Campaign] = Field(min_length=1, description="Threat lines.")
    injects: list[Inject] = Field(default_factory=list, description="The MSEL.")
    simulated_bodies: list[SimulatedBody] = Field(
        default_factory=list, description="Bodies not at the table that the white cell answers as (the platform, "
                                          "the neighbour state, the press, the grid operator).")
    evaluators: list[Evaluator] = Field(
        default_factory=list, description="Evaluator seats, each assigned to teams; they mark the critical tasks "
                                          "of those teams and rate the objectives.")
    feeds: list[BackgroundFeed] = Field(
        default_factory=list, description="Background posts on a platform whose volume follows an indicator, so a "
                                          "narrative's rise shows as a crowd of posts, not only as a number.")
    responses: ResponseSettings = Field(default_factory=ResponseSettings,
                                        description="Catalogue adjustments and custom measures.")
    uncertainty: list[Uncertain] = Field(
        default_factory=list, description="Ranges for `exercise sensitivity`, where the author knows better than its "
                                          "default of +-50% (lead times, delays) and +-0.25 (probabilities).")

    def standing(self, team: Team) -> tuple[frozenset[str], str]:
        """What a team is under the law (its parties, for a measure's 'applies_to') and how to name it:
        a national team its state's status and NATO membership; any other its level."""
        if team.level != "national":
            return parties(team.level, None, False), team.name
        polity = next((p for p in self.polities if p.id == team.polity), None)
        if polity is not None:
            return parties("national", polity.status, polity.nato_ally), polity.name
        setting = self.metadata.setting
        return parties("national", setting.status, setting.nato_ally), setting.country

    @field_validator("format")
    @classmethod
    def _current(cls, value: int) -> int:
        if value < FORMAT:
            raise ValueError(f"format {value}; run `exercise migrate FILE -o NEW.yaml` to bring it to format {FORMAT}")
        if value > FORMAT:
            raise ValueError(f"format {value} is newer than this exercise reads ({FORMAT}): update exercise")
        return value
