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


def _self_signed(folder: Path) -> tuple[Path, Path]:
    """A certificate for 127.0.0.1 that is its own CA, and its key, made by the distribution's openssl."""
    import shutil
    import subprocess

    if shutil.which("openssl") is None:
        pytest.skip("openssl is not installed: no certificate for the TLS cluster")
    cert, key = folder / "cert.pem", folder / "key.pem"
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=localhost",
                    "-addext", "subjectAltName=IP:127.0.0.1,DNS:localhost", "-keyout", str(key), "-out", str(cert)],
                   check=True, capture_output=True)
    return cert, key


def test_the_cli_runs_on_a_tls_cluster_and_only_with_its_certificates(tmp_path: Path) -> None:
    from distributed.security import Security

    cert, key = _self_signed(tmp_path)
    files = {"tls_ca_file": str(cert), "require_encryption": True}
    for role in ("scheduler", "worker", "client"):
        files |= {f"tls_{role}_cert": str(cert), f"tls_{role}_key": str(key)}
    with distributed.LocalCluster(n_workers=1, threads_per_worker=1, processes=True, dashboard_address=None,
                                  host="127.0.0.1", protocol="tls", security=Security(**files)) as tls:
        address = tls.scheduler_address
        assert address.startswith("tls://")
        args = ["simulate", "election-week", "--runs", "20", "--playbook", "proactive", "--json"]
        here = CliRunner().invoke(main, [*args, "--jobs", "1"])
        there = CliRunner().invoke(main, [*args, "--scheduler", address, "--tls-ca", str(cert),
                                          "--tls-cert", str(cert), "--tls-key", str(key)])
        assert there.exit_code == 0, there.output
        assert here.stdout == there.stdout
        refused = CliRunner().invoke(main, [*args, "--scheduler", address])
        assert refused.exit_code == 2 and "needs --tls-ca" in refused.output
    # The certificates were for that command only: the process is not left speaking TLS.
    import dask

    assert not dask.config.get("distributed.comm.require-encryption", False)
