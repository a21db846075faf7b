"""Indicator dynamics: what the world asks of an indicator (``IndicatorState``), and the default model.

An indicator changes at events (a step, a rate switched on or off) and by its
own dynamics between them. The world never ticks: it asks an indicator for its
value when an event or a reader needs it, and for the next time it crosses a
watched threshold, and schedules a wake-up there. ``IndicatorState`` states
that contract; each model is one subclass, chosen per indicator by the
scenario's ``dynamics:`` (``dynamics.py`` holds the table).

The default, ``Linear``: between two events an indicator follows

    dv/dt = R + k (baseline - v)

where R is the sum of active rate effects (per minute) and k = ln 2 / recovery
half-life (0 without recovery); a 'recover' effect raises k while it lasts (the
fastest recovery in force counts). That has a closed form, so the value is only
computed when an event or a reader needs it, and the time at which it crosses
a threshold is solved exactly instead of found by ticking a clock. The
trajectory between events is monotone, so clamping to [min, max] at the end is
exact, and the extremes over any window lie at its ends or at change points.
"""

from __future__ import annotations

import math
from bisect import bisect_left, bisect_right
from collections.abc import Callable
from dataclasses import dataclass, field

from exercise.scenario.models import Indicator

_LN2 = math.log(2.0)


# Indicators are shown to two decimals, and their band is that of the value shown: a
# value a hair past a threshold reads as the threshold, so "turns red (0.80)" on a
# 0.80 amber line, and a flap back within seconds, cannot happen.
SHOWN_DECIMALS = 2
_HALF_STEP = 0.5 * 10 ** -SHOWN_DECIMALS


def shown(value: float) -> float:
    return round(value, SHOWN_DECIMALS)


def band_of(spec: Indicator, value: float) -> str | None:
    if spec.bands is None:
        return None
    value = shown(value)
    green, amber = spec.bands.green, spec.bands.amber
    if spec.higher_is_better:
        return "green" if value >= green else "amber" if value >= amber else "red"
    return "green" if value <= green else "amber" if value <= amber else "red"


def band_levels(spec: Indicator) -> list[float]:
    """The values at which the band of the shown value changes: where to wake up."""
    if spec.bands is None:
        return []
    step = 10 ** -SHOWN_DECIMALS
    levels = []
    for threshold in (spec.bands.green, spec.bands.amber):
        if spec.higher_is_better:  # shown >= threshold from the first value rounding up to it
            levels.append(math.ceil(round(threshold / step, 9)) * step - _HALF_STEP)
        else:  # shown <= threshold until the first value rounding past it
            levels.append(math.floor(round(threshold / step, 9)) * step + _HALF_STEP)
    return levels


def retune(rates: dict[int, float], token: int, rate_per_minute: float | None) -> float:
    """Switch one rate effect (by its token) on, to a new rate, or off; the total rate now."""
    if rate_per_minute is None:
        rates.pop(token, None)
    else:
        rates[token] = rate_per_minute
    return sum(rates.values())


def first_inside(at: Callable[[float], float], start: float, end: float, inside: Callable[[float], bool]) -> float:
    """The first time in (start, end] the value is inside, by bisection (it is outside at ``start``, inside at
    ``end``, and crosses once between): 60 halvings, past a float's resolution at any exercise time."""
    lo, hi = start, end
    for _ in range(60):
        mid = (lo + hi) / 2
        if inside(at(mid)):
            hi = mid
        else:
            lo = mid
    return hi


class IndicatorState:
    """The contract of an indicator model, as the world, the conditions, the objectives and the views use it.

    - ``value`` holds at time ``t`` (the last instant the state was advanced to); ``clamp`` holds a value
      within the bounds; ``at(t)`` gives the value
      at any time, past (from the change points kept) or future (under the current dynamics, until the
      next event), always within [spec.min, spec.max], and the same number every time it is asked.
    - ``step`` sets the value at an instant (an effect's jump); ``set_rate`` switches a rate effect on or
      off; both advance the state first and keep a change point.
    - ``next_crossing(now, thresholds, until)``: when the value first reaches any of the thresholds after
      ``now`` under the current dynamics (None: not before ``until``). The value there is on or past the
      threshold, so a wake-up scheduled at it sees the crossing; no threshold is crossed before it. A
      model states how exact it is (closed form, or a root finder and its tolerance).
    - ``inside_since`` and ``extremes`` answer conditions that hold "for a duration" and objectives over a
      window, from the same trajectory ``at`` gives.

    A new model is one subclass, entered in ``dynamics.DYNAMICS`` under the name its scenario settings
    (``scenario.models``) give it.
    """

    spec: Indicator
    value: float
    t: float

    def clamp(self, value: float) -> float:
        """``value`` held within the indicator's bounds."""
        return min(self.spec.max, max(self.spec.min, value))

    def at(self, t: float) -> float:
        raise NotImplementedError

    def step(self, t: float, new_value: float) -> tuple[float, float]:
        raise NotImplementedError

    def set_rate(self, t: float, token: int, rate_per_minute: float | None) -> None:
        raise NotImplementedError

    def set_recovery(self, t: float, token: int, k_per_minute: float | None) -> None:
        """A 'recover' effect on (its rate of return to the baseline, ln 2 / half-life) or off (None)."""
        raise NotImplementedError

    def lasting_step(self, t: float, change: float) -> tuple[float, float]:
        """A measure's step that the model's own dynamics do not undo; a model without a baseline to return
        to has nothing to undo it with, and steps."""
        return self.step(t, self.at(t) + change)

    def moving(self) -> bool:
        raise NotImplementedError

    def next_crossing(self, now: float, thresholds: list[float], until: float = math.inf) -> float | None:
        raise NotImplementedError

    def inside_since(self, now: float, low: float, high: float) -> float:
        raise NotImplementedError

    def extremes(self, start: float, end: float) -> tuple[float, float]:
        raise NotImplementedError

    def longest_outside(self, start: float, end: float, inside: Callable[[float], bool]) -> tuple[float, float]:
        """(length, start) of the longest stretch in [start, end] the value spent outside ``inside``."""
        raise NotImplementedError(f"{type(self).__name__} cannot tell how long it stayed outside a range")


@dataclass
class Linear(IndicatorState):
    """dv/dt = R + k (baseline - v), in closed form: values and crossings are exact, and the trajectory
    is monotone between events (which ``next_crossing``, ``inside_since`` and ``extremes`` rely on)."""

    spec: Indicator
    value: float
    t: float = 0.0  # time at which ``value`` holds
    rates: dict[int, float] = field(default_factory=dict)  # per minute, by effect token
    # (t, value before, value after, total rate after, k after, baseline after) at each change point:
    # enough to recompute any past value exactly, for windows and charts.
    history: list[tuple[float, float, float, float, float, float]] = field(default_factory=list)
    rate: float = 0.0  # sum of ``rates``, kept with them: it is read at every evaluation
    speeds: dict[int, float] = field(default_factory=dict)  # 'recover' effects in force: k per minute, by token

    def __post_init__(self) -> None:
        # Constants of the dynamics, read in the hot path.
        self.baseline = self.spec.initial if self.spec.baseline is None else self.spec.baseline
        h = self.spec.recovery_half_life
        self.own_k = _LN2 / h if h else 0.0
        self.k = self.own_k
        self.low, self.high = self.spec.min, self.spec.max

    @classmethod
    def start(cls, spec: Indicator) -> Linear:
        state = cls(spec, spec.initial)
        state.history.append((0.0, spec.initial, spec.initial, 0.0, state.k, state.baseline))
        return state

    def _free(self, value: float, dt: float, rate: float, k: float, baseline: float) -> float:
        """Unclamped value ``dt`` minutes after ``value`` with total rate ``rate``, returning to ``baseline`` at
        rate ``k``."""
        if dt <= 0:
            return value
        if k == 0.0:
            return value + rate * dt
        target = baseline + rate / k
        x = k * dt
        if x < 1.0:
            # Early on, start from the value: target + (value - target) e^-x would lose
            # every digit of a tiny change to the rounding of the target.
            return value + (value - target) * math.expm1(-x)
        # Later, start from the target: the remaining gap keeps its relative precision.
        return target + (value - target) * math.exp(-x)

    def clamp(self, value: float) -> float:
        return min(self.high, max(self.low, value))

    def at(self, t: float) -> float:
        """The value at ``t``: now or later under current dynamics, or in the past from history."""
        if t == self.t:
            return self.value  # already clamped when it was set
        if t > self.t:
            # clamp(), spelled out: this is the engine's most frequent call. Same result as
            # min(high, max(low, v)) to the bit, ties included.
            v = self._free(self.value, t - self.t, self.rate, self.k, self.baseline)
            v = v if v > self.low else self.low
            return v if v < self.high else self.high
        point = self.history[0]
        for entry in self.history:
            if entry[0] > t:
                break
            point = entry
        tp, _before, after, rate, k, baseline = point
        return self.clamp(self._free(after, t - tp, rate, k, baseline))

    def advance(self, t: float) -> None:
        self.value, self.t = self.at(t), t

    def step(self, t: float, new_value: float) -> tuple[float, float]:
        """Set the value at ``t`` (after advancing to it); returns (before, after)."""
        self.advance(t)
        before, self.value = self.value, self.clamp(new_value)
        self.history.append((t, before, self.value, self.rate, self.k, self.baseline))
        return before, self.value

    def lasting_step(self, t: float, change: float) -> tuple[float, float]:
        """A step the indicator's own recovery does not undo: the level it returns to moves with it. The value
        at any later time is then the same whenever the step came, except that a step held at a bound gets
        there sooner: an earlier step is never worse."""
        self.advance(t)
        self.baseline += change
        before, self.value = self.value, self.clamp(self.value + change)
        self.history.append((t, before, self.value, self.rate, self.k, self.baseline))
        return before, self.value

    def set_rate(self, t: float, token: int, rate_per_minute: float | None) -> None:
        self.advance(t)
        self.rate = retune(self.rates, token, rate_per_minute)
        self.history.append((t, self.value, self.value, self.rate, self.k, self.baseline))

    def set_recovery(self, t: float, token: int, k_per_minute: float | None) -> None:
        self.advance(t)
        if k_per_minute is None:
            self.speeds.pop(token, None)
        else:
            self.speeds[token] = k_per_minute
        self.k = max([self.own_k, *self.speeds.values()])
        self.history.append((t, self.value, self.value, self.rate, self.k, self.baseline))

    def moving(self) -> bool:
        if self.rate != 0.0:
            return True
        return self.k > 0.0 and self.value != self.baseline

    def crossing(self, now: float, threshold: float) -> float | None:
        """When the value next reaches ``threshold`` under current dynamics, if ever."""
        v = self.at(now)
        if not self.moving():
            return None
        return self._crossing_from(now, v, threshold)

    def _crossing_from(self, now: float, v: float, threshold: float) -> float | None:
        """``crossing`` once the value now (``v``) is known and the indicator is moving."""
        if v == threshold:  # on the threshold and moving: look again just after now
            return now
        rate, k = self.rate, self.k
        if k == 0.0:
            dt = (threshold - v) / rate
            return now + dt if dt > 0 else None
        target = self.baseline + rate / k
        # v(t) approaches target monotonically; it reaches thresholds strictly between.
        if not (min(v, target) < threshold < max(v, target)):
            return None
        # ln((v - target) / (threshold - target)) as log1p of the small part, so that a
        # threshold a hair from v gets its crossing from the same digits as _free.
        return now + math.log1p((v - threshold) / (threshold - target)) / k

    def next_crossing(self, now: float, thresholds: list[float], until: float = math.inf) -> float | None:
        """When the value next reaches any of the sorted ``thresholds``, if ever (exact; ``until`` is not
        needed: the world drops a crossing past the end itself).

        The trajectory is monotone until the next event, so only the nearest
        threshold in the direction of motion can be reached first.
        """
        if not thresholds or not self.moving():
            return None
        v = self.at(now)
        rate, k = self.rate, self.k
        target = math.copysign(math.inf, rate) if k == 0.0 else self.baseline + rate / k
        # Held at a bound (or at its target) it is not moving, whatever the rate says.
        if target == v or (target > v and v >= self.spec.max) or (target < v and v <= self.spec.min):
            return None
        if target > v:
            i = bisect_left(thresholds, v)
            return self._crossing_from(now, v, thresholds[i]) if i < len(thresholds) else None
        i = bisect_right(thresholds, v)
        return self._crossing_from(now, v, thresholds[i - 1]) if i else None

    def inside_since(self, now: float, low: float, high: float) -> float:
        """The earliest time from which the value has stayed strictly between low and high up to now.

        The value must be inside now. Walks the change points backwards; between two of
        them the trajectory is monotone, so the entry is where it crossed the bound
        (found by bisection) or a step that brought it in.
        """
        inside = lambda v: low < v < high  # noqa: E731
        points = [h for h in self.history if h[0] <= now]
        end = now
        for t, before, after, _rate, _k, _base in reversed(points):
            if not inside(self.at(t)) or not inside(after):
                return self._entry(t, end, inside)
            if not inside(before) and t > 0:
                return t  # a step brought it in
            end = t
        return 0.0

    def _entry(self, start: float, end: float, inside: Callable[[float], bool]) -> float:
        """The first time in (start, end] the monotone trajectory is inside, by bisection."""
        return first_inside(self.at, start, end, inside)

    def longest_outside(self, start: float, end: float, inside: Callable[[float], bool]) -> tuple[float, float]:
        """(length, start) of the longest stretch in [start, end] spent outside ``inside`` (a range: a convex
        set). Between change points the trajectory is monotone, so a segment leaves or enters the range at
        most once each way; the crossings are found by bisection, as ``inside_since`` finds them."""
        cuts = sorted({start, end} | {t for t, *_ in self.history if start < t < end})
        stretches: list[list[float]] = []  # [from, to] outside, merged across change points
        for a, b in zip(cuts, cuts[1:], strict=False):
            va = self.at(a)
            vb = next((before for t, before, *_ in self.history if t == b), None) if b < end else None
            vb = self.at(b) if vb is None else vb
            out: list[tuple[float, float]] = []
            if inside(va) and inside(vb):
                pass
            elif inside(vb):
                out.append((a, first_inside(self.at, a, b, inside)))
            elif inside(va):
                out.append((first_inside(self.at, a, b, lambda v: not inside(v)), b))
            else:
                mid = (a + b) / 2
                probe = [self.at(a + (b - a) * k / 8) for k in range(1, 8)]
                inner = next((a + (b - a) * (k + 1) / 8 for k, v in enumerate(probe) if inside(v)), None)
                if inner is None:
                    out.append((a, b))
                else:  # in and out again: a monotone path through a range
                    mid = inner
                    out += [(a, first_inside(self.at, a, mid, inside)),
                            (first_inside(self.at, mid, b, lambda v: not inside(v)), b)]
            for lo, hi in out:
                if stretches and abs(stretches[-1][1] - lo) < 1e-6:
                    stretches[-1][1] = hi
                else:
                    stretches.append([lo, hi])
        if not stretches:
            return 0.0, start
        worst = max(stretches, key=lambda s: s[1] - s[0])
        return worst[1] - worst[0], worst[0]

    def extremes(self, start: float, end: float) -> tuple[float, float]:
        """(lowest, highest) value in [start, end], from change points and the window ends."""
        values = [self.at(start), self.at(end)]
        for t, before, after, _rate, _k, _base in self.history:
            if start <= t <= end:
                values.append(after)
                if t > start:  # the value just before a step at the window's start is not in it
                    values.append(before)
        return min(values), max(values)
