"""Technique ids name their framework and exist in the shipped lists (issue 17, item 5)."""

from __future__ import annotations

from pathlib import Path

import pytest
from importlib import resources

from exercise.scenario import load_scenario
from exercise.scenario.errors import ScenarioError
from exercise.scenario.frameworks import FILES, framework
from exercise.scenario.loader import scenario_from_bytes

ROOT = Path(__file__).resolve().parents[1]
SCENARIOS = sorted((ROOT / "scenarios").glob("*.yaml"))


def every_technique(path: Path) -> list[str]:
    s = load_scenario(path).scenario
    return [t for c in s.campaigns for t in [*c.techniques, *(t for st in c.stages for t in st.techniques)]]


@pytest.mark.parametrize("path", SCENARIOS, ids=[p.stem for p in SCENARIOS])
def test_every_bundled_technique_exists_in_its_framework(path: Path) -> None:
    techniques = every_technique(path)
    assert techniques
    for technique in techniques:
        prefix, _, ident = technique.partition(":")
        assert ident in framework(prefix).ids, technique


def test_the_lists_are_the_real_frameworks_with_their_licences() -> None:
    disarm, attack, ics = (framework(p) for p in ("disarm", "attack", "ics"))
    assert len(disarm.ids) == 391 and "49df5f6" in disarm.version  # DISARM main, 2025-02-10
    assert "ATT&CK v18" in attack.version and len(attack.ids) > 600 and len(ics.ids) > 80
    assert ics.ids["T0864"] == "Transient Cyber Asset" and disarm.ids["T0088.001"].startswith("Develop AI-Generated Audio")
    data = resources.files("exercise.scenario").joinpath("data/frameworks")
    assert "Attribution-ShareAlike 4.0" in data.joinpath("DISARM-LICENSE.md").read_text("utf-8")
    assert "The MITRE Corporation" in data.joinpath("ATTACK-LICENSE.txt").read_text("utf-8")
    assert set(FILES) == {"disarm", "attack", "ics"}


def test_the_audit_mappings_are_fixed() -> None:
    baltic = load_scenario(ROOT / "scenarios" / "baltic-winter.yaml").scenario
    stages = {f"{c.id}.{st.id}": st for c in baltic.campaigns for st in c.stages}
    assert stages["grid-intrusion.foothold"].techniques == ["ics:T0864"]
    assert "disarm:T0143.003" not in stages["blame.narrative"].techniques
    election = load_scenario(ROOT / "scenarios" / "election-week.yaml").scenario
    grid = {st.id: st for c in election.campaigns if c.id == "grid" for st in c.stages}
    # A supplier's remote-access account (its own text): external remote services with valid accounts, not a
    # supply chain compromise (the third legal audit).
    assert grid["foothold"].techniques == ["ics:T0822", "ics:T0859"]
    assert framework("ics").ids["T0822"] == "External Remote Services" and framework("ics").ids["T0859"] == "Valid Accounts"
    for path in SCENARIOS:
        assert not any(t.endswith("T0817") for t in every_technique(path)), path.stem


def _with_technique(technique: str) -> bytes:
    text = (ROOT / "tests" / "data" / "tiny.yaml").read_text(encoding="utf-8")
    return text.replace("    stages:\n", f"    techniques: [{technique}]\n    stages:\n", 1).encode()


@pytest.mark.parametrize("technique, message", [
    ("T0087", "T0087 is DISARM Red Framework: write disarm:T0087"),
    ("TA0105", "TA0105 is a tactic, not a technique"),
    ("ics:T0999", "T0999 is not a technique of ATT&CK for ICS (ATT&CK v18"),
    ("mitre:T1486", "not a technique id"),
])
def test_old_and_wrong_ids_say_how_to_write_them(technique: str, message: str) -> None:
    with pytest.raises(ScenarioError) as caught:
        scenario_from_bytes(_with_technique(technique), "t.yaml")
    [problem] = caught.value.problems
    assert message in problem.message and problem.line > 1
