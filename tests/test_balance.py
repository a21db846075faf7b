"""Each bundled scenario states its Monte Carlo balance in its header; a small run reproduces it."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from exercise.session.montecarlo import objective_rates, run_batch
from exercise.scenario.loader import Source

ROOT = Path(__file__).resolve().parents[1]
SCENARIOS = sorted((ROOT / "scenarios").glob("*.yaml"))
LINE = re.compile(r"^# balance (\S+): (.+)$", re.M)
RUNS = 100
# With 100 runs a rate's standard error is at most 5 points; 15 points is three of them.
TOLERANCE = 0.15


def stated(path: Path) -> dict[str, dict[str, float]]:
    out = {}
    for book, figures in LINE.findall(path.read_text(encoding="utf-8")):
        out[book] = {oid: int(pct) / 100 for oid, pct in re.findall(r"(\S+) (\d+)%", figures)}
    return out


@pytest.mark.parametrize("path", SCENARIOS, ids=[p.stem for p in SCENARIOS])
def test_stated_balance_is_reproduced(path: Path) -> None:
    balance = stated(path)
    assert set(balance) >= {"passive", "proactive"}, "state the balance of each bundled playbook in the header"
    for book, figures in balance.items():
        playbook = ROOT / "scenarios" / "playbooks" / f"{path.stem}-{book}.yaml"
        rates = {r.objective: r.rate for r in objective_rates(run_batch(Source.read(path), list(range(1, RUNS + 1)),
                                                                     Source.read(playbook)))}
        for objective, rate in figures.items():
            assert abs(rates[objective] - rate) <= TOLERANCE, f"{book} {objective}: header {rate:.0%}, now {rates[objective]:.0%}"


@pytest.mark.parametrize("path", SCENARIOS, ids=[p.stem for p in SCENARIOS])
def test_balance_is_neither_trivial_nor_impossible(path: Path) -> None:
    balance = stated(path)
    proactive, passive = balance["proactive"], balance["passive"]
    assert all(0.4 <= rate <= 0.9 for rate in proactive.values()), proactive
    assert sum(passive.values()) < sum(proactive.values()) - 0.5 * len(proactive), "passive should do clearly worse"
