"""Facilitator guides: generated from scenarios, committed, and kept in sync."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from exercise.cli import main
from exercise.report.guide import render_guide
from exercise.scenario import load_scenario

ROOT = Path(__file__).resolve().parents[1]
SCENARIOS = sorted((ROOT / "scenarios").glob("*.yaml"))


@pytest.mark.parametrize("path", SCENARIOS, ids=[p.stem for p in SCENARIOS])
def test_committed_guide_is_in_sync(path: Path) -> None:
    committed = ROOT / "facilitator_guides" / f"{path.stem}.md"
    assert committed.exists(), f"run: exercise guide {path.stem} -o {committed.relative_to(ROOT)}"
    assert committed.read_text(encoding="utf-8") == render_guide(load_scenario(path).scenario), \
        f"stale: run exercise guide {path.stem} -o facilitator_guides/{path.stem}.md --force"


def test_guide_has_every_part_a_facilitator_needs() -> None:
    scenario = load_scenario(ROOT / "scenarios" / "election-week.yaml").scenario
    text = render_guide(scenario)
    for heading in ("## Purpose and scope", "## Objectives and core capabilities", "## Participants and roles",
                    "## Timing and modules", "## Master scenario events list (MSEL)", "## Inject by inject",
                    "## Hot wash", "## Evaluation criteria (P/S/M/U)"):
        assert heading in text
    for inject in scenario.injects:
        assert f"#### {inject.id}:" in text
        for question in inject.questions:
            assert question in text
    assert "FIMI-01 by comms within 12h (else INJ-08)" in text  # an expected action with its contingency
    assert "on deepfake.audio detected" in text  # when a detection-driven inject comes


def test_guide_cli_writes_and_refuses_to_overwrite(tmp_path: Path) -> None:
    out = tmp_path / "guide.md"
    assert CliRunner().invoke(main, ["guide", "election-week", "-o", str(out)]).exit_code == 0
    assert out.read_text().startswith("# Facilitator guide: Election week")
    assert CliRunner().invoke(main, ["guide", "election-week", "-o", str(out)]).exit_code == 2
    printed = CliRunner().invoke(main, ["guide", "election-week"])
    assert printed.exit_code == 0 and printed.stdout == out.read_text()


def test_the_msel_names_its_measures() -> None:
    """A facilitator reads 'DSA-03 by comms within 12h' and must find what DSA-03 is."""
    for path in SCENARIOS:
        loaded = load_scenario(path)
        text = render_guide(loaded.scenario)
        glossary = text[text.index("## Measures named in this guide"):text.index("## Inject by inject")]
        for inject in loaded.scenario.injects:
            for action in inject.expects:
                name = loaded.responses[action.response].name
                assert f"| {action.response} | {name} |" in glossary, (path.stem, action.response)


def test_schema_output_is_never_overwritten_without_force(tmp_path: Path) -> None:
    out = tmp_path / "s.json"
    out.write_text("mine")
    refused = CliRunner().invoke(main, ["schema", "-o", str(out)])
    assert refused.exit_code == 2 and "use --force" in refused.output and out.read_text() == "mine"
    assert CliRunner().invoke(main, ["schema", "-o", str(out), "--force"]).exit_code == 0
    assert out.read_text().startswith("{")


def test_guides_and_reports_say_the_numbers_are_design_calibrated(tmp_path: Path) -> None:
    scenario = load_scenario(SCENARIOS[0]).scenario
    assert "design-calibrated" in render_guide(scenario) and "not predictions of real events" in render_guide(scenario)
    from exercise.report.sections import report_of
    from exercise.report.render import render
    from exercise.session.live import Session

    session = Session(load_scenario(SCENARIOS[0]), 1)
    session.advance_to(session.world.end)
    report = report_of(session, None)
    for fmt in ("md", "html"):
        assert "design-calibrated parameters" in render(report, fmt), fmt
