"""Delay distributions: how long something takes, as authors write it.

A bare duration (``6h``) is a fixed delay; a mapping with ``kind`` picks a
distribution. Lognormal is given by median and 90th percentile because those
are the figures published studies and experts actually quote.
"""

from __future__ import annotations

import math
from statistics import NormalDist
from typing import Annotated, Any, Literal, Union

from pydantic import BeforeValidator, Discriminator, Field, Tag, WithJsonSchema, model_validator

from exercise.scenario.types import DURATION_PATTERN, Duration, Strict, format_minutes

_STANDARD_NORMAL = NormalDist()
_Z90 = _STANDARD_NORMAL.inv_cdf(0.9)


def _written(minutes: float) -> str:
    """A duration as an author writes it, to the minute: '6h', '1d 2h30m'."""
    return format_minutes(round(minutes))


class _Distribution(Strict):
    """What every delay can do; each kind says how (the engine samples with ``quantile``)."""

    kind: str  # each kind narrows it to its own literal

    def quantile(self, u: float) -> float:
        """The delay at quantile ``u`` (inverse CDF; one uniform draw per delay)."""
        raise NotImplementedError

    def typical(self) -> float:
        """Its typical length in minutes: the fixed value, the median, the mode, the mean."""
        raise NotImplementedError

    def shifted(self, minutes: float) -> Delays:
        """The delay ``minutes`` later: the whole distribution where its kind allows, else fixed at its
        typical length plus ``minutes``."""
        return Fixed.model_construct(kind="fixed", value=self.typical() + minutes)

    def scaled(self, factor: float) -> Delays:
        """Every length of it times ``factor``."""
        raise NotImplementedError

    def describe(self) -> str:
        """A short human form: '6h', '6h-2d', '~6h (90% < 1d)', '~3h (exponential)'."""
        raise NotImplementedError

    def as_data(self) -> Any:
        """As a playbook or scenario writes it (durations to the minute)."""
        return {"kind": self.kind, **{name: _written(getattr(self, name)) for name in type(self).model_fields
                                      if name != "kind"}}


class Fixed(_Distribution):
    """Always the same delay."""

    kind: Literal["fixed"] = Field(description="Always the same delay.")
    value: Duration = Field(description="The delay.")

    @property
    def low(self) -> float:
        return self.value

    @property
    def high(self) -> float:
        return self.value

    def quantile(self, u: float) -> float:
        return self.value

    def typical(self) -> float:
        return self.value

    def shifted(self, minutes: float) -> Delays:
        return self.model_copy(update={"value": self.value + minutes})

    def scaled(self, factor: float) -> Delays:
        return self.model_copy(update={"value": self.value * factor})

    def describe(self) -> str:
        return format_minutes(self.value)

    def as_data(self) -> Any:
        return _written(self.value)


class Uniform(_Distribution):
    """Any delay between low and high, equally likely."""

    kind: Literal["uniform"] = Field(description="Equally likely anywhere between low and high.")
    low: Duration = Field(description="Shortest delay.")
    high: Duration = Field(description="Longest delay.")

    @model_validator(mode="after")
    def _ordered(self) -> Uniform:
        if self.high < self.low:
            raise ValueError("high must not be shorter than low")
        return self

    def quantile(self, u: float) -> float:
        return self.low + (self.high - self.low) * u

    def typical(self) -> float:
        return (self.low + self.high) / 2

    def shifted(self, minutes: float) -> Delays:
        return self.model_copy(update={"low": self.low + minutes, "high": self.high + minutes})

    def scaled(self, factor: float) -> Delays:
        return self.model_copy(update={"low": self.low * factor, "high": self.high * factor})

    def describe(self) -> str:
        return f"{format_minutes(self.low)}-{format_minutes(self.high)}"


class Triangular(_Distribution):
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

    def quantile(self, u: float) -> float:
        low, mode, high = self.low, self.mode, self.high
        if high == low:
            return low
        cut = (mode - low) / (high - low)
        if u < cut:
            return low + math.sqrt(u * (high - low) * (mode - low))
        return high - math.sqrt((1 - u) * (high - low) * (high - mode))

    def typical(self) -> float:
        return self.mode

    def shifted(self, minutes: float) -> Delays:
        return self.model_copy(update={"low": self.low + minutes, "mode": self.mode + minutes,
                                       "high": self.high + minutes})

    def scaled(self, factor: float) -> Delays:
        return self.model_copy(update={"low": self.low * factor, "mode": self.mode * factor,
                                       "high": self.high * factor})

    def describe(self) -> str:
        return f"{format_minutes(self.low)}-{format_minutes(self.high)}"


class LogNormal(_Distribution):
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

    def quantile(self, u: float) -> float:
        sigma = math.log(self.p90 / self.median) / _Z90
        u = min(max(u, 1e-12), 1 - 1e-12)
        return self.median * math.exp(sigma * _STANDARD_NORMAL.inv_cdf(u))

    def typical(self) -> float:
        return self.median

    def shifted(self, minutes: float) -> Delays:
        return self.model_copy(update={"median": self.median + minutes, "p90": self.p90 + minutes})

    def scaled(self, factor: float) -> Delays:
        return self.model_copy(update={"median": self.median * factor, "p90": self.p90 * factor})

    def describe(self) -> str:
        return f"~{format_minutes(self.median)} (90% < {format_minutes(self.p90)})"


class Exponential(_Distribution):
    """Memoryless delay with the given mean."""

    kind: Literal["exponential"] = Field(description="Memoryless; the given mean delay.")
    mean: Duration = Field(description="Average delay.", gt=0)

    @property
    def low(self) -> float:
        return 0.0

    @property
    def high(self) -> float:
        return float("inf")

    def quantile(self, u: float) -> float:
        return -self.mean * math.log(1.0 - u)

    def typical(self) -> float:
        return self.mean

    def scaled(self, factor: float) -> Delays:
        return self.model_copy(update={"mean": self.mean * factor})

    def describe(self) -> str:
        return f"~{format_minutes(self.mean)} (exponential)"


Delays = Fixed | Uniform | Triangular | LogNormal | Exponential  # a validated delay, whichever its kind


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


def describe(delay: Delays) -> str:
    """A short human form: '6h', '6h-2d', '~6h (90% < 1d)', '~3h (exponential)'."""
    return delay.describe()
