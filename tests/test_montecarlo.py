"""Monte Carlo: lean runs, a summary folded run by run, ctrl-c, and the per-scenario preparation."""

from __future__ import annotations

import math
from pathlib import Path

import pytest

from exercise.engine import log_to_jsonl
from exercise.engine.world import LEAN_KINDS
from exercise.scenario import load_scenario
from exercise.scenario.loader import Source
from exercise.scenario.playbook import load_playbook
from exercise.session import outcome, simulate
from exercise.session import montecarlo
from exercise.session.montecarlo import Tally, paired_differences, run_batch, sweep, tally

ROOT = Path(__file__).resolve().parents[1]
SCENARIOS = sorted((ROOT / "scenarios").glob("*.yaml"))
BOOKS = ROOT / "scenarios" / "playbooks"
ELECTION = ROOT / "scenarios" / "election-week.yaml"
SOURCE = Source.read(ELECTION)


@pytest.mark.parametrize("path", SCENARIOS, ids=lambda p: p.stem)
def test_a_lean_run_comes_to_the_same_outcome_as_a_full_one(path: Path) -> None:
    loaded = load_scenario(path)
    books = [None] + [load_playbook(p, loaded)[0] for p in sorted(BOOKS.glob(f"{path.stem}-*.yaml"))]
    for book in books:
        for seed in range(1, 16):
            full, lean = simulate(loaded, seed, book), simulate(loaded, seed, book, lean=True)
            assert outcome(lean) == outcome(full)
            assert len(lean.events) < len(full.events)
            # What a lean run logs is exactly the full log's events of the kinds it keeps: a record
            # skipped in a lean run must be of a kind it drops anyway.
            kept = [(e.t, e.kind, e.data) for e in full.events if e.kind in LEAN_KINDS]
            assert [(e.t, e.kind, e.data) for e in lean.events] == kept


def test_runs_sharing_one_preparation_are_the_runs_of_fresh_scenarios() -> None:
    # The preparation is made by the first run and reused: no run may leave anything in it.
    shared = load_scenario(ELECTION)
    book = load_playbook(BOOKS / "election-week-proactive.yaml", shared)[0]
    for seed in (3, 9, 3):
        fresh = load_scenario(ELECTION)
        assert log_to_jsonl(simulate(shared, seed, book).events) == \
            log_to_jsonl(simulate(fresh, seed, load_playbook(BOOKS / "election-week-proactive.yaml", fresh)[0]).events)
    assert "engine" in shared.prepared


def test_runs_compile_their_conditions_once_and_leave_nothing_behind() -> None:
    # A playbook's rules and the measures' preconditions are compiled the first time a run
    # meets them and kept; later runs add nothing, so a long sweep's memory stays flat.
    loaded = load_scenario(ELECTION)
    book = load_playbook(BOOKS / "election-week-proactive.yaml", loaded)[0]
    for seed in range(1, 30):
        simulate(loaded, seed, book, lean=True)
    table = loaded.prepared["engine"]._compiled
    seen = len(table)
    for seed in range(1, 30):  # the same runs again: a condition made per run would add entries
        simulate(loaded, seed, book, lean=True)
    assert len(table) == seen
    assert {id(rule.when) for rule in book.rules} <= set(table)


def test_the_folded_summary_is_the_summary_of_the_list() -> None:
    seeds = list(range(1, 41))
    passive = run_batch(SOURCE, seeds, Source.read(BOOKS / "election-week-passive.yaml"))
    proactive = run_batch(SOURCE, seeds, Source.read(BOOKS / "election-week-proactive.yaml"))
    done = sweep(SOURCE, seeds, [Source.read(BOOKS / "election-week-passive.yaml"),
                                 Source.read(BOOKS / "election-week-proactive.yaml")])
    assert done.completed == 40 and not done.interrupted
    assert done.tallies[0] == tally(passive) and done.tallies[1] == tally(proactive)
    assert done.pairs[0].differences() == paired_differences(passive, proactive)
    # Quantiles from the counted grid agree with the exact ones to the grid's 0.0001.
    for which in ("final", "lowest", "highest"):
        for ident, got in done.tallies[1].indicator_quantiles(which).items():
            values = sorted(getattr(o, which)[ident] for o in proactive)
            for q, value in zip((0.05, 0.5, 0.95), got, strict=True):
                pos = (len(values) - 1) * q
                low = math.floor(pos)
                exact = values[low] + (values[min(low + 1, len(values) - 1)] - values[low]) * (pos - low)
                assert value == pytest.approx(exact, abs=1e-4)


def test_identical_policies_differ_by_exactly_nothing() -> None:
    book = Source.read(BOOKS / "election-week-proactive.yaml")
    done = sweep(SOURCE, list(range(1, 31)), [book, book])
    for d in done.pairs[0].differences():
        assert d.mean in (0.0, None) and d.only_a == d.only_b == 0
        # No seed differs, so nothing is found (p = 1); the interval still says what so few pairs cannot rule
        # out (Newcombe's, which does not collapse to a point as the Wald interval did).
        assert d.mean is None or (d.p == 1.0 and d.low < 0.0 < d.high and not d.clear)


def test_a_sweep_is_the_same_on_one_or_two_processes() -> None:
    seeds = list(range(7, 120))  # several chunks, finishing in any order on two processes
    books = [None, Source.read(BOOKS / "election-week-proactive.yaml")]
    assert sweep(SOURCE, seeds, books, jobs=1) == sweep(SOURCE, seeds, books, jobs=2)


@pytest.mark.parametrize("jobs", [1, 2])
def test_ctrl_c_stops_a_sweep_with_the_runs_that_completed(jobs: int) -> None:
    seeds = list(range(1, 401))
    calls = []

    def progress(n: int) -> None:
        calls.append(n)
        if len(calls) == 2:
            raise KeyboardInterrupt  # as ctrl-c arrives in the parent, between two chunks

    done = sweep(SOURCE, seeds, [None], jobs=jobs, progress=progress)
    assert done.interrupted and 0 < done.completed < len(seeds)
    # What completed is a prefix of the seeds, so the partial summary says which runs it holds.
    assert done.completed % montecarlo._CHUNK == 0
    assert done.tallies[0] == tally(run_batch(SOURCE, seeds[:done.completed]))


def test_memory_of_a_tally_does_not_grow_with_the_runs() -> None:
    loaded = load_scenario(ELECTION)
    folded = Tally()
    sizes = []
    for seed in range(1, 601):
        folded.add(outcome(simulate(loaded, seed, lean=True)))
        if seed in (300, 600):
            sizes.append(sum(len(c) for counts in folded.values.values() for c in counts.values()))
    # Distinct values seen, not runs: doubling the runs adds far fewer entries than it adds runs.
    assert sizes[1] - sizes[0] < 300 * len(loaded.scenario.indicators) * 3 / 2


def test_the_cli_says_when_a_batch_was_cut_short(monkeypatch: pytest.MonkeyPatch) -> None:
    from click.testing import CliRunner

    from exercise.cli import main

    real = montecarlo.sweep

    def interrupted(*args, **kwargs):
        done = real(*args, **kwargs)
        done.interrupted = True
        done.asked = 1000
        return done

    monkeypatch.setattr(montecarlo, "sweep", interrupted)
    result = CliRunner().invoke(main, ["simulate", "election-week", "--runs", "50", "--jobs", "1"])
    assert result.exit_code == 130
    assert "interrupted: 50 of 1,000 runs completed" in result.stderr
    assert "50 runs of 1000 (interrupted)" in result.stdout



def test_a_few_discordant_seeds_are_not_a_finding_and_many_are() -> None:
    """Two synthetic policies on 1,000 seeds: differing on 4 (all one way) is no finding, on 40 it is."""
    from exercise.session.montecarlo import PairedDifference, newcombe

    for differ, found in ((4, False), (40, True)):
        low, high = newcombe(300, 0, differ, 700 - differ)
        d = PairedDifference("X", 1000, differ / 1000, low, high, 0, differ, 300)
        assert (d.p < 0.05) is found and d.clear is found, (differ, d.p, low, high)
    assert newcombe(300, 0, 4, 696)[0] < 0  # a Wald interval read 0.4 +- 0.4 points: "significant"


def test_a_sweep_from_a_thread_runs_on_spawned_processes_behind_a_captured_stderr(monkeypatch) -> None:
    # The console's debrief sweeps from a worker thread while Textual holds sys.stderr (its
    # fileno() is -1): forking is unsafe there, so the pool spawns, and the resource tracker
    # must start with the real stderr ("bad value(s) in fds_to_keep" otherwise).
    import threading

    class Captured:
        def write(self, text: str) -> int:
            return len(text)

        def flush(self) -> None:
            pass

        def fileno(self) -> int:
            return -1

    from multiprocessing import resource_tracker

    if resource_tracker._resource_tracker._fd is not None:  # started by an earlier test: start afresh
        monkeypatch.setattr(resource_tracker, "_resource_tracker", resource_tracker.ResourceTracker())
        monkeypatch.setattr(resource_tracker, "ensure_running", resource_tracker._resource_tracker.ensure_running)
    loaded = load_scenario(ROOT / "scenarios" / "election-week.yaml")
    pools: list[str] = []
    real_pool = montecarlo._pool
    monkeypatch.setattr(montecarlo, "_pool", lambda jobs, files: pools.append(
        threading.current_thread().name) or real_pool(jobs, files))
    monkeypatch.setattr("sys.stderr", Captured())
    found: list = []
    worker = threading.Thread(target=lambda: found.append(run_batch(loaded, list(range(1, 9)), jobs=2)),
                              name="console-worker")
    worker.start()
    worker.join()
    assert pools == ["console-worker"] and found, "the sweep did not run on worker processes"
    assert found[0] == run_batch(loaded, list(range(1, 9)))
