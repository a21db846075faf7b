"""After-Action Report: golden output per format, escaping, comparison, safe writing."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from exercise.cli import main
from exercise.report.sections import report_of
from exercise.report.model import Report
from exercise.report.render import render
from exercise.report.sections import derive_rating
from exercise.report.session import report_from_journal
from exercise.scenario import load_scenario
from exercise.scenario.playbook import load_playbook
from exercise.session.live import Session
from exercise.session.commands import End, Note, Rating, TakeMeasure

ROOT = Path(__file__).resolve().parents[1]
GOLDEN = Path(__file__).resolve().parent / "golden"
PLAYED_ON = "2026-01-01T09:00:00+00:00"


def played(tmp_path: Path, scenario: Path | None = None, name: str = "j.jsonl") -> Path:
    """A fixed session: seed 3, the passive playbook, a note and a rating."""
    scenario = scenario or ROOT / "scenarios" / "election-week.yaml"
    loaded = load_scenario(scenario)
    book = ROOT / "scenarios" / "playbooks" / "election-week-passive.yaml"
    session = Session(loaded, 3, load_playbook(book, loaded)[0], book)
    session.start_journal(tmp_path / name)
    session.advance_to(30 * 60)
    session.submit(Note(text="Comms waited for forensics <b>before</b> debunking."))
    session.advance_to(session.world.end)
    session.submit(Rating(objective="OBJ-4", rating="M", comment="No step at EU level | none at all"))
    session.submit(End())
    session.close()
    return tmp_path / name


def fixed(report: Report) -> Report:
    report.overview.played_on = PLAYED_ON  # the wall-clock fields, and the session's random id
    report.overview.played_on_text = "Thursday 1 January 2026, 11:00 (UTC+02:00)"
    report.overview.session_id = "0" * 32
    return report


@pytest.mark.parametrize("fmt", ["json", "md", "html"])
def test_golden_report(fmt: str, tmp_path: Path, update_goldens: bool) -> None:
    text = render(fixed(report_from_journal(played(tmp_path))), fmt)
    golden = GOLDEN / f"aar.{fmt}"
    if update_goldens:
        golden.write_text(text, encoding="utf-8")
    assert text == golden.read_text(encoding="utf-8")


def test_report_sections(tmp_path: Path) -> None:
    report = report_from_journal(played(tmp_path))
    objectives = {o.id: o for o in report.objectives}
    assert objectives["OBJ-4"].rating == "M" and objectives["OBJ-4"].rating_source == "facilitator"
    assert objectives["OBJ-1"].rating == "U" and objectives["OBJ-1"].rating_source == "derived"
    assert objectives["OBJ-1"].areas_for_improvement, "the missed RAS alert is an area for improvement"
    assert any(p.objective == "OBJ-1" and p.capability_element == "Planning" for p in report.improvement_plan)
    assert {g.stage for g in report.ground_truth} >= {"leak.exfiltrate", "deepfake.audio"}
    assert any(g.detected is None for g in report.ground_truth), "some stages are never seen"
    assert "FIMI-01" in {m.response for m in report.toolbox_gaps.expected_never_used}
    assert len(report.indicators[0].series) == 97


@pytest.mark.parametrize(("met", "attempted", "rating"),
                         [(True, False, "P"), (False, True, "M"), (False, False, "U"), (None, True, None)])
def test_derived_ratings(met, attempted, rating) -> None:
    assert derive_rating(met, attempted) == rating


def test_hostile_text_is_escaped(tmp_path: Path) -> None:
    hostile = "<script>alert(1)</script>"
    scenario = tmp_path / "election-week.yaml"
    text = (ROOT / "scenarios" / "election-week.yaml").read_text()
    text = text.replace('title: "Election week: Lumeria votes"', f'title: "{hostile}"')
    text = text.replace("name: Government Communications Office", f"name: '{hostile}'")
    text = text.replace("title: Fact-checkers flag cloned news sites", f"title: '{hostile}'")
    scenario.write_text(text)
    shutil.copytree(ROOT / "scenarios" / "playbooks", tmp_path / "playbooks")
    loaded = load_scenario(scenario)
    session = Session(loaded, 3)
    session.advance_to(600)
    session.submit(Note(text=hostile))
    session.advance_to(session.world.end)
    report = report_of(session)
    html = render(report, "html")
    md = render(report, "md")
    assert "<script" not in html and "&lt;script&gt;" in html
    assert "<script" not in md and "&lt;script&gt;" in md


def test_compare_two_sessions(tmp_path: Path) -> None:
    a = played(tmp_path, name="a.jsonl")
    loaded = load_scenario(ROOT / "scenarios" / "election-week.yaml")
    session = Session(loaded, 3)
    session.start_journal(tmp_path / "b.jsonl")
    session.submit(TakeMeasure(team="csirt", response="NAT-02", note="harden early"))
    session.advance_to(session.world.end)
    session.close()
    result = CliRunner().invoke(main, ["report", str(a), "--compare", str(tmp_path / "b.jsonl"), "--format", "md"])
    assert result.exit_code == 0, result.output
    assert "## Comparison with a second session" in result.stdout
    compared = result.stdout.split("## Comparison with a second session")[1]
    assert "True" not in compared and "False" not in compared and "None" not in compared
    assert "| met |" in compared or "| not met |" in compared
    assert "| same |" in compared or "| differs |" in compared
    data = json.loads(CliRunner().invoke(main, ["report", str(a), "--compare", str(tmp_path / "b.jsonl"),
                                                "--format", "json"]).stdout)
    assert set(data) == {"a", "b"} and data["a"]["comparison"]["other"].startswith("played")


def test_compare_reaches_every_document_format_and_the_threat_formats_refuse_it(tmp_path: Path) -> None:
    import io

    from docx import Document
    from openpyxl import load_workbook
    from pypdf import PdfReader

    def docx_text(data: bytes) -> str:
        doc = Document(io.BytesIO(data))
        return "\n".join([p.text for p in doc.paragraphs] + [c.text for t in doc.tables for row in t.rows
                                                              for c in row.cells])

    a = played(tmp_path, name="a.jsonl")
    b = played(tmp_path, name="b.jsonl")
    read = {
        "docx": docx_text,
        "pdf": lambda data: "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages),
        "xlsx": lambda data: "\n".join(str(c.value) for row in load_workbook(io.BytesIO(data))["Comparison"].rows
                                       for c in row),
    }
    for fmt, reader in read.items():
        out = tmp_path / f"r.{fmt}"
        made = CliRunner().invoke(main, ["report", str(a), "--compare", str(b), "--format", fmt, "-o", str(out)])
        assert made.exit_code == 0, made.output
        text = " ".join(reader(out.read_bytes()).split())
        assert "Compared with: played" in text or "compared with" in text, fmt
        assert "differs" in text or "same" in text or "True" in text, fmt
    for fmt in ("stix", "navigator"):
        refused = CliRunner().invoke(main, ["report", str(a), "--compare", str(b), "--format", fmt])
        assert refused.exit_code == 2 and "export each journal on its own" in refused.output, fmt


def test_report_file_is_never_overwritten_by_accident(tmp_path: Path) -> None:
    journal = played(tmp_path)
    out = tmp_path / "aar.html"
    assert CliRunner().invoke(main, ["report", str(journal), "--format", "html", "-o", str(out)]).exit_code == 0
    first = out.read_text()
    again = CliRunner().invoke(main, ["report", str(journal), "--format", "html", "-o", str(out)])
    assert again.exit_code == 2 and "--force" in again.output
    assert CliRunner().invoke(main, ["report", str(journal), "--format", "html", "-o", str(out), "--force"]).exit_code == 0
    assert out.read_text() == first
    assert out.stat().st_mode & 0o777 != 0o600
    assert not list(tmp_path.glob(".aar.html.*"))  # no temporary file left behind


def test_every_exporter_is_a_cli_format_and_writes_its_kind(tmp_path: Path) -> None:
    """One registry: what `report --format` offers is what the exporters hold, and each gives text or bytes as it says."""
    from exercise.report.exporters import EXPORTERS

    choices = next(p for p in main.commands["report"].params if p.name == "fmt").type.choices
    assert list(choices) == list(EXPORTERS)
    report = report_from_journal(played(tmp_path))
    for exporter in EXPORTERS.values():
        out = exporter.export(report, None)
        assert isinstance(out, bytes if exporter.binary else str) and out
        assert exporter.suffix.startswith(".")
    assert len({e.suffix for e in EXPORTERS.values()}) == len(EXPORTERS)
    assert {e.name for e in EXPORTERS.values() if e.from_console} == {"html", "json"}


def test_the_report_says_what_the_facilitator_changed_by_hand(tmp_path: Path) -> None:
    from exercise.report.sections import report_of
    from exercise.report.render import render
    from exercise.session.commands import By, EndMeasure, MarkMet, Undo

    session = Session(load_scenario(ROOT / "scenarios" / "election-week.yaml"), 3)
    session.advance_to(60)
    session.submit(TakeMeasure(team="csirt", response="NAT-02"))
    session.submit(EndMeasure(team="csirt", response="NAT-02", reason="the ministry withdrew it"))
    session.advance_to(7 * 60)
    session.submit(MarkMet(inject="INJ-02", response="DSA-03", reason="they phoned the platforms"))
    session.submit(Note(text="comms hesitated", by=By(role="evaluator")))
    session.submit(TakeMeasure(team="comms", response="FIMI-01"))
    session.submit(Undo(undoes=len(session.records) - 1, reason="typed for the wrong team"))
    report = report_of(session)
    assert [a.what for a in report.adjustments] == [
        "ended NAT-02 for csirt early", "marked DSA-03 after INJ-02 as met",
        "undid take FIMI-01 for comms (given at T+07:00)"]
    text = render(report, "md")
    assert "- T+01:00: ended NAT-02 for csirt early. Why: the ministry withdrew it" in text
    assert "judged met by the facilitator 1h after it: they phoned the platforms" in text
    assert "- T+07:00, evaluator observation: comms hesitated" in text


def test_a_director_can_send_it_marked_dated_and_summarised(tmp_path: Path) -> None:
    journal = played(tmp_path)
    out = CliRunner().invoke(main, ["report", str(journal), "--format", "md", "--tlp", "green",
                                    "--contact", "Exercise director, ttx@example.gov"])
    assert out.exit_code == 0, out.output
    text = out.stdout
    assert text.startswith("**TLP:GREEN - EXERCISE - NOT REAL**")
    assert text.rstrip().endswith("**TLP:GREEN - EXERCISE - NOT REAL**")
    summary = text.split("## Executive summary")[1].split("## Exercise overview")[0]
    assert 3 <= summary.count("\n- ") <= 10 and "was not achieved" in summary
    assert "| Point of contact | Exercise director, ttx@example.gov |" in text
    assert "Thursday 13 May 2027, 08:00 (UTC+02:00)" in text
    overview = text.split("## Exercise overview")[1].split("##")[0]
    assert "Seed" not in overview and "| Seed | 3 " in text.split("## Technical annex")[1]


def test_an_adhoc_inject_keeps_its_title_and_body(tmp_path: Path) -> None:
    from exercise.report.sections import report_of
    from exercise.session.commands import AdhocInject

    session = Session(load_scenario(ROOT / "scenarios" / "election-week.yaml"), 3)
    session.advance_to(60)
    session.submit(AdhocInject(title="Minister calls", body="Where do we stand on the leak?", to=["comms"],
                               severity="high"))
    rows = [t.text for t in report_of(session).timeline if "Minister calls" in t.text]
    assert rows == ["facilitator's inject to comms [high]: Minister calls: Where do we stand on the leak?"]
