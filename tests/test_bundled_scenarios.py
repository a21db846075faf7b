from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from exercise.cli import main
from exercise.scenario import load_scenario
from exercise.scenario.lint import lint
from exercise.scenario.bundled import bundled_ids, resolve_scenario

ROOT = Path(__file__).resolve().parents[1]
SCENARIOS = sorted((ROOT / "scenarios").glob("*.yaml"))


def test_there_is_a_bundled_scenario() -> None:
    assert SCENARIOS and bundled_ids() == [p.stem for p in SCENARIOS]


@pytest.mark.parametrize("path", SCENARIOS, ids=[p.stem for p in SCENARIOS])
def test_bundled_scenario_is_clean_under_strict(path: Path) -> None:
    loaded = load_scenario(path)
    assert lint(loaded) == []
    assert loaded.scenario.metadata.id == path.stem, "the file stem is how `exercise run ID` finds it"


@pytest.mark.parametrize("path", SCENARIOS, ids=[p.stem for p in SCENARIOS])
def test_bundled_scenario_combines_three_domains(path: Path) -> None:
    domains = {c.domain for c in load_scenario(path).scenario.campaigns}
    assert domains == {"fimi", "cyber", "infrastructure"}


@pytest.mark.parametrize("path", SCENARIOS, ids=[p.stem for p in SCENARIOS])
def test_bundled_scenario_points_editors_at_the_schema(path: Path) -> None:
    first = path.read_text(encoding="utf-8").splitlines()[0]
    assert first == "# yaml-language-server: $schema=scenario.schema.json"


def test_validate_by_bundled_id(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.chdir(tmp_path)  # outside the repository
    assert resolve_scenario("election-week") is not None
    result = CliRunner().invoke(main, ["validate", "--strict", "election-week"])
    assert result.exit_code == 0, result.output


@pytest.mark.parametrize("path", SCENARIOS, ids=[p.stem for p in SCENARIOS])
def test_bundled_scenario_is_a_full_exercise(path: Path) -> None:
    s = load_scenario(path).scenario
    assert len(s.injects) >= 25
    # Up to ten tables: election-week plays the Presidency, the EEAS and the Commission apart,
    # with civil society and the police, because their coordination is what it exercises.
    assert 4 <= len(s.teams) <= 10
    assert any(i.decision for i in s.injects), "at least one decision point"
    assert any(a.contingency for i in s.injects for a in i.expects), "at least one contingency inject"
    assert any(i.when for i in s.injects), "at least one inject on a trigger (branching)"
    assert 120 <= s.metadata.play_time <= 240, "2-4 hours of play"


def test_whole_of_society_and_separate_eu_institutions_are_played() -> None:
    teams = {p.stem: load_scenario(p).scenario.teams for p in SCENARIOS}
    levels = {t.level for ts in teams.values() for t in ts}
    assert {"civil_society", "private"} <= levels
    bodies = " ".join(t.body for t in teams["election-week"]).lower()
    assert all(b in bodies for b in ("presidency", "eeas", "commission"))
    assert all(t.level != "eu" or "played together" not in t.body for t in teams["election-week"])


def test_every_catalogue_measure_is_playable_or_the_readme_says_why() -> None:
    from exercise.scenario.catalogue import load_catalogue

    offered = {r for p in SCENARIOS for t in load_scenario(p).scenario.teams for r in t.responses}
    readme = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")
    unplayed = sorted(set(load_catalogue()) - offered)
    assert all(f"**{rid}**" in readme for rid in unplayed), unplayed


def test_there_are_three_bundled_scenarios() -> None:
    assert len(SCENARIOS) >= 3
