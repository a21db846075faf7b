"""`exercise audit` (issue 33): a scenario built to teach the wrong lessons is caught on each count, a
declared trade-off is reported and not held against it, and the bundled scenarios pass their own audit."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from exercise.cli import main
from exercise.session.audit import mcnemar

ROOT = Path(__file__).resolve().parents[1]
LAB = ROOT / "tests" / "data" / "perverse.yaml"
BOOK = ROOT / "tests" / "playbooks" / "perverse-lab.yaml"


def audit(*args: str) -> tuple[int, dict]:
    result = CliRunner().invoke(main, ["audit", *args, "--json", "--jobs", "1"])
    assert result.exit_code in (0, 1), result.output
    return result.exit_code, json.loads(result.stdout)


def test_mcnemar_is_exact() -> None:
    assert mcnemar(0, 0) == 1.0
    assert mcnemar(4, 0) == mcnemar(0, 4) == 0.125  # a 4-0 split: called "significant" by a Wald interval
    assert mcnemar(10, 0) == pytest.approx(2 / 1024)
    assert mcnemar(5, 5) == 1.0


def test_a_perverse_scenario_is_caught_on_every_count() -> None:
    code, found = audit(str(LAB), "--playbook", str(BOOK), "--runs", "40")
    assert code == 1 and found["failed"]
    faults = {(f["kind"], f["sentence"].split(" (")[0]) for p in found["playbooks"] for f in p["findings"]
              if f["failing"]}
    assert ("perverse timing", "Taken 6h later") in faults
    assert ("perverse omission", "Not taken at all") in faults
    notes = {f["kind"] for f in found["notes"]}
    assert {"tautological", "end time", "untagged counter", "unmovable"} <= notes


def test_a_declared_trade_off_is_said_and_not_held_against_the_scenario(write_scenario, tmp_path: Path) -> None:
    text = LAB.read_text(encoding="utf-8").replace(
        "id: BOOST, name: Boost,", "id: BOOST, name: Boost, trade_off: 'a boost the night before is what counts',")
    text = text.replace("indicator: mood, above: 0.5, mode: at_end", "indicator: mood, above: 0.52, mode: at_end")
    book = tmp_path / "boost-only.yaml"
    book.write_text(BOOK.read_text(encoding="utf-8").split("  - {when: {after: 0m}, team: ops, take: HUSH")[0])
    code, found = audit(str(write_scenario(text, "perverse.yaml")), "--playbook", str(book), "--runs", "40")
    findings = [f for p in found["playbooks"] for f in p["findings"]]
    assert code == 0 and not found["failed"], findings
    assert any(f["kind"] == "trade-off" and "a boost the night before is what counts" in f["sentence"]
               for f in findings), findings


@pytest.mark.parametrize("scenario", ["election-week", "baltic-winter", "port-and-platforms"])
def test_the_bundled_scenarios_pass_their_own_audit(scenario: str) -> None:
    code, found = audit(scenario, "--runs", "60")
    assert code == 0, [f for p in found["playbooks"] for f in p["findings"] if f["failing"]]
