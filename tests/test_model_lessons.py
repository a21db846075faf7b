"""The model does not reward acting later (issue 33): a measure's gain on an indicator that recovers by
itself is not undone by that recovery, a restoration ('recover') is worth more the sooner it starts, and
GRID-01's success rate on election-week does not rise with its delay."""

from __future__ import annotations

import re
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from exercise.engine.indicators import Linear
from exercise.scenario.loader import Source
from exercise.scenario.models import Indicator
from exercise.session.montecarlo import objective_rates, run_batch

ROOT = Path(__file__).resolve().parents[1]
LN2 = 0.6931471805599453


def recovering(initial: float = 0.5) -> Linear:
    return Linear.start(Indicator.model_validate({
        "id": "trust", "name": "Trust", "domain": "society", "initial": initial, "baseline": 0.8,
        "recovery_half_life": "10h", "provenance": "design"}))


@settings(max_examples=60, deadline=None)
@given(st.floats(0, 1000), st.floats(0, 1000), st.floats(0.01, 0.15))
def test_a_measures_step_is_worth_the_same_whenever_it_lands(early: float, late: float, change: float) -> None:
    early, late = sorted((early, late))
    end = 2000.0
    a, b = recovering(), recovering()
    a.lasting_step(early, change)
    b.lasting_step(late, change)
    assert abs(a.at(end) - b.at(end)) < 1e-9
    # A plain step, which the recovery undoes, is what rewarded waiting (kept for stages' own effects).
    c, d = recovering(), recovering()
    c.step(early, c.at(early) + change)
    d.step(late, d.at(late) + change)
    assert c.at(end) <= d.at(end) + 1e-12


@settings(max_examples=60, deadline=None)
@given(st.floats(0, 600), st.floats(0, 600), st.floats(30, 600), st.floats(0, 2000))
def test_a_restoration_started_earlier_is_never_worse(first: float, second: float, lasts: float, when: float) -> None:
    early, late = sorted((first, second))
    runs = []
    for start in (early, late):
        state = recovering(initial=0.3)
        state.set_recovery(start, 1, LN2 / 60.0)
        state.set_recovery(start + lasts, 1, None)
        runs.append(state.at(when))
    assert runs[0] >= runs[1] - 1e-12


def test_grid_restoration_does_not_pay_for_waiting() -> None:
    book = (ROOT / "scenarios" / "playbooks" / "election-week-proactive.yaml").read_text(encoding="utf-8")
    seeds = list(range(1, 81))
    rates = []
    for delay in ("0m", "20m", "2h", "4h", "200h"):
        changed = re.sub(r"(take: GRID-01\n\s+delay: )\S+", rf"\g<1>{delay}", book)
        assert changed != book or delay == "20m"
        outcomes = run_batch(Source.read(ROOT / "scenarios" / "election-week.yaml"), seeds,
                             Source(f"GRID-01 after {delay}", changed.encode()))
        rates.append(next(r.rate for r in objective_rates(outcomes) if r.objective == "OBJ-5"))
    # Paired on the same seeds: each later start meets OBJ-5 in no more runs than the one before.
    assert rates == sorted(rates, reverse=True) and rates[0] > rates[-1], rates


def test_a_declared_trade_off_is_said_in_the_guide(write_scenario) -> None:
    from exercise.report.guide import render_guide
    from exercise.scenario import load_scenario

    text = (ROOT / "scenarios" / "election-week.yaml").read_text(encoding="utf-8")
    said = "restoring supply before the intrusion is cleared risks re-infection"
    text = text.replace("      cost: 1\n      legal_basis: national energy law;",
                        f"      trade_off: {said}\n      cost: 1\n      legal_basis: national energy law;", 1)
    assert said in text
    guide = render_guide(load_scenario(write_scenario(text)).scenario)
    assert f"- **GRID-01**: {said}" in guide and "Where acting later can really be better" in guide
    assert "Where acting later" not in render_guide(load_scenario(ROOT / "scenarios" / "election-week.yaml").scenario)
