"""A narrative spreading in an exposable audience: SEIZ with forgetting, integrated on a fixed grid.

Compartments, as shares of the audience (s + e + i + z = 1): susceptible,
exposed, infected (spreading) and skeptic. The indicator is i. Per minute (the
scenario gives rates per hour; Jin et al., SNA-KDD 2013, plus forgetting):

    ds = -beta s i - b s z                                  - seed
    de = (1-p) beta s i + (1-l) b s z - rho e i - eps e
    di = p beta s i + rho e i + eps e - delta i             + seed - cut
    dz = l b s z + delta i                                  + cut

A rate effect r > 0 seeds: seed = r s (amplification moves the susceptible to
spreading); r < 0 cuts: cut = |r| i (countering moves spreaders to skeptic). A
step to a higher value moves the difference from S to I (at most all of S), to
a lower one from I to Z.

How exact it is: classic RK4 with a step of ``GRID`` minutes from each change
point; grid states are computed once and kept, and a value between two grid
points is one partial RK4 step from the one before, so ``at`` is a single
deterministic function of time. A crossing is found in the first grid interval
whose ends lie on either side of a threshold, then by bisection to 1e-9
minutes, and the time returned is the end at or past the threshold. A crossing
and recrossing inside one grid step is not seen, nor an extreme between grid
points; at five minutes against dynamics measured in hours neither matters.
"""

from __future__ import annotations

import math
from bisect import bisect_right
from collections.abc import Callable

from exercise.engine.indicators import IndicatorState, first_inside, retune
from exercise.scenario.models import Indicator, SeizDynamics

GRID = 5.0  # minutes between kept states
_TOLERANCE = 1e-9  # minutes: where bisection stops
_HORIZON = 90 * 1440.0  # minutes: how far a crossing is looked for when no end is given

State = tuple[float, float, float, float]  # s, e, i, z


class _Segment:
    """The trajectory from one change point to the next: its start, its rate, the states on its grid."""

    def __init__(self, t0: float, start: State, rate: float) -> None:
        self.t0 = t0
        self.rate = rate
        self.grid: list[State] = [start]


class Seiz(IndicatorState):
    def __init__(self, spec: Indicator, params: SeizDynamics) -> None:
        per_minute = 1.0 / 60.0
        self.spec = spec
        self.beta = params.contact * per_minute
        self.p = params.adopt_at_once
        self.b = params.skeptic_contact * per_minute
        self.l = params.made_skeptic
        self.rho = params.exposed_contact * per_minute
        self.eps = params.self_adoption * per_minute
        self.delta = params.forgetting * per_minute
        start = spec.initial
        self.rates: dict[int, float] = {}
        self.rate = 0.0
        self.segments = [_Segment(0.0, (1.0 - start, 0.0, start, 0.0), 0.0)]
        self.starts = [0.0]
        self.changes: list[tuple[float, float, float]] = [(0.0, start, start)]  # (t, before, after)
        self.t = 0.0
        self.value = start

    @classmethod
    def start(cls, spec: Indicator) -> Seiz:
        assert isinstance(spec.dynamics, SeizDynamics)
        return cls(spec, spec.dynamics)

    # --- the model ---------------------------------------------------------------------------------

    def _slope(self, x: State, rate: float) -> State:
        s, e, i, z = x
        spread, doubt = self.beta * s * i, self.b * s * z
        seed = rate * s if rate > 0.0 else 0.0
        cut = -rate * i if rate < 0.0 else 0.0
        return (-spread - doubt - seed,
                (1.0 - self.p) * spread + (1.0 - self.l) * doubt - self.rho * e * i - self.eps * e,
                self.p * spread + self.rho * e * i + self.eps * e - self.delta * i + seed - cut,
                self.l * doubt + self.delta * i + cut)

    def _rk4(self, x: State, h: float, rate: float) -> State:
        k1 = self._slope(x, rate)
        k2 = self._slope(_plus(x, k1, h / 2), rate)
        k3 = self._slope(_plus(x, k2, h / 2), rate)
        k4 = self._slope(_plus(x, k3, h), rate)
        return (x[0] + h / 6 * (k1[0] + 2 * k2[0] + 2 * k3[0] + k4[0]),
                x[1] + h / 6 * (k1[1] + 2 * k2[1] + 2 * k3[1] + k4[1]),
                x[2] + h / 6 * (k1[2] + 2 * k2[2] + 2 * k3[2] + k4[2]),
                x[3] + h / 6 * (k1[3] + 2 * k2[3] + 2 * k3[3] + k4[3]))

    def _state(self, t: float) -> State:
        """The compartments at ``t``: from the change point before it, along its grid."""
        seg = self.segments[bisect_right(self.starts, t) - 1]
        n = int((t - seg.t0) // GRID)
        grid = seg.grid
        while len(grid) <= n:
            grid.append(self._rk4(grid[-1], GRID, seg.rate))
        rest = t - seg.t0 - n * GRID
        return grid[n] if rest <= 0.0 else self._rk4(grid[n], rest, seg.rate)

    def _change(self, t: float, x: State) -> None:
        """A change point at ``t``: the trajectory goes on from state ``x`` with the rate now."""
        self.segments.append(_Segment(t, x, self.rate))
        self.starts.append(t)

    # --- the contract ------------------------------------------------------------------------------

    def at(self, t: float) -> float:
        if t == self.t:
            return self.value
        return self.clamp(self._state(t)[2])

    def advance(self, t: float) -> None:
        self.value, self.t = self.at(t), t

    def step(self, t: float, new_value: float) -> tuple[float, float]:
        self.advance(t)
        s, e, i, z = self._state(t)
        target = self.clamp(new_value)
        if target > i:
            moved = min(target - i, s)
            x = (s - moved, e, i + moved, z)
        else:
            moved = i - target
            x = (s, e, i - moved, z + moved)
        before = self.value
        self._change(t, x)
        self.value = self.clamp(x[2])
        self.changes.append((t, before, self.value))
        return before, self.value

    def set_rate(self, t: float, token: int, rate_per_minute: float | None) -> None:
        self.advance(t)
        self.rate = retune(self.rates, token, rate_per_minute)
        self._change(t, self._state(t))
        self.changes.append((t, self.value, self.value))

    def moving(self) -> bool:
        return any(c != 0.0 for c in self._slope(self._state(self.t), self.rate))

    def next_crossing(self, now: float, thresholds: list[float], until: float = math.inf) -> float | None:
        if not thresholds or not self.moving():
            return None
        value = self.at(now)
        if value in thresholds:  # on a threshold and moving: look again just after now
            return now
        last = until if until < math.inf else now + _HORIZON
        seg = self.segments[-1]
        k = int((now - seg.t0) // GRID) + 1
        before_t, before_v = now, value
        while before_t < last:
            t = min(seg.t0 + k * GRID, last)
            v = self.at(t)
            crossed = [th for th in thresholds if (before_v - th) * (v - th) < 0.0 or v == th]
            if crossed:
                return min(self._bisect(before_t, t, th) for th in crossed)
            before_t, before_v, k = t, v, k + 1
        return None

    def _bisect(self, low: float, high: float, threshold: float) -> float:
        """The first time in (low, high] the value is on or past ``threshold`` (it is on one side at low)."""
        side = self.at(low) < threshold
        while high - low > _TOLERANCE:
            mid = (low + high) / 2
            if mid <= low or mid >= high:
                break
            if (self.at(mid) < threshold) == side and self.at(mid) != threshold:
                low = mid
            else:
                high = mid
        return high

    def _grid_times(self, start: float, end: float) -> list[float]:
        """The grid points strictly between ``start`` and ``end``, over every segment they span."""
        times = []
        for n, seg in enumerate(self.segments):
            upto = self.starts[n + 1] if n + 1 < len(self.starts) else math.inf
            low, high = max(start, seg.t0), min(end, upto)
            if low >= high:
                continue
            k = math.ceil((low - seg.t0) / GRID)
            while seg.t0 + k * GRID < high:
                g = seg.t0 + k * GRID
                if g > start:
                    times.append(g)
                k += 1
        return times

    def inside_since(self, now: float, low: float, high: float) -> float:
        """From the grid and the change points: where it last came inside before ``now``."""
        inside = lambda v: low < v < high  # noqa: E731
        points = sorted([(g, "grid") for g in self._grid_times(0.0, now)] + [(t, "change") for t, _, _ in self.changes
                                                                            if 0.0 < t <= now], reverse=True)
        later = now
        for t, kind in points:
            if kind == "change":
                before = next(b for c, b, _ in self.changes if c == t)  # before the first change at t
                if not inside(self.at(t)):
                    return self._entry(t, later, inside)
                if not inside(before):
                    return t  # a step brought it in
            elif not inside(self.at(t)):
                return self._entry(t, later, inside)
            later = t
        return 0.0 if inside(self.at(0.0)) else self._entry(0.0, later, inside)

    def _entry(self, start: float, end: float, inside: Callable[[float], bool]) -> float:
        return first_inside(self.at, start, end, inside)

    def extremes(self, start: float, end: float) -> tuple[float, float]:
        values = [self.at(start), self.at(end)] + [self.at(g) for g in self._grid_times(start, end)]
        for t, before, after in self.changes:
            if start <= t <= end:
                values.append(after)
                if t > start:
                    values.append(before)
        return min(values), max(values)


def _plus(x: State, k: State, h: float) -> State:
    return (x[0] + h * k[0], x[1] + h * k[1], x[2] + h * k[2], x[3] + h * k[3])
