"""Structured trigger conditions: data, never code.

Each kind of condition is a mapping told apart by the key it carries
(``indicator``, ``stage``, ``response``, ``inject``, ``decision``,
``detected``, ``escalation``, ``finding``, ``after``/``before``, ``all``, ``any``, ``not``), so triggers
read like sentences in YAML and validate without ``eval``.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Annotated, Any, Literal, Union

from pydantic import Discriminator, Field, Tag, model_validator

from exercise.scenario.types import Domain, Duration, Id, StageRef, Strict, format_minutes


class IndicatorIs(Strict):
    """True while an indicator is above and/or below a threshold."""

    indicator: Id = Field(description="Indicator id.")
    above: float | None = Field(None, description="True while the value is strictly above this.")
    below: float | None = Field(None, description="True while the value is strictly below this.")
    for_: Duration | None = Field(
        None, alias="for", description="Only once it has been so without a break for this long, e.g. '4h'.")

    @model_validator(mode="after")
    def _threshold(self) -> IndicatorIs:
        if self.above is None and self.below is None:
            raise ValueError("give 'above', 'below' or both")
        if self.above is not None and self.below is not None and self.above >= self.below:
            raise ValueError("'above' must be lower than 'below', or the condition can never hold")
        return self


class StageIs(Strict):
    """True once a campaign stage has reached a state."""

    stage: StageRef = Field(description="The stage, as 'campaign_id.stage_id'.")
    is_: Literal["started", "succeeded", "failed", "detected"] = Field(
        "succeeded", alias="is", description="State the stage must have reached.")


class ResponseIs(Strict):
    """True once a response measure has reached a state."""

    response: Id = Field(description="Response measure id (catalogue or scenario).")
    is_: Literal["taken", "active", "refused", "ended"] = Field(
        "taken", alias="is",
        description="taken: chosen by a team; active: in effect now; refused: preconditions failed; ended: ran its course.")
    team: Id | None = Field(None, description="Only count this team's response.")


class InjectIs(Strict):
    """True once an inject has been delivered to the players."""

    inject: Id = Field(description="Inject id.")
    is_: Literal["delivered"] = Field("delivered", alias="is", description="Only 'delivered' for now.")


class DecisionIs(Strict):
    """True once a decision point was answered with a given option."""

    decision: Id = Field(description="Id of the inject that carries the decision point.")
    chose: Id = Field(description="Option id that was chosen.")


class DomainDetected(Strict):
    """True once any stage of any campaign in a domain has been detected."""

    detected: Domain = Field(description="Domain: fimi, cyber or infrastructure.")


class Escalated(Strict):
    """True once the adversary has escalated in answer to a response."""

    escalation: str = Field(
        pattern=r"^([A-Za-z0-9][A-Za-z0-9_-]*)$",
        description="Response id whose landing provoked the escalation, or 'any'.")


class FindingIs(Strict):
    """True once a finding (a national attribution decision, an armed aggression ...) is established."""

    finding: Id = Field(description="Finding id, from the catalogue or the scenario's 'findings'.")


class TimeWindow(Strict):
    """True inside a window of exercise time (T+)."""

    after: Duration | None = Field(None, description="True from this time after T0 on.")
    before: Duration | None = Field(None, description="True until this time after T0.")

    @model_validator(mode="after")
    def _window(self) -> TimeWindow:
        if self.after is None and self.before is None:
            raise ValueError("give 'after', 'before' or both")
        if self.after is not None and self.before is not None and self.after >= self.before:
            raise ValueError("'after' must be earlier than 'before', or the window is empty")
        return self


class All(Strict):
    """True when every listed condition is true."""

    all: list[Condition] = Field(min_length=1, description="Every one of these must hold.")


class Any_(Strict):
    """True when at least one listed condition is true."""

    any: list[Condition] = Field(min_length=1, description="At least one of these must hold.")


class Not(Strict):
    """True when the condition is false."""

    not_: Condition = Field(alias="not", description="This must not hold.")


_KEYS = ("all", "any", "not", "indicator", "stage", "response", "inject", "decision", "detected", "escalation",
         "finding")


_KIND_OF: dict[type, str] = {
    All: "all", Any_: "any", Not: "not", IndicatorIs: "indicator", StageIs: "stage",
    ResponseIs: "response", InjectIs: "inject", DecisionIs: "decision",
    DomainDetected: "detected", Escalated: "escalation", FindingIs: "finding", TimeWindow: "time",
}


def _which(value: Any) -> str | None:
    if isinstance(value, dict):
        for key in _KEYS:
            if key in value:
                return key
        if "after" in value or "before" in value:
            return "time"
        return None
    return _KIND_OF.get(type(value))


Condition = Annotated[
    Union[
        Annotated[All, Tag("all")],
        Annotated[Any_, Tag("any")],
        Annotated[Not, Tag("not")],
        Annotated[IndicatorIs, Tag("indicator")],
        Annotated[StageIs, Tag("stage")],
        Annotated[ResponseIs, Tag("response")],
        Annotated[InjectIs, Tag("inject")],
        Annotated[DecisionIs, Tag("decision")],
        Annotated[DomainDetected, Tag("detected")],
        Annotated[Escalated, Tag("escalation")],
        Annotated[FindingIs, Tag("finding")],
        Annotated[TimeWindow, Tag("time")],
    ],
    Discriminator(
        _which,
        custom_error_type="condition",
        custom_error_message=(
            "a condition is a mapping with one of: all, any, not, indicator, stage, "
            "response, inject, decision, detected, escalation, finding, after/before"
        ),
    ),
]

All.model_rebuild()
Any_.model_rebuild()
Not.model_rebuild()


def walk(condition: Condition, path: tuple = ()) -> Iterator[tuple[tuple, Condition]]:
    """Every condition in a tree with its path below ``path``, the root first."""
    stack = [(path, condition)]
    while stack:
        where, node = stack.pop()
        yield where, node
        if isinstance(node, All):
            stack.extend(reversed([(where + ("all", i), c) for i, c in enumerate(node.all)]))
        elif isinstance(node, Any_):
            stack.extend(reversed([(where + ("any", i), c) for i, c in enumerate(node.any)]))
        elif isinstance(node, Not):
            stack.append((where + ("not",), node.not_))


def describe(c: Condition) -> str:
    """A condition in words, for refusals, guides and the linter."""
    if isinstance(c, All):
        return " and ".join(describe(x) for x in c.all)
    if isinstance(c, Any_):
        return " or ".join(describe(x) for x in c.any)
    if isinstance(c, Not):
        return f"not ({describe(c.not_)})"
    if isinstance(c, IndicatorIs):
        parts = [f"above {c.above:g}" if c.above is not None else "", f"below {c.below:g}" if c.below is not None else ""]
        held = f" for at least {format_minutes(c.for_)}" if c.for_ else ""
        return f"{c.indicator} " + " and ".join(p for p in parts if p) + held
    if isinstance(c, StageIs):
        return f"stage {c.stage} {c.is_}"
    if isinstance(c, ResponseIs):
        return f"{c.response} {c.is_}" + (f" by {c.team}" if c.team else "")
    if isinstance(c, InjectIs):
        return f"inject {c.inject} delivered"
    if isinstance(c, DecisionIs):
        return f"decision {c.decision} answered '{c.chose}'"
    if isinstance(c, DomainDetected):
        return f"a detected {c.detected} campaign"
    if isinstance(c, Escalated):
        return f"adversary escalated after {c.escalation}"
    if isinstance(c, FindingIs):
        return f"finding {c.finding} established"
    if isinstance(c, TimeWindow):
        parts = [f"after T+{format_minutes(c.after)}" if c.after is not None else "",
                 f"before T+{format_minutes(c.before)}" if c.before is not None else ""]
        return " and ".join(p for p in parts if p)
    raise TypeError(f"unknown condition {c!r}")
