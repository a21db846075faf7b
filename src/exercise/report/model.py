"""The After-Action Report as a typed model: what every exporter renders, and what its JSON holds.

Field names are the JSON's (format 1). The sections follow HSEEP's AAR/IP; the
simulator's own sections (timeline, ground truth, indicator series, toolbox
gaps) come after them.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

Clock = str  # "T+12:30", or "T+1d 02:00"


class _Part(BaseModel):
    model_config = ConfigDict(extra="forbid")


class ExerciseDates(_Part):
    start: str = Field(description="ISO 8601, the scenario's T+0.")
    end: str = Field(description="ISO 8601, T+0 plus the scenario's duration.")
    start_text: str = Field(description="The same, for people: 'Thursday 13 May 2027, 08:00 (UTC+02:00)'.")
    end_text: str
    timezone: str | None = Field(None, description="The scenario's IANA time zone, if it names one: times follow "
                                                   "its daylight-saving changes.")


class Handling(_Part):
    tlp: Literal["CLEAR", "GREEN", "AMBER", "AMBER+STRICT", "RED"] = Field(description="TLP 2.0 level of the report.")
    marking: str = Field(description="What every page carries: 'TLP:AMBER - EXERCISE - NOT REAL'.")
    meaning: str = Field(description="Who may receive it, in TLP 2.0's words.")
    colour: str = Field(description="The TLP label's colour as FIRST's TLP 2.0 standard gives it (on black), "
                                    "e.g. '#FFC000' for AMBER.")


class ExecutiveSummary(_Part):
    exercised: str = Field(description="What was exercised, in a sentence.")
    findings: list[str] = Field(description="Up to five key findings, the objectives not achieved first.")
    top_actions: list[str] = Field(description="Up to five corrective actions, specific ones first.")


class Setting(_Part):
    country: str | None
    election_date: str | None
    polling: str = Field("", description="The polling days in words, with what is voted on each.")


class Threat(_Part):
    adversary: str
    kind: str
    campaigns: list[str]


class ObjectiveRef(_Part):
    id: str
    text: str
    capability: str


class Overview(_Part):
    name: str
    scenario_id: str
    scenario_version: str
    exercise_dates: ExerciseDates
    played_on: str | None = Field(description="When the journal was created (wall clock).")
    session_id: str = Field(description="Unique to the session: the journal's own id, or a digest of its header "
                                        "for journals written before it had one.")
    played_on_text: str | None = Field(description="The same, for people, in the scenario's time zone.")
    contact: str | None = Field(description="The report's point of contact (report --contact).")
    place: str | None = Field(None, description="Where the exercise was conducted (report --place).")
    engine_model: int | None = Field(description="The engine model the journal was played with (technical annex).")
    journal_tool: str | None = Field(description="The tool version that wrote the journal (technical annex).")
    scope: str | None
    sponsor: str | None
    summary: str | None
    setting: Setting
    threat: list[Threat]
    objectives: list[ObjectiveRef]
    seed: int
    playbook: str | None
    played_until: Clock
    finished: bool


class Strength(_Part):
    text: str
    reference: str = Field(description="The inject (or event) and the time it refers to.")


class Area(_Part):
    """An area for improvement: an expected measure missed, one refused, or an objective not met although
    everything expected was done (its outcome)."""

    text: str
    reference: str
    response: str | None = Field(description="The measure it is about; none for an outcome no measure served.")
    team: str | None
    kind: Literal["missed", "refused", "outcome"]
    cause: Literal["never", "late", "precondition", "procedure", "not_permitted", "outcome"] = Field(
        description="never or late (missed); what refused it (refused); outcome: not met all the same.")


class Verdict(_Part):
    met: bool | None = Field(description="The simulator's judgement; None: not judged by it (the facilitator rates it).")
    detail: str


class ObservedTask(_Part):
    """A critical task of the objective's evaluation guide, as the evaluator marked it and the simulator saw it."""

    task: str = Field(description="The task's id within the objective.")
    text: str = Field(description="What the team was to do.")
    team: str = Field(description="The team observed.")
    due: str = Field(description="When it was due (in-world time), or why it never came due.")
    evaluator: str = Field(description="observed, not observed, or not marked; with the time it was seen done.")
    by: str = Field(description="Who marked it, as the journal names them.")
    note: str = Field(description="What the evaluator saw.")
    simulator: str = Field(description="What the simulator saw of the task's measure, if the task names one.")
    disagree: bool = Field(description="The evaluator and the simulator disagree on whether it was done.")


class EvaluatorRating(_Part):
    by: str = Field(description="The evaluator or facilitator, as the journal names them.")
    rating: Literal["P", "S", "M", "U"]
    comment: str


class StatementScore(_Part):
    statement: str = Field(description="The statement rated, as the form put it.")
    answers: int = Field(description="How many participants rated it.")
    mean: float | None = Field(description="The mean score, 1 (strongly disagree) to 5 (strongly agree).")
    counts: list[int] = Field(description="How many gave 1, 2, 3, 4 and 5.")


class FeedbackQuote(_Part):
    by: str = Field(description="Who wrote it, as the journal names them.")
    text: str


class FeedbackSummary(_Part):
    """The participants' feedback forms (HSEEP's Participant Feedback Form), summarised: one form per person,
    their last."""

    forms: int = Field(description="How many people sent a form.")
    statements: list[StatementScore]
    strengths: list[FeedbackQuote]
    improvements: list[FeedbackQuote]
    unrecorded: list[FeedbackQuote] = Field(description="What they saw that the evaluators might not have recorded.")
    change: list[FeedbackQuote] = Field(description="What they would change in the exercise.")

    @property
    def written(self) -> list[tuple[str, list[FeedbackQuote]]]:
        """The free-text answers under their headings, the empty ones left out."""
        parts = (("Strengths", self.strengths), ("Areas for improvement", self.improvements),
                 ("What the evaluators may not have recorded", self.unrecorded),
                 ("What to change in the exercise", self.change))
        return [(title, quotes) for title, quotes in parts if quotes]


class Objective(_Part):
    id: str
    text: str
    capability: str
    rating: Literal["P", "S", "M", "U"] | None
    rating_meaning: str | None
    rating_source: Literal["facilitator", "evaluator", "derived"] | None = Field(
        description="Who rated it: the facilitator's or an evaluator's rating wins over one derived from the simulator.")
    comment: str
    rated_by: str = Field("", description="Who rated it and wrote the comment, as the journal names them: "
                                          "'facilitator', 'evaluator (Olga)'; empty when nobody did.")
    simulator: Verdict
    strengths: list[Strength]
    areas_for_improvement: list[Area]
    target: str = Field("", description="The capability target of the evaluation guide.")
    tasks: list[ObservedTask] = Field(default_factory=list, description="Its critical tasks, as observed.")
    ratings: list[EvaluatorRating] = Field(default_factory=list, description="Every rating given, by each person "
                                                                             "(the last one is the objective's).")
    disagreements: list[str] = Field(default_factory=list, description="Where the evaluators and the simulator "
                                                                       "disagree, in sentences.")


class PlanRow(_Part):
    capability: str
    objective: str = Field(description="The objective, or several ('OBJ-1, OBJ-3') when one cause hit them all.")
    issue: str
    corrective_action: str
    capability_element: str
    organisation: str
    cause: str = Field(description="never, late, precondition, procedure, not_permitted, outcome")
    generic: bool = Field(description="True when nothing specific was known and the action is general advice.")
    contact: str | None = Field(None, description="Point of contact: who played the responsible team, by name, "
                                                  "until the hot wash names another; empty: to assign.")
    start: str | None
    completion: str | None


class Participant(_Part):
    id: str
    name: str
    body: str
    level: str
    played_by: str = Field("", description="'players', 'the facilitator', 'the playbook', or empty: the seat was "
                                           "simulated, nobody played it.")
    people: list[str] = Field(description="Who played for the team, as they named themselves on joining.")

    @property
    def played_as(self) -> str:
        """Who played the seat, as every format says it."""
        if not self.played_by:
            return "simulated (nobody played it)"
        return f"players ({', '.join(self.people)})" if self.played_by == "players" and self.people else self.played_by


class TimelineRow(_Part):
    t: float
    clock: Clock
    when: str
    kind: str
    text: str
    ground_truth: bool


class DetectionToResponse(_Part):
    campaign: str
    name: str
    domain: str
    first_detected: float | None
    first_detected_clock: Clock | None
    first_response: str | None
    first_response_team: str | None
    time_to_respond: float | None
    time_to_respond_text: str | None


class GroundTruthRow(_Part):
    stage: str
    campaign: str
    domain: str
    started: float
    started_clock: Clock
    outcome: str | None
    countered_by: list[str]
    detected: float | None
    detected_clock: Clock | None
    latency: float | None
    latency_text: str | None
    name: str = Field(description="What the stage does, in a few words.")
    adversary: str | None = Field(description="The adversary id; none for a systemic cascade.")
    techniques: list[str] = Field(description="DISARM / ATT&CK ids ('disarm:T0087', 'attack:T1486', 'ics:T0864').")


class IndicatorSeries(_Part):
    id: str
    name: str
    unit: str
    domain: str
    min: float
    max: float
    higher_is_better: bool
    bands: dict[str, float] | None
    visible_to: list[str] | None
    final: float
    final_band: str | None
    lowest: float
    highest: float
    series: list[list[float]] = Field(description="[minutes, value] pairs from T+0 to where play stopped.")


class ExpectedRow(_Part):
    response: str
    team: str | None
    within: str | None
    status: Literal["met", "missed", "open"]
    latency: str | None


class ExpectedAfterInject(_Part):
    inject: str
    title: str
    delivered: Clock
    expects: list[ExpectedRow]


class DecisionRow(_Part):
    inject: str
    team: str
    prompt: str
    option: str
    option_label: str
    by: str = Field(description="'team', or 'default' when the deadline passed unanswered.")
    taken_by: str = Field(description="Who answered: 'election (Anna)', 'facilitator', or 'default'.")
    at: Clock
    rationale: str
    deliberation_minutes: float | None
    deliberation: str | None


class NoteRow(_Part):
    clock: Clock
    text: str
    by: str = Field(description="facilitator note, evaluator observation, or TEAM log")


class Adjustment(_Part):
    clock: Clock
    what: str
    reason: str


class MeasureUse(_Part):
    response: str
    name: str
    toolbox: str
    team: str
    taken_by: str = Field(description="Who gave it: 'csirt (Anna)', 'facilitator', 'playbook', 'decision'...")
    target: str | None
    at: Clock
    outcome: str
    reason: str | None
    lead_time: str | None
    needed_within: str | None
    too_slow: bool


class NeverUsed(_Part):
    response: str
    name: str
    toolbox: str


class CampaignCover(_Part):
    campaign: str
    name: str
    domain: str
    stages: int
    succeeded: int
    countered_in_time: bool
    countered_by: list[str]


class ToolboxGaps(_Part):
    measures: list[MeasureUse]
    expected_never_used: list[NeverUsed]
    campaigns: list[CampaignCover]


class EffectRow(_Part):
    objective: str
    session_rate: float | None = Field(description="Success rate under the session's own policy, on the seeds.")
    variant_rate: float | None
    change: float | None = Field(description="Paired mean difference, variant minus session (a rate).")
    low: float | None
    high: float | None
    q: float | None = Field(None, description="Exact McNemar p-value, Benjamini-Hochberg adjusted over the run.")
    mattered: bool = Field(False, description="A finding: q under 5% and a change of at least the minimum effect.")

    @property
    def interval(self) -> tuple[float, float, float] | None:
        """(change, low, high), or None when the objective was never judged."""
        if self.change is None or self.low is None or self.high is None:
            return None
        return self.change, self.low, self.high



class DecisionEffect(_Part):
    decision: str = Field(description="The decision as played: 'comms takes FIMI-01 4h after INJ-05'.")
    change: str = Field(description="The variant: 'taken at once', 'taken 6h later', 'not taken at all'...")
    sentences: list[str] = Field(description="Each objective it moved beyond its 95% interval, in words.")
    objectives: list[EffectRow]


class WhatIf(_Part):
    """From `exercise whatif JOURNAL --json`: the decisions whose change mattered, largest first."""

    seeds: str = Field(description="The seeds every variant ran on, paired with the session's policy.")
    later_hours: float
    variants_tried: int
    comparisons: int = Field(0, description="(Variant, objective) comparisons the false discovery rate was held over.")
    min_effect: float = Field(0.05, description="The smallest change called a decision that mattered.")
    mattered: list[DecisionEffect]

    @property
    def method(self) -> str:
        """How the section was worked out, in the sentence every format prints."""
        return (f"Each decision of the session changed alone, and run against the session's own policy on the same "
                f"seeds ({self.seeds}); {self.variants_tried} variants tried, {self.comparisons} comparisons held "
                "together to a 5% false discovery rate (exact McNemar tests, Benjamini-Hochberg); these moved an "
                f"objective by at least {self.min_effect * 100:.0f} points.")

    @property
    def none_mattered(self) -> str:
        return f"No single decision, changed alone, moved an objective by at least {self.min_effect * 100:.0f} points."


class RunRate(_Part):
    objective: str
    met: int = Field(description="Runs in which the simulator judged it met.")
    judged: int = Field(description="Runs in which the simulator judged it at all.")
    rate: float | None = Field(description="met / judged; none when never judged.")
    low: float | None = Field(description="95% Wilson interval, low end.")
    high: float | None


class Batch(_Part):
    name: str = Field(description="The playbook the runs followed ('no playbook' for nobody acting).")
    objectives: list[RunRate]
    final: dict[str, list[float]] = Field(description="Per indicator: p5, median and p95 of its final value.")
    lowest: dict[str, list[float]] = Field(description="Per indicator: p5, median and p95 of its lowest value.")


class PairedRow(_Part):
    objective: str
    mean: float | None = Field(description="Mean paired difference in success, second batch minus first.")
    low: float | None
    high: float | None
    pairs: int
    only_a: int = Field(description="Seeds on which only the first batch met it.")
    only_b: int = Field(description="Seeds on which only the second batch met it.")
    both: int = Field(0, description="Seeds on which both met it.")


class MonteCarlo(_Part):
    """From `exercise simulate --runs N --json` of the same scenario: how the policies fare over many seeds."""

    seeds: str = Field(description="The seeds every batch ran on, e.g. '1-500'.")
    runs: int
    interrupted: bool = Field(description="The sweep was stopped early: the figures are of the runs completed.")
    batches: list[Batch]
    paired: list[PairedRow] = Field(description="The second batch against the first, seed by seed (with --compare).")


class ComparedObjective(_Part):
    objective: str
    rating: str | None = Field(description="The people's rating in this session.")
    other_rating: str | None = Field(description="The people's rating in the second session.")
    met: str = Field(description="The simulator's verdict in this session, in words.")
    other_met: str = Field(description="The simulator's verdict in the second session, in words.")
    same: bool


class ComparedResponse(_Part):
    campaign: str
    time_to_respond: str | None
    other_time_to_respond: str | None
    same: bool


class Comparison(_Part):
    """This session beside a second one of the same scenario (report --compare)."""

    other: str = Field(description="Which session this one is compared with: when it was played, seed, playbook.")
    objectives: list[ComparedObjective]
    campaigns: list[ComparedResponse]


class Acronym(_Part):
    acronym: str
    meaning: str


# --- the cohort report (report --cohort): cells of one scenario side by side ------------------------


class CellOutcome(_Part):
    cell: str = Field(description="The cell: its journal's name.")
    seed: int
    played_by: str = Field(description="Who played its seats.")
    met: dict[str, bool | None] = Field(description="Each objective: met, missed, or not judged by the simulator.")


class ObjectiveAcross(_Part):
    id: str
    text: str
    met_in: list[str]
    missed_in: list[str]
    not_judged_in: list[str]


class Difference(_Part):
    """A decision taken more (or less) often in the cells that met an objective than in those that missed it."""

    objective: str
    decision: str = Field(description="The decision: 'comms took FIMI-01', 'election answered INJ-17: wait'.")
    in_met: list[str] = Field(description="The cells that met the objective and took it.")
    in_missed: list[str] = Field(description="The cells that missed the objective and took it.")
    met_cells: int
    missed_cells: int
    weight: float = Field(description="Share of met cells with it minus share of missed cells with it (-1 to 1).")
    sole: list[str] = Field(description="Pairs 'met cell / missed cell' that differ by this decision alone.")
    sentence: str


class KeyInject(_Part):
    inject: str
    title: str
    cells: list[str] = Field(description="Per cell, in the cells' order: when it came and what followed.")


class CohortIndicator(_Part):
    id: str
    name: str
    series: dict[str, list[list[float]]] = Field(description="Each cell's [minutes, value] pairs.")
    bands: dict[str, float] | None = None


class Cohort(_Part):
    scenario: str
    title: str
    handling: Handling = Field(description="The handling marking, the first cell's report's.")
    dates: ExerciseDates = Field(description="The exercise's dates and time zone, for the workbook's real times.")
    same_seed: bool
    method: str
    cells: list[CellOutcome]
    objectives: list[ObjectiveAcross]
    differences: list[Difference]
    key_injects: list[KeyInject]
    indicators: list[CohortIndicator]


class Report(_Part):
    format: int
    generated_by: str
    handling: Handling
    executive_summary: ExecutiveSummary
    overview: Overview
    objectives: list[Objective]
    improvement_plan: list[PlanRow]
    participants: list[Participant]
    timeline: list[TimelineRow]
    detection_to_response: list[DetectionToResponse]
    ground_truth: list[GroundTruthRow]
    indicators: list[IndicatorSeries]
    expected_vs_taken: list[ExpectedAfterInject]
    decisions: list[DecisionRow]
    notes: list[NoteRow]
    adjustments: list[Adjustment]
    toolbox_gaps: ToolboxGaps
    whatif: WhatIf | None = Field(None, description="Decisions that mattered (report --whatif), if given.")
    monte_carlo: MonteCarlo | None = Field(None, description="Monte Carlo over seeds (report --monte-carlo), if given.")
    comparison: Comparison | None = Field(None, description="A second session side by side (report --compare), if "
                                                            "given.")
    feedback: FeedbackSummary | None = Field(None, description="The participants' feedback, if any was given.")
    conclusion: str = Field("", description="HSEEP's conclusion: how the objectives went and what comes next.")
    acronyms: list[Acronym] = Field(default_factory=list, description="The acronyms the report uses, spelt out.")


    @property
    def organisations(self) -> str:
        """The participating organisations: the bodies whose seats were played; the rest said as simulated."""
        played = list(dict.fromkeys(p.body for p in self.participants if p.played_by))
        simulated = list(dict.fromkeys(p.body for p in self.participants if not p.played_by))
        return "; ".join(played) + (f" (simulated, not played: {'; '.join(simulated)})" if simulated else "")
