"""Sweeps on a Dask cluster: a real LocalCluster (worker processes on loopback), the same results."""

from __future__ import annotations

from pathlib import Path

import pytest

distributed = pytest.importorskip("distributed", reason="Dask's distributed is in the test extras")
pytestmark = pytest.mark.slow  # a local cluster of two worker processes

from click.testing import CliRunner

from exercise.cli import main
from exercise.scenario.loader import Source
from exercise.session.montecarlo import sweep

ROOT = Path(__file__).resolve().parents[1]
ELECTION = Source.read(ROOT / "scenarios" / "election-week.yaml")
PROACTIVE = Source.read(ROOT / "scenarios" / "playbooks" / "election-week-proactive.yaml")


@pytest.fixture(scope="module")
def cluster():
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None,
                                  host="127.0.0.1") as running:
        yield running


def test_a_sweep_on_a_cluster_is_the_sweep_on_local_processes(cluster) -> None:
    seeds = list(range(11, 211))  # several chunks per worker, finishing in any order
    books = [None, PROACTIVE]
    on_cluster = sweep(ELECTION, seeds, books, scheduler=cluster.scheduler_address)
    assert on_cluster.completed == len(seeds)
    assert on_cluster == sweep(ELECTION, seeds, books, jobs=2) == sweep(ELECTION, seeds, books, jobs=1)


def test_the_cli_runs_monte_carlo_on_a_cluster(cluster) -> None:
    args = ["simulate", "election-week", "--runs", "60", "--playbook", "passive", "--compare", "proactive", "--json"]
    here = CliRunner().invoke(main, [*args, "--jobs", "1"])
    there = CliRunner().invoke(main, [*args, "--scheduler", cluster.scheduler_address])
    assert here.exit_code == there.exit_code == 0, there.output
    assert here.stdout == there.stdout


def test_sensitivity_on_a_cluster_is_the_local_one(cluster) -> None:
    pytest.importorskip("SALib")
    from exercise.scenario import load_scenario
    from exercise.scenario.playbook import load_playbook
    from exercise.session.sensitivity import GROUPS, analyse, parameters

    lab = ROOT / "tests" / "data" / "sensitivity.yaml"
    act = ROOT / "tests" / "playbooks" / "sensitivity-lab.yaml"
    loaded = load_scenario(lab)
    book = load_playbook(act, loaded)[0]
    params = parameters(loaded, book, GROUPS)
    here = analyse(loaded, book, params, samples=4, seeds=[1, 2, 3], playbook_source=Source.read(act))
    there = analyse(loaded, book, params, samples=4, seeds=[1, 2, 3], playbook_source=Source.read(act),
                    scheduler=cluster.scheduler_address)
    assert here == there and here[0].drivers[0].parameter == "FIX's lead time"
