"""Named random streams: one root seed, an independent stream per subsystem.

Each stream is seeded from a hash of (root seed, name), so taking a different
decision in one place never reshuffles the draws of another campaign or
response: two runs with the same seed share their dice wherever their
histories agree (common random numbers for fair comparisons).
"""

from __future__ import annotations

import hashlib
import math
import random
from statistics import NormalDist

from exercise.scenario.distributions import Exponential, Fixed, LogNormal, Triangular, Uniform

_Z90 = NormalDist().inv_cdf(0.9)
_STANDARD_NORMAL = NormalDist()


class Streams:
    def __init__(self, seed: int) -> None:
        self.seed = seed
        self._streams: dict[str, random.Random] = {}

    def __call__(self, name: str) -> random.Random:
        stream = self._streams.get(name)
        if stream is None:
            digest = hashlib.sha256(f"{self.seed}\x00{name}".encode()).digest()
            stream = self._streams[name] = random.Random(int.from_bytes(digest[:8], "big"))
        return stream

    def chance(self, name: str, p: float) -> bool:
        """True with probability p; always consumes exactly one draw."""
        return self(name).random() < p

    def delay(self, name: str, dist) -> float:  # noqa: ANN001 - a Delay union member
        return sample(dist, self(name).random())


def sample(dist, u: float) -> float:  # noqa: ANN001 - a Delay union member
    """The delay at quantile ``u`` of ``dist`` (inverse CDF; one uniform per draw)."""
    if isinstance(dist, Fixed):
        return dist.value
    if isinstance(dist, Uniform):
        return dist.low + (dist.high - dist.low) * u
    if isinstance(dist, Triangular):
        low, mode, high = dist.low, dist.mode, dist.high
        if high == low:
            return low
        cut = (mode - low) / (high - low)
        if u < cut:
            return low + math.sqrt(u * (high - low) * (mode - low))
        return high - math.sqrt((1 - u) * (high - low) * (high - mode))
    if isinstance(dist, LogNormal):
        sigma = math.log(dist.p90 / dist.median) / _Z90
        u = min(max(u, 1e-12), 1 - 1e-12)
        return dist.median * math.exp(sigma * _STANDARD_NORMAL.inv_cdf(u))
    if isinstance(dist, Exponential):
        return -dist.mean * math.log(1.0 - u)
    raise TypeError(f"not a delay distribution: {dist!r}")
