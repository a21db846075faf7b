"""Delay distributions: how long something takes, as authors write it.

A bare duration (``6h``) is a fixed delay; a mapping with ``kind`` picks a
distribution. Lognormal is given by median and 90th percentile because those
are the figures published studies and experts actually quote.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal, Union

from pydantic import BeforeValidator, Discriminator, Field, Tag, WithJsonSchema, model_validator

from exercise.scenario.types import DURATION_PATTERN, Duration, Strict


class Fixed(Strict):
    """Always the same delay."""

    kind: Literal["fixed"] = Field(description="Always the same delay.")
    value: Duration = Field(description="The delay.")

    @property
    def low(self) -> float:
        return self.value

    @property
    def high(self) -> float:
        return self.value


class Uniform(Strict):
    """Any delay between low and high, equally likely."""

    kind: Literal["uniform"] = Field(description="Equally likely anywhere between low and high.")
    low: Duration = Field(description="Shortest delay.")
    high: Duration = Field(description="Longest delay.")

    @model_validator(mode="after")
    def _ordered(self) -> Uniform:
        if self.high < self.low:
            raise ValueError("high must not be shorter than low")
        return self


class Triangular(Strict):
    """Between low and high, most often near mode."""

    kind: Literal["triangular"] = Field(description="Between low and high, most likely at mode.")
    low: Duration = Field(description="Shortest delay.")
    mode: Duration = Field(description="Most likely delay.")
    high: Duration = Field(description="Longest delay.")

    @model_validator(mode="after")
    def _ordered(self) -> Triangular:
        if not self.low <= self.mode <= self.high:
            raise ValueError("need low <= mode <= high")
        return self


class LogNormal(Strict):
    """Skewed delay given by its median and 90th percentile."""

    kind: Literal["lognormal"] = Field(description="Right-skewed; half the delays are under median, 90% under p90.")
    median: Duration = Field(description="Half of the delays are shorter than this.")
    p90: Duration = Field(description="90% of the delays are shorter than this.")

    @model_validator(mode="after")
    def _ordered(self) -> LogNormal:
        if self.median <= 0:
            raise ValueError("median must be longer than 0")
        if self.p90 <= self.median:
            raise ValueError("p90 must be longer than median")
        return self

    @property
    def low(self) -> float:
        return 0.0

    @property
    def high(self) -> float:
        return float("inf")


class Exponential(Strict):
    """Memoryless delay with the given mean."""

    kind: Literal["exponential"] = Field(description="Memoryless; the given mean delay.")
    mean: Duration = Field(description="Average delay.", gt=0)

    @property
    def low(self) -> float:
        return 0.0

    @property
    def high(self) -> float:
        return float("inf")


_KINDS = {"fixed", "uniform", "triangular", "lognormal", "exponential"}


def _which(value: Any) -> str | None:
    if isinstance(value, (str, int, float)):  # numbers too, to be told they need a unit
        return "shorthand"
    if isinstance(value, dict):
        kind = value.get("kind")
        return kind if kind in _KINDS else None
    return getattr(value, "kind", None)


def _shorthand(value: Any) -> Any:
    return {"kind": "fixed", "value": value} if isinstance(value, (str, int, float)) else value


Delay = Annotated[
    Union[
        Annotated[
            Annotated[Fixed, BeforeValidator(_shorthand)],
            Tag("shorthand"),
            WithJsonSchema({"type": "string", "pattern": DURATION_PATTERN,
                            "description": "A fixed delay, e.g. '6h'."}),
        ],
        Annotated[Fixed, Tag("fixed")],
        Annotated[Uniform, Tag("uniform")],
        Annotated[Triangular, Tag("triangular")],
        Annotated[LogNormal, Tag("lognormal")],
        Annotated[Exponential, Tag("exponential")],
    ],
    Discriminator(
        _which,
        custom_error_type="delay",
        custom_error_message=(
            "a delay is a duration such as '6h', or a mapping with kind: "
            "fixed, uniform, triangular, lognormal or exponential"
        ),
    ),
]


def describe(delay: Fixed | Uniform | Triangular | LogNormal | Exponential) -> str:
    """A short human form: '6h', '6h-2d', '~6h (90% < 1d)', '~3h (exponential)'."""
    from exercise.scenario.types import format_minutes as f

    if isinstance(delay, Fixed):
        return f(delay.value)
    if isinstance(delay, (Uniform, Triangular)):
        return f"{f(delay.low)}-{f(delay.high)}"
    if isinstance(delay, LogNormal):
        return f"~{f(delay.median)} (90% < {f(delay.p90)})"
    return f"~{f(delay.mean)} (exponential)"
