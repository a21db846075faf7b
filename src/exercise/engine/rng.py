"""Named random streams: one root seed, an independent stream per subsystem.

Draw ``k`` of stream ``name`` is a hash of (root seed, name, k), so taking a
different decision in one place never reshuffles the draws of another
campaign or response: two runs with the same seed share their dice wherever
their histories agree (common random numbers for fair comparisons).

Counter-based rather than one seeded generator per stream: nearly every
stream here is drawn once (a stage's success, a response's lead time), and
seeding a Mersenne Twister costs six times more than the hash.
"""

from __future__ import annotations

from hashlib import blake2b

from exercise.scenario.distributions import Delays

_ULP = 2.0**-53


class Streams:
    def __init__(self, seed: int) -> None:
        self.seed = seed
        # The hash of "seed NUL name NUL k", with the seed's part hashed once:
        # copying a hasher costs less than hashing the prefix again.
        self._root = blake2b(f"{seed}\x00".encode(), digest_size=8)
        self._drawn: dict[str, int] = {}

    def uniform(self, name: str) -> float:
        """The next draw of stream ``name``, uniform on [0, 1)."""
        k = self._drawn.get(name, 0)
        self._drawn[name] = k + 1
        hasher = self._root.copy()
        hasher.update(f"{name}\x00{k}".encode())
        return (int.from_bytes(hasher.digest(), "big") >> 11) * _ULP

    def chance(self, name: str, p: float) -> bool:
        """True with probability p; always consumes exactly one draw."""
        return self.uniform(name) < p

    def delay(self, name: str, dist: Delays) -> float:
        """A delay drawn from ``dist`` (its inverse CDF at one uniform draw)."""
        return dist.quantile(self.uniform(name))
