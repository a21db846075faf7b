"""Monte Carlo over seeds, spread over processes, and paired comparison of two playbooks.

Each run's seed is ``first_seed + i``; two playbooks run on the same seeds see
the same dice wherever their histories agree (named random streams), so their
per-seed differences measure the policy, not the luck.
"""

from __future__ import annotations

import bisect
import dataclasses
import hashlib
import itertools
import math
import multiprocessing
import signal
import sys
import threading
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, as_completed, wait
from dataclasses import dataclass, field
from typing import Any

from exercise.collector import batch_collector
from exercise.engine.prepared import prepare
from exercise.scenario.loader import LoadedScenario, Source, scenario_from_bytes
from exercise.scenario.playbook import Playbook, playbook_from_bytes
from exercise.session.headless import Outcome, outcome, simulate

Z95 = 1.959963984540054
_CHUNK = 25

# A Dask worker may be on another machine: it gets the files' bytes, not their paths, and
# keeps what it loaded from them for every later chunk of the sweep (and of later sweeps).
_remote: dict[str, tuple[LoadedScenario, list[Playbook | None]]] = {}
_held: tuple | None = None  # a local worker process's files (payload), given once when it starts


def _young(loaded: LoadedScenario) -> int:
    """Allocations between collections of the youngest generation, for runs of this scenario."""
    return max(700, 2 * len(loaded.scenario.injects))


def payload(scenario: LoadedScenario | Source, playbooks: list[Source | None]) -> tuple:
    """The files a worker needs, as bytes (a worker may be on another machine), with their digest.

    The bytes are those already read (a session's scenario as it was loaded), never a path read
    again: a file edited during a session does not change what its analysis runs."""
    source = scenario.source if isinstance(scenario, LoadedScenario) else scenario
    files = [(source.name, source.raw)] + [None if p is None else (p.name, p.raw) for p in playbooks]
    digest = hashlib.sha256(repr([f and f[1] for f in files]).encode()).hexdigest()
    return (digest, files)


def loaded_from(payload: tuple) -> tuple[LoadedScenario, list[Playbook | None]]:
    """The scenario and playbooks of a ``payload`` (files as bytes), loaded once per process."""
    digest, files = payload
    if digest not in _remote:
        (name, raw), books = files[0], files[1:]
        loaded = scenario_from_bytes(raw, name)
        loaded.located.release()
        prepare(loaded)
        _remote[digest] = (loaded, [None if b is None else playbook_from_bytes(b[1], b[0], loaded)[0]
                                    for b in books])
    return _remote[digest]


def seed_runs(files: tuple, seeds: list[int]) -> list[tuple[Outcome, ...]]:
    """Each seed run (lean) under every playbook of ``files``, side by side: (outcome under the
    first, the second, ...). The task of a sweep's chunk, on whichever process runs it."""
    loaded, playbooks = loaded_from(files)
    return [tuple(outcome(simulate(loaded, seed, book, lean=True)) for book in playbooks) for seed in seeds]


def _hold(files: tuple) -> None:
    """A local worker process starts: it loads the files once, leaves ctrl-c to the parent (which
    lets the chunks under way finish), and keeps the collector off what it loaded."""
    global _held  # noqa: PLW0603 - a worker process's own files, given once by the pool's initializer
    _held = files
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    batch_collector(_young(loaded_from(files)[0])).__enter__()  # for the life of the process


def _with_held(task: Callable[[tuple, Any], Any], chunk: Any) -> Any:
    assert _held is not None  # set by _hold, the initializer of every local worker process
    return task(_held, chunk)


def run_chunks(task: Callable[[tuple, Any], Any], files: tuple, chunks: Iterable[Any],
               done: Callable[[int, Any], None], *, jobs: int = 1, scheduler: str | None = None) -> None:
    """``task(files, chunk)`` for every chunk, in this process, on ``jobs`` local processes or on the
    Dask cluster at ``scheduler``; ``done(index, result)`` as each completes, in any order.

    A bounded window of chunks is in flight, so memory stays flat however many there are, and
    ``files`` travel once per worker, not per chunk. ctrl-c (KeyboardInterrupt, also when ``done``
    raises it): the chunks under way finish and are passed to ``done``, none starts, and the
    KeyboardInterrupt goes on to the caller. ``task`` must be picklable (a module-level function,
    or a ``functools.partial`` of one).
    """
    todo = enumerate(chunks)
    if scheduler is not None:
        _run_dask(task, files, todo, done, scheduler)
        return
    if jobs <= 1:
        with batch_collector(_young(loaded_from(files)[0])):
            for index, chunk in todo:
                done(index, task(files, chunk))
        return
    with _pool(jobs, files) as pool:
        def submit(count: int) -> dict[Future, int]:
            return {pool.submit(_with_held, task, chunk): i for i, chunk in itertools.islice(todo, count)}

        running = submit(2 * jobs)
        try:
            while running:
                finished, _ = wait(running, return_when=FIRST_COMPLETED)
                for future in finished:
                    done(running.pop(future), future.result())
                    running |= submit(1)
        except KeyboardInterrupt:
            for future in as_completed(running):
                done(running[future], future.result())
            raise


def _pool(jobs: int, files: tuple) -> ProcessPoolExecutor:
    """Local worker processes: forked from the main thread; spawned afresh from any other (the
    console's worker), because forking a process that runs other threads can copy a lock that
    one of them holds mid-use."""
    if threading.current_thread() is threading.main_thread():
        return ProcessPoolExecutor(max_workers=jobs, initializer=_hold, initargs=(files,))
    _start_tracker()
    return ProcessPoolExecutor(max_workers=jobs, mp_context=multiprocessing.get_context("spawn"),
                               initializer=_hold, initargs=(files,))


def _start_tracker() -> None:
    """Start multiprocessing's resource tracker with the process's real stderr.

    The tracker hands ``sys.stderr.fileno()`` to its child as a descriptor to keep; a full-screen
    app replaces ``sys.stderr`` with an object whose ``fileno()`` is -1, and spawning then fails
    with "bad value(s) in fds_to_keep". Started once, the tracker serves every later pool."""
    from multiprocessing import resource_tracker

    try:
        usable = sys.stderr is not None and sys.stderr.fileno() >= 0
    except (OSError, ValueError, AttributeError):
        usable = False
    if usable:
        resource_tracker.ensure_running()
        return
    captured, sys.stderr = sys.stderr, sys.__stderr__
    try:
        resource_tracker.ensure_running()
    finally:
        sys.stderr = captured


def run_in_order(task: Callable[[tuple, Any], list], files: tuple, chunks: list, *, jobs: int = 1,
                 scheduler: str | None = None, progress: Callable[[int], None] | None = None) -> list:
    """``run_chunks`` for callers that need every row: the chunks' rows, joined in chunk order."""
    results: list[list] = [[] for _ in chunks]

    def keep(index: int, rows: list) -> None:
        results[index] = rows
        if progress:
            progress(len(rows))

    run_chunks(task, files, chunks, keep, jobs=jobs, scheduler=scheduler)
    return [row for rows in results for row in rows]


def _run_dask(task: Callable[[tuple, Any], Any], files: tuple, todo: Iterator[tuple[int, Any]],
              done: Callable[[int, Any], None], scheduler: str) -> None:
    """``run_chunks`` on a Dask cluster: the files are scattered to every worker once."""
    from distributed import Client
    from distributed import as_completed as completed

    with Client(scheduler, set_as_default=False) as client:
        shared = client.scatter(files, broadcast=True)

        def submit(count: int) -> dict:
            return {client.submit(task, shared, chunk, pure=False): i for i, chunk in itertools.islice(todo, count)}

        running = submit(2 * max(1, sum(client.nthreads().values())))
        pending = completed(list(running), loop=client.loop)
        try:
            for future in pending:
                done(running.pop(future), future.result())
                more = submit(1)
                running |= more
                for added in more:
                    pending.add(added)
        except KeyboardInterrupt:
            for future in pending:
                done(running.pop(future), future.result())
            raise


def _chunks(seeds: list[int]) -> Iterator[list[int]]:
    for i in range(0, len(seeds), _CHUNK):
        yield seeds[i:i + _CHUNK]


def sweep(scenario: LoadedScenario | Source, seeds: list[int], playbooks: list[Source | None], jobs: int = 1,
          progress: Callable[[int], None] | None = None, scheduler: str | None = None) -> Sweep:
    """Run every seed under every playbook (paired: the same seeds, each later playbook against the
    first), folding each run into the summary as it completes, so memory does not grow with the
    number of runs.

    ctrl-c stops it cleanly: the runs under way finish, nothing new starts, and the summary
    holds what completed (``Sweep.interrupted``). The result does not depend on ``jobs``, on
    the executor or on the order in which chunks finish: the summary holds counts and exact
    integer sums. ``scheduler``: the address of a Dask scheduler (``tcp://HOST:8786``) to run
    the chunks on a cluster instead of local processes.
    """
    result = Sweep(len(seeds), [Tally() for _ in playbooks], [Pairs() for _ in playbooks[1:]])

    def fold(_: int, rows: list[tuple[Outcome, ...]]) -> None:
        result.add(rows)
        if progress:
            progress(len(rows))

    try:
        run_chunks(seed_runs, payload(scenario, playbooks), _chunks(seeds), fold, jobs=jobs, scheduler=scheduler)
    except KeyboardInterrupt:
        result.interrupted = True
    return result


def run_batch(scenario: LoadedScenario | Source, seeds: list[int], playbook: Source | None = None, jobs: int = 1,
              progress: Callable[[int], None] | None = None) -> list[Outcome]:
    """One full Outcome per seed, in seed order (for tests and analyses that need each run;
    a summary of many runs is ``sweep``'s)."""
    rows = run_in_order(seed_runs, payload(scenario, [playbook]), list(_chunks(seeds)), jobs=jobs, progress=progress)
    return [row[0] for row in rows]


# --- the summary, folded run by run -----------------------------------------------------------

_GRID = 10_000  # indicator values are kept to 1/10,000 for their quantiles
_MILLION = 1_000_000


@dataclass
class Tally:
    """One policy's runs, folded in: objective counts and indicator value histograms.

    Indicator values are kept rounded to four decimals, counted, so a quantile is exact to
    0.0001 (the tables print two decimals) and memory is bounded by the grid, not the runs.
    """

    runs: int = 0
    met: dict[str, int] = field(default_factory=dict)  # objective -> runs that met it
    judged: dict[str, int] = field(default_factory=dict)  # objective -> runs that judged it
    values: dict[str, dict[str, Counter]] = field(default_factory=lambda: {"final": {}, "lowest": {}, "highest": {}})

    def add(self, o: Outcome) -> None:
        self.runs += 1
        for oid, met in o.objectives.items():
            self.judged.setdefault(oid, 0)
            self.met.setdefault(oid, 0)
            if met is not None:
                self.judged[oid] += 1
                self.met[oid] += bool(met)
        for which, counts in self.values.items():
            for ident, value in getattr(o, which).items():
                counts.setdefault(ident, Counter())[round(value * _GRID)] += 1

    def objective_rates(self) -> list[ObjectiveRate]:
        out = []
        for oid, n in self.judged.items():
            met = self.met[oid]
            out.append(ObjectiveRate(oid, met, n, met / n, *wilson(met, n)) if n else
                       ObjectiveRate(oid, 0, 0, None, None, None))
        return out

    def indicator_quantiles(self, which: str = "final") -> dict[str, tuple[float, float, float]]:
        """(p5, median, p95) of each indicator's final (or lowest/highest) value."""
        return {ident: (_counted_quantile(counts, 0.05) / _GRID, _counted_quantile(counts, 0.5) / _GRID,
                        _counted_quantile(counts, 0.95) / _GRID)
                for ident, counts in self.values[which].items()}


@dataclass
class Pairs:
    """Per objective, the paired differences (second policy minus first) on seeds both judged:
    -1, 0 or +1 each, so their count, sum and sum of squares are exact integers."""

    n: dict[str, int] = field(default_factory=dict)
    total: dict[str, int] = field(default_factory=dict)
    squares: dict[str, int] = field(default_factory=dict)
    only_a: dict[str, int] = field(default_factory=dict)
    only_b: dict[str, int] = field(default_factory=dict)
    both: dict[str, int] = field(default_factory=dict)  # seeds on which both met it
    # Indicators' final values, second minus first, in millionths: integers again, so exact.
    final_total: dict[str, int] = field(default_factory=dict)
    final_squares: dict[str, int] = field(default_factory=dict)
    finals: int = 0

    def add(self, a: Outcome, b: Outcome) -> None:
        self.finals += 1
        for ident, value in a.final.items():
            d = round((b.final[ident] - value) * _MILLION)
            self.final_total[ident] = self.final_total.get(ident, 0) + d
            self.final_squares[ident] = self.final_squares.get(ident, 0) + d * d
        for oid, met_a in a.objectives.items():
            for counts in (self.n, self.total, self.squares, self.only_a, self.only_b, self.both):
                counts.setdefault(oid, 0)
            met_b = b.objectives.get(oid)
            if met_a is None or met_b is None:
                continue
            d = int(met_b) - int(met_a)
            self.n[oid] += 1
            self.total[oid] += d
            self.squares[oid] += d * d
            self.only_a[oid] += d == -1
            self.only_b[oid] += d == 1
            self.both[oid] += bool(met_a and met_b)

    def indicator_differences(self) -> list[tuple[str, int, float, float, float]]:
        """(indicator, pairs, mean, low, high): the paired change in each final value, 95% interval."""
        out = []
        n = self.finals
        for ident, total in self.final_total.items():
            mean, half = _interval(total, self.final_squares[ident], n)
            out.append((ident, n, mean / _MILLION, (mean - half) / _MILLION, (mean + half) / _MILLION))
        return out

    def differences(self) -> list[PairedDifference]:
        out = []
        for oid, n in self.n.items():
            if n == 0:
                out.append(PairedDifference(oid, 0, None, None, None, 0, 0))
                continue
            b, c = self.only_a[oid], self.only_b[oid]
            low, high = newcombe(self.both.get(oid, 0), b, c, n - self.both.get(oid, 0) - b - c)
            out.append(PairedDifference(oid, n, (c - b) / n, low, high, b, c, self.both.get(oid, 0)))
        return out


def _wilson(k: int, n: int) -> tuple[float, float]:
    centre, half = k + Z95 ** 2 / 2, Z95 * math.sqrt(k * (n - k) / n + Z95 ** 2 / 4)
    return (centre - half) / (n + Z95 ** 2), (centre + half) / (n + Z95 ** 2)


def newcombe(both: int, only_a: int, only_b: int, neither: int) -> tuple[float, float]:
    """95% interval of the paired difference of two success rates (second minus first), by Newcombe's
    method 10 (Stat Med 1998;17:2635): Wilson score intervals of each rate, joined with the correlation
    of the pairs. Unlike the Wald interval it does not collapse to a point when few seeds differ (a 4-0
    split of 1,000 seeds reads 0.0% to 1.0%, not 0.4 +- 0.4)."""
    n = both + only_a + only_b + neither
    p1, p2 = (both + only_a) / n, (both + only_b) / n
    l1, u1 = _wilson(both + only_a, n)
    l2, u2 = _wilson(both + only_b, n)
    margins = (both + only_a) * (only_b + neither) * (both + only_b) * (only_a + neither)
    phi = (both * neither - only_a * only_b) / math.sqrt(margins) if margins else 0.0
    diff = p2 - p1
    below = math.sqrt(max(0.0, (p2 - l2) ** 2 - 2 * phi * (p2 - l2) * (u1 - p1) + (u1 - p1) ** 2))
    above = math.sqrt(max(0.0, (u2 - p2) ** 2 - 2 * phi * (u2 - p2) * (p1 - l1) + (p1 - l1) ** 2))
    return max(-1.0, diff - below), min(1.0, diff + above)


def mcnemar(only_a: int, only_b: int) -> float:
    """Exact two-sided p-value of McNemar's test: of the pairs where the two policies disagree, how
    unlikely a split at least this uneven is if either way were a coin toss."""
    n = only_a + only_b
    if n == 0:
        return 1.0
    tail = sum(math.comb(n, i) for i in range(min(only_a, only_b) + 1)) / 2 ** n
    return min(1.0, 2 * tail)


def benjamini_hochberg(p_values: list[float]) -> list[float]:
    """Benjamini-Hochberg adjusted p-values (q), in the order given: a finding with q < 0.05 is one of
    a set in which at most 5% are expected to be false discoveries."""
    m = len(p_values)
    order = sorted(range(m), key=lambda i: p_values[i])
    adjusted = [0.0] * m
    running = 1.0
    for rank in range(m, 0, -1):
        i = order[rank - 1]
        running = min(running, p_values[i] * m / rank)
        adjusted[i] = running
    return adjusted


def _interval(total: int, squares: int, n: int) -> tuple[float, float]:
    """The mean of ``n`` values from their exact sum and sum of squares, and its 95% half-width."""
    mean = total / n
    var = (squares - n * mean * mean) / (n - 1) if n > 1 else 0.0
    return mean, Z95 * math.sqrt(max(var, 0.0)) / math.sqrt(n)


@dataclass
class Sweep:
    """What a sweep came to: a Tally per playbook, each later playbook paired with the first, and
    how many runs completed."""

    asked: int  # seeds asked for
    tallies: list[Tally]
    pairs: list[Pairs] = field(default_factory=list)  # the second playbook against the first, the third...
    interrupted: bool = False

    @property
    def completed(self) -> int:
        return self.tallies[0].runs

    def add(self, rows: list[tuple[Outcome, ...]]) -> None:
        for row in rows:
            for tally, o in zip(self.tallies, row, strict=True):
                tally.add(o)
            for pairs, other in zip(self.pairs, row[1:], strict=True):
                pairs.add(row[0], other)


def _counted_quantile(counts: Counter, q: float) -> float:
    """The linear-interpolated quantile of the values ``counts`` holds (value -> how many)."""
    keys = sorted(counts)
    cumulative = list(itertools.accumulate(counts[k] for k in keys))
    n = cumulative[-1]
    pos = (n - 1) * q
    low = math.floor(pos)

    def at(index: int) -> int:
        return keys[bisect.bisect_right(cumulative, index)]

    return at(low) + (at(min(low + 1, n - 1)) - at(low)) * (pos - low)


# --- statistics -------------------------------------------------------------------------------


def wilson(successes: int, n: int, z: float = Z95) -> tuple[float, float]:
    """Wilson score interval for a binomial proportion (good near 0 and 1, unlike the normal one)."""
    if n == 0:
        return (0.0, 1.0)
    p = successes / n
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / (1 + z * z / n)
    return (max(0.0, centre - half), min(1.0, centre + half))


@dataclass(frozen=True)
class ObjectiveRate:
    objective: str
    met: int
    judged: int
    rate: float | None  # None when no run judged it (facilitator-rated objectives)
    low: float | None
    high: float | None


@dataclass(frozen=True)
class PairedDifference:
    objective: str
    pairs: int
    mean: float | None  # rate(B) - rate(A) on the same seeds; None without judged pairs
    low: float | None
    high: float | None
    only_a: int
    only_b: int
    both: int = 0

    @property
    def p(self) -> float:
        """Exact McNemar p-value of the difference (1.0 without judged pairs)."""
        return mcnemar(self.only_a, self.only_b)

    @property
    def interval(self) -> tuple[float, float, float] | None:
        """(mean, low, high), or None without judged pairs."""
        if self.mean is None or self.low is None or self.high is None:
            return None
        return self.mean, self.low, self.high

    @property
    def clear(self) -> bool:
        """The change is more than its 95% interval: the interval leaves out zero (one comparison alone;
        a what-if of many holds them to a false discovery rate instead, ``whatif.Effect``)."""
        found = self.interval
        return found is not None and (found[1] > 0 or found[2] < 0)


def tally(outcomes: list[Outcome]) -> Tally:
    folded = Tally()
    for o in outcomes:
        folded.add(o)
    return folded


def objective_rates(outcomes: list[Outcome]) -> list[ObjectiveRate]:
    return tally(outcomes).objective_rates()


def paired_differences(a: list[Outcome], b: list[Outcome]) -> list[PairedDifference]:
    """Second minus first, on the seeds both ran."""
    by_seed = {o.seed: o for o in b}
    pairs = Pairs()
    for oa in a:
        ob = by_seed.get(oa.seed)
        if ob is not None:
            pairs.add(oa, ob)
        else:  # listed with no pair, as every objective of the first batch is
            pairs.add(oa, dataclasses.replace(oa, objectives=dict.fromkeys(oa.objectives)))
    return pairs.differences()
