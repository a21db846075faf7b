"""Structured trigger conditions: data, never code.

Each kind of condition is a mapping told apart by the key it carries
(``indicator``, ``stage``, ``response``, ``inject``, ``decision``,
``detected``, ``escalation``, ``finding``, ``after``/``before``, ``all``, ``any``, ``not``), so triggers
read like sentences in YAML and validate without ``eval``.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Annotated, Any, ClassVar, Literal, Union

from pydantic import Discriminator, Field, Tag, model_validator

from exercise.scenario.types import Domain, Duration, Id, StageRef, Strict, format_minutes


class _Condition(Strict):
    """What every kind of condition says of itself: its tag (the key that tells it apart in YAML), its
    words, and the conditions it holds. How it is evaluated is the engine's (``engine/conditions.py``)."""

    tag: ClassVar[str]

    def describe(self) -> str:
        raise NotImplementedError

    def children(self) -> list[tuple[tuple, Condition]]:
        """(path below this one, condition) of each condition it holds."""
        return []


class IndicatorIs(_Condition):
    """True while an indicator is above and/or below a threshold."""

    tag = "indicator"

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

    def describe(self) -> str:
        parts = [f"above {self.above:g}" if self.above is not None else "",
                 f"below {self.below:g}" if self.below is not None else ""]
        held = f" for at least {format_minutes(self.for_)}" if self.for_ else ""
        return f"{self.indicator} " + " and ".join(p for p in parts if p) + held


class StageIs(_Condition):
    """True once a campaign stage has reached a state."""

    tag = "stage"

    stage: StageRef = Field(description="The stage, as 'campaign_id.stage_id'.")
    is_: Literal["started", "succeeded", "failed", "detected"] = Field(
        "succeeded", alias="is", description="State the stage must have reached.")

    def describe(self) -> str:
        return f"stage {self.stage} {self.is_}"


class ResponseIs(_Condition):
    """True once a response measure has reached a state."""

    tag = "response"

    response: Id = Field(description="Response measure id (catalogue or scenario).")
    is_: Literal["taken", "active", "refused", "ended"] = Field(
        "taken", alias="is",
        description="taken: chosen by a team; active: in effect now; refused: preconditions failed; ended: ran its course.")
    team: Id | None = Field(None, description="Only count this team's response.")

    def describe(self) -> str:
        return f"{self.response} {self.is_}" + (f" by {self.team}" if self.team else "")


class InjectIs(_Condition):
    """True once an inject has been delivered to the players."""

    tag = "inject"

    inject: Id = Field(description="Inject id.")
    is_: Literal["delivered"] = Field("delivered", alias="is", description="Only 'delivered' for now.")

    def describe(self) -> str:
        return f"inject {self.inject} delivered"


class DecisionIs(_Condition):
    """True once a decision point was answered with a given option."""

    tag = "decision"

    decision: Id = Field(description="Id of the inject that carries the decision point.")
    chose: Id = Field(description="Option id that was chosen.")

    def describe(self) -> str:
        return f"decision {self.decision} answered '{self.chose}'"


class DomainDetected(_Condition):
    """True once any stage of any campaign in a domain has been detected."""

    tag = "detected"

    detected: Domain = Field(description="Domain: fimi, cyber or infrastructure.")

    def describe(self) -> str:
        return f"a detected {self.detected} campaign"


class Escalated(_Condition):
    """True once the adversary has escalated in answer to a response."""

    tag = "escalation"

    escalation: str = Field(
        pattern=r"^([A-Za-z0-9][A-Za-z0-9_-]*)$",
        description="Response id whose landing provoked the escalation, or 'any'.")

    def describe(self) -> str:
        return f"adversary escalated after {self.escalation}"


class FindingIs(_Condition):
    """True once a finding (a national attribution decision, an armed aggression ...) is established."""

    tag = "finding"

    finding: Id = Field(description="Finding id, from the catalogue or the scenario's 'findings'.")

    def describe(self) -> str:
        return f"finding {self.finding} established"


class TimeWindow(_Condition):
    """True inside a window of exercise time (T+)."""

    tag = "time"

    after: Duration | None = Field(None, description="True from this time after T0 on.")
    before: Duration | None = Field(None, description="True until this time after T0.")

    @model_validator(mode="after")
    def _window(self) -> TimeWindow:
        if self.after is None and self.before is None:
            raise ValueError("give 'after', 'before' or both")
        if self.after is not None and self.before is not None and self.after >= self.before:
            raise ValueError("'after' must be earlier than 'before', or the window is empty")
        return self

    def describe(self) -> str:
        parts = [f"after T+{format_minutes(self.after)}" if self.after is not None else "",
                 f"before T+{format_minutes(self.before)}" if self.before is not None else ""]
        return " and ".join(p for p in parts if p)


class All(_Condition):
    """True when every listed condition is true."""

    tag = "all"
    all: list[Condition] = Field(min_length=1, description="Every one of these must hold.")

    def describe(self) -> str:
        return " and ".join(c.describe() for c in self.all)

    def children(self) -> list[tuple[tuple, Condition]]:
        return [(("all", i), c) for i, c in enumerate(self.all)]


class Any_(_Condition):
    """True when at least one listed condition is true."""

    tag = "any"
    any: list[Condition] = Field(min_length=1, description="At least one of these must hold.")

    def describe(self) -> str:
        return " or ".join(c.describe() for c in self.any)

    def children(self) -> list[tuple[tuple, Condition]]:
        return [(("any", i), c) for i, c in enumerate(self.any)]


class Not(_Condition):
    """True when the condition is false."""

    tag = "not"
    not_: Condition = Field(alias="not", description="This must not hold.")

    def describe(self) -> str:
        return f"not ({self.not_.describe()})"

    def children(self) -> list[tuple[tuple, Condition]]:
        return [(("not",), self.not_)]


# Every kind, in the order a mapping's keys are tried: the one table of tags (the union below, the
# discriminator and the loader's error hints all read it).
KINDS: tuple[type[_Condition], ...] = (All, Any_, Not, IndicatorIs, StageIs, ResponseIs, InjectIs, DecisionIs,
                                       DomainDetected, Escalated, FindingIs, TimeWindow)
_BY_KEY = {cls.tag: cls.tag for cls in KINDS if cls is not TimeWindow}  # a window is told by after/before


def _which(value: Any) -> str | None:
    if isinstance(value, dict):
        for key in _BY_KEY:
            if key in value:
                return key
        if "after" in value or "before" in value:
            return TimeWindow.tag
        return None
    tag = getattr(type(value), "tag", None)
    return tag if isinstance(value, _Condition) else None


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
    stack: list[tuple[tuple, Condition]] = [(path, condition)]
    while stack:
        where, node = stack.pop()
        yield where, node
        stack.extend(reversed([(where + below, child) for below, child in node.children()]))


def describe(c: Condition) -> str:
    """A condition in words, for refusals, guides and the linter."""
    return c.describe()
