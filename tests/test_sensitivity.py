"""Sensitivity: on a scenario whose answer is known, the parameter that decides ranks first."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

pytest.importorskip("SALib", reason="SALib is in the test extras")

from exercise.cli import main
from exercise.scenario import load_scenario
from exercise.scenario.loader import Source
from exercise.scenario.playbook import load_playbook
from exercise.session.headless import outcome, simulate
from exercise.session.sensitivity import GROUPS, analyse, parameters, variant

HERE = Path(__file__).resolve().parent
LAB = HERE / "data" / "sensitivity.yaml"
ACT = HERE / "playbooks" / "sensitivity-lab.yaml"


@pytest.fixture(scope="module")
def lab():
    loaded = load_scenario(LAB)
    return loaded, load_playbook(ACT, loaded)[0]


def test_a_variant_changes_only_what_it_says(lab) -> None:
    loaded, book = lab
    params = parameters(loaded, book, ("lead_times",))
    assert [p.name for p in params] == ["FIX's lead time", "SLOW's lead time"]
    slow = variant(loaded, params, [1.4, 1.0])  # FIX: 4h -> 5.6h, past the T+5h deadline
    assert slow.responses["FIX"].lead_time.value == pytest.approx(336.0)
    assert loaded.responses["FIX"].lead_time.value == 240.0  # the original is untouched
    def met(scenario) -> set:
        return {outcome(simulate(scenario, seed, book)).objectives["RESTORED"] for seed in range(1, 6)}

    assert met(loaded) == {True} and met(slow) == {False}


@pytest.mark.parametrize(("method", "samples"), [("morris", 8), ("sobol", 32)])
def test_the_deciding_lead_time_ranks_first(lab, method: str, samples: int) -> None:
    loaded, book = lab
    (restored,) = analyse(loaded, book, parameters(loaded, book, GROUPS), method=method, samples=samples,
                          seeds=list(range(1, 4)), playbook_source=Source.read(ACT))
    assert restored.objective == "RESTORED"
    assert restored.drivers[0].parameter == "FIX's lead time"
    untouched = {d.parameter: d.index for d in restored.drivers}
    for name in ("SLOW's lead time", "chatter.post's success odds", "chatter.post's detection delay"):
        assert untouched[name] == pytest.approx(0.0, abs=1e-9)
    assert restored.sentence().startswith("RESTORED depends mostly on FIX's lead time")
    if method == "morris":  # a longer lead time can only hurt: the sign says so, and the sentence
        assert restored.drivers[0].signed < 0 and restored.drivers[0].direction == "lowers"
        assert "FIX's lead time (raising it lowers the success rate)" in restored.sentence()


def test_the_command(lab) -> None:
    result = CliRunner().invoke(main, ["sensitivity", str(LAB), "--playbook", str(ACT), "--seeds", "3",
                                       "--samples", "4", "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    first = data["objectives"][0]["drivers"][0]
    assert first["parameter"] == "FIX's lead time"
    assert {"mu_star", "mu_star_conf", "mu", "sigma", "direction"} <= set(first) and first["mu"] < 0
    bad = CliRunner().invoke(main, ["sensitivity", str(LAB), "--vary", "weather"])
    assert bad.exit_code == 2 and "--vary takes" in bad.output
    sobol = CliRunner().invoke(main, ["sensitivity", str(LAB), "--method", "sobol", "--samples", "100"])
    assert sobol.exit_code == 2 and "take 64 or 128" in sobol.output


def test_the_samples_give_the_same_answer_on_one_or_two_processes(lab) -> None:
    loaded, book = lab
    params = parameters(loaded, book, GROUPS)
    one = analyse(loaded, book, params, samples=4, seeds=[1, 2], playbook_source=Source.read(ACT), jobs=1)
    two = analyse(loaded, book, params, samples=4, seeds=[1, 2], playbook_source=Source.read(ACT), jobs=2)
    assert one == two


def test_ranges_the_scenario_declares_are_used(tmp_path: Path) -> None:
    # The author knows FIX takes 3.6-4.4h: inside that, it is always back by T+5h, and its lead time
    # no longer matters; its approval odds (left to the default range) now lead.
    text = LAB.read_text(encoding="utf-8") + (
        "uncertainty:\n  - {of: lead_time, target: FIX, low: 0.9, high: 1.1, provenance: design}\n")
    path = tmp_path / "declared.yaml"
    path.write_text(text, encoding="utf-8")
    loaded = load_scenario(path)
    book = load_playbook(ACT, loaded)[0]
    params = parameters(loaded, book, GROUPS)
    fix = next(p for p in params if p.name == "FIX's lead time")
    assert (fix.low, fix.high) == (0.9, 1.1)
    (restored,) = analyse(loaded, book, params, samples=6, seeds=[1, 2, 3], playbook_source=Source.read(ACT))
    assert restored.drivers[0].parameter == "FIX's approval odds"
    assert {d.parameter: d.index for d in restored.drivers}["FIX's lead time"] == pytest.approx(0.0, abs=1e-9)


def test_a_declared_range_must_name_something_that_exists(tmp_path: Path) -> None:
    text = LAB.read_text(encoding="utf-8") + (
        "uncertainty:\n  - {of: detection, target: chatter.nope, low: 0.5, high: 2, provenance: design}\n"
        "  - {of: success, target: chatter.post, low: 0.2, high: 1.5, provenance: design}\n")
    path = tmp_path / "bad.yaml"
    path.write_text(text, encoding="utf-8")
    result = CliRunner().invoke(main, ["validate", str(path)])
    assert result.exit_code == 1
    assert "a probability is at most 1, not 1.5" in result.output


def test_a_declared_range_on_an_unknown_stage_is_an_error(tmp_path: Path) -> None:
    path = tmp_path / "unknown.yaml"
    path.write_text(LAB.read_text(encoding="utf-8") + (
        "uncertainty:\n  - {of: detection, target: chatter.nope, low: 0.5, high: 2, provenance: design}\n"),
        encoding="utf-8")
    result = CliRunner().invoke(main, ["validate", str(path)])
    assert result.exit_code == 1 and "unknown stage 'chatter.nope'" in result.output
