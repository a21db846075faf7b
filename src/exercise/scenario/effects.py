"""What stages and responses do to the world: indicator effects and counters."""

from __future__ import annotations

from pydantic import Field, model_validator

from exercise.scenario.types import Domain, Duration, Id, Strict


class Effect(Strict):
    """A change to one indicator: a step, a level, a rate over a while, or a faster return to its baseline."""

    indicator: Id = Field(description="Indicator id.")
    change: float | None = Field(
        None, description="Step change added to the value at once (e.g. -0.2). A measure's step on an indicator that "
                          "recovers by itself moves the level it recovers to as well, so the recovery does not undo "
                          "it and an earlier step is never worse.")
    set: float | None = Field(None, description="Set the value to this level at once.")
    rate: float | None = Field(None, description="Change per hour, applied for 'for' (e.g. -0.05).")
    recover: Duration | None = Field(
        None, description="While it lasts ('for'), the indicator returns towards its baseline with this half-life "
                          "(e.g. 1h: repair crews restoring supply). Started earlier, it is never worse.")
    for_: Duration | None = Field(None, alias="for", description="How long a 'rate' or a 'recover' applies.")

    @model_validator(mode="after")
    def _one_kind(self) -> Effect:
        kinds = [k for k in ("change", "set", "rate", "recover") if getattr(self, k) is not None]
        if len(kinds) != 1:
            raise ValueError("an effect has exactly one of 'change', 'set', 'rate' or 'recover'")
        if (self.rate is not None or self.recover is not None) and self.for_ is None:
            raise ValueError(f"a '{kinds[0]}' effect needs 'for' (how long it lasts)")
        if self.rate is None and self.recover is None and self.for_ is not None:
            raise ValueError("'for' only goes with 'rate' or 'recover'")
        if self.recover is not None and self.recover <= 0:
            raise ValueError("'recover' is a half-life: give a positive duration")
        return self


def combine(factors: list[float], floor: float) -> float:
    """Several counters' multipliers on one stage, as one multiplier.

    Strongest first, and each further counter's reduction counts half as much as the
    one before: factors 0.8 and 0.8 give 0.8 x 0.9 = 0.72, not 0.64. The result never
    goes below the stage's floor, so piling up generic measures has a limit.
    """
    out = 1.0
    for k, factor in enumerate(sorted(factors)):
        out *= 1.0 - (1.0 - factor) * 0.5**k
    return max(floor, out) if factors else 1.0


class Counters(Strict):
    """How an active response weakens campaign stages it matches.

    Success and detection act on stages that start while the measure is active.
    Effect and outage also act on matching stages' rate effects that are still
    running when the measure takes effect: from that moment the rate is scaled
    by the combined effect multiplier (0 stops the drift), and what is left of
    its duration by the measure's outage multiplier.
    """

    domains: list[Domain] = Field(
        default_factory=list,
        description="Campaign domains this measure works against.")
    tags: list[Id] = Field(
        default_factory=list,
        description="If given, only stages or campaigns with one of these tags are countered.")
    success: float = Field(
        1.0, ge=0, le=1,
        description="Multiplier on the success probability of matching stages that start while active.")
    effect: float = Field(
        1.0, ge=0, le=1,
        description="Multiplier on the size of matching stages' effects while active, running drifts included (0 stops them).")
    detection: float = Field(
        1.0, gt=0, le=1,
        description="Multiplier on the detection delay of matching stages while active (0.5 = twice as fast).")
    outage: float = Field(
        1.0, ge=0, le=1,
        description="Multiplier on how long matching stages' rate effects last, and on what is left of running ones.")
