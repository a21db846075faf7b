"""Every export format, for a journal of each bundled scenario, read back with the library made for it."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from exercise.cli import main
from exercise.report.exporters import EXPORTERS
from exercise.report.session import report_from_journal
from exercise.scenario import load_scenario
from exercise.scenario.playbook import load_playbook
from exercise.session.commands import End, Note
from exercise.session.live import Session

ROOT = Path(__file__).resolve().parents[1]
SCENARIOS = ("election-week", "baltic-winter", "port-and-platforms")


@pytest.fixture(scope="module")
def journals(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("journals")
    out = {}
    for name in SCENARIOS:
        loaded = load_scenario(ROOT / "scenarios" / f"{name}.yaml")
        book = ROOT / "scenarios" / "playbooks" / f"{name}-passive.yaml"
        session = Session(loaded, 4, load_playbook(book, loaded)[0], book)
        session.start_journal(folder / f"{name}.jsonl")
        session.advance_to(600)
        session.submit(Note(text="=HYPERLINK(\"http://evil\") typed as a note"))
        session.advance_to(session.world.end)
        session.submit(End())
        session.close()
        out[name] = folder / f"{name}.jsonl"
    return out


@pytest.mark.parametrize("name", SCENARIOS)
def test_docx_is_an_editable_aar_with_a_real_improvement_plan_table(name: str, journals: dict[str, Path]) -> None:
    from docx import Document

    report = report_from_journal(journals[name])
    doc = Document(io.BytesIO(EXPORTERS["docx"].export(report, None)))
    headings = [p.text for p in doc.paragraphs if p.style.name.startswith("Heading")]
    for title in ("Executive summary", "Exercise overview", "Analysis of capabilities",
                  "Appendix A: Improvement plan", "Appendix B: Exercise participants", "Technical annex"):
        assert title in headings, title
    plan = next(t for t in doc.tables if t.rows[0].cells[0].text == "Core capability")
    assert [c.text for c in plan.rows[0].cells][2] == "Corrective action"
    assert plan.rows[0]._tr.trPr.find("{http://schemas.openxmlformats.org/wordprocessingml/2006/main}tblHeader") \
        is not None  # the header row repeats on every page
    assert len(plan.rows) == len(report.improvement_plan) + 1
    marking = report.handling.marking
    assert doc.sections[0].header.paragraphs[0].text == marking == doc.sections[0].footer.paragraphs[0].text


@pytest.mark.parametrize("name", SCENARIOS)
def test_xlsx_sheets_hold_the_reports_rows(name: str, journals: dict[str, Path]) -> None:
    from openpyxl import load_workbook

    report = report_from_journal(journals[name])
    wb = load_workbook(io.BytesIO(EXPORTERS["xlsx"].export(report, None)))
    expected = {"Objectives": len(report.objectives), "Improvement plan": len(report.improvement_plan),
                "Timeline": len(report.timeline), "Decisions": len(report.decisions),
                "Measures": len(report.toolbox_gaps.measures),
                "Detection to response": len(report.detection_to_response),
                "Indicators": sum(len(i.series) for i in report.indicators)}
    assert {ws.title: ws.max_row - 1 for ws in wb.worksheets} == expected
    timeline = wb["Timeline"]
    texts = [row[4] for row in timeline.iter_rows(min_row=2, values_only=True)]
    assert not [t for t in texts if isinstance(t, str) and t.startswith("=")]  # text never becomes a formula


def test_binary_formats_need_an_output_file(journals: dict[str, Path], tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["report", str(journals["election-week"]), "--format", "docx"])
    assert result.exit_code == 2 and "give -o FILE.aar.docx" in result.output
    out = tmp_path / "r.xlsx"
    result = CliRunner().invoke(main, ["report", str(journals["election-week"]), "--format", "xlsx", "-o", str(out)])
    assert result.exit_code == 0 and out.read_bytes()[:2] == b"PK"


@pytest.mark.parametrize("name", SCENARIOS)
def test_pdf_carries_the_marking_on_every_page(name: str, journals: dict[str, Path]) -> None:
    from pypdf import PdfReader

    report = report_from_journal(journals[name], tlp="AMBER+STRICT")
    reader = PdfReader(io.BytesIO(EXPORTERS["pdf"].export(report, None)))
    pages = [page.extract_text() for page in reader.pages]
    assert len(pages) > 2
    for number, text in enumerate(pages, start=1):
        assert text.count("TLP:AMBER+STRICT - EXERCISE - NOT REAL") >= 2, number  # header and footer
        assert f"{number} of {len(pages)}" in text
    whole = "\n".join(pages)
    assert "Appendix A: Improvement plan" in whole and "Technical annex" in whole


def test_chart_axes_follow_the_data() -> None:
    from exercise.report.charts import _axis
    from exercise.report.model import IndicatorSeries

    series = IndicatorSeries(id="t", name="Trust", unit="share", domain="information", min=0.0, max=1.0,
                             higher_is_better=True, bands={"green": 0.6, "amber": 0.55}, visible_to=None,
                             final=0.58, final_band="amber", lowest=0.55, highest=0.70,
                             series=[[0.0, 0.70], [60.0, 0.62], [120.0, 0.55]])
    lo, hi = _axis(series)
    assert 0.45 < lo < 0.55 and 0.70 < hi < 0.8  # not 0-1: a 0.15 drop must be visible


@pytest.mark.parametrize("name", SCENARIOS)
def test_stix_bundle_validates_and_says_it_is_exercise_data(name: str, journals: dict[str, Path]) -> None:
    import json

    from stix2validator import ValidationOptions, validate_string

    report = report_from_journal(journals[name])
    text = EXPORTERS["stix"].export(report, None)
    result = validate_string(text, ValidationOptions(version="2.1"))
    assert result.is_valid and not result.errors, [str(e) for e in result.errors]
    assert not [str(w) for w in result.warnings], "warnings"
    objects = json.loads(text)["objects"]
    assert all("exercise" in o["labels"] and o["object_marking_refs"] for o in objects)
    assert all(o.get("description", "EXERCISE DATA - NOT REAL").startswith("EXERCISE DATA - NOT REAL")
               for o in objects if o["type"] != "relationship")
    used = {t.split(":")[1] for g in report.ground_truth for t in g.techniques}
    found = {ref["external_id"] for o in objects if o["type"] == "attack-pattern" for ref in o["external_references"]}
    assert found == used and used
    assert {o["type"] for o in objects} >= {"identity", "intrusion-set", "campaign", "attack-pattern", "relationship"}
    assert EXPORTERS["stix"].export(report, None) == text  # the same run, the same bundle


@pytest.mark.parametrize("name", SCENARIOS)
def test_navigator_layers_load_as_format_4_5(name: str, journals: dict[str, Path]) -> None:
    import json

    report = report_from_journal(journals[name])
    layers = json.loads(EXPORTERS["navigator"].export(report, None))
    assert isinstance(layers, list) and layers
    used = {t for g in report.ground_truth for t in g.techniques}
    seen = set()
    for layer in layers:
        assert layer["versions"]["layer"] == "4.5"
        assert {"name", "domain", "techniques"} <= set(layer) and layer["domain"] in (
            "enterprise-attack", "ics-attack", "DISARM")
        assert "EXERCISE DATA - NOT REAL" in layer["description"]
        prefix = {"enterprise-attack": "attack", "ics-attack": "ics", "DISARM": "disarm"}[layer["domain"]]
        for t in layer["techniques"]:
            assert t["color"] in ("#2e8b57", "#d08b00", "#c0392b") and t["techniqueID"].startswith("T")
            seen.add(f"{prefix}:{t['techniqueID']}")
    assert seen == used


def test_every_format_shows_the_monte_carlo_section(journals: dict[str, Path], tmp_path: Path) -> None:
    from openpyxl import load_workbook

    runs = CliRunner().invoke(main, ["simulate", "election-week", "--runs", "12", "--jobs", "1", "--json",
                                     "--playbook", "proactive", "--compare", "passive"])
    assert runs.exit_code == 0
    (tmp_path / "mc.json").write_text(runs.stdout, encoding="utf-8")
    out = tmp_path / "r.xlsx"
    made = CliRunner().invoke(main, ["report", str(journals["election-week"]), "--format", "xlsx", "-o", str(out),
                                     "--monte-carlo", str(tmp_path / "mc.json")])
    assert made.exit_code == 0, made.output
    wb = load_workbook(out)
    objectives = len(load_scenario(ROOT / "scenarios" / "election-week.yaml").scenario.objectives)
    assert wb["MC objectives"].max_row - 1 == 2 * objectives  # both playbooks
    assert wb["MC paired"].max_row - 1 == objectives
    assert wb["MC indicators"].max_row > 1
    assert [c.value for c in wb["MC paired"][1]][-2:] == ["only proactive", "only passive"]  # in the order run
    for fmt, heading in (("md", "## Monte Carlo: over 12 seeds"), ("html", "<h2>Monte Carlo: over 12 seeds</h2>")):
        text = CliRunner().invoke(main, ["report", str(journals["election-week"]), "--format", fmt,
                                         "--monte-carlo", str(tmp_path / "mc.json")])
        assert text.exit_code == 0, text.output
        assert heading in text.output and "passive against proactive, seed by seed" in text.output
        assert text.output.count("not judged") >= 2  # OBJ-4 is the facilitator's, in both batches
    word = CliRunner().invoke(main, ["report", str(journals["election-week"]), "--format", "docx", "-o",
                                     str(tmp_path / "r.docx"), "--monte-carlo", str(tmp_path / "mc.json")])
    assert word.exit_code == 0, word.output
    from docx import Document

    assert any(p.text == "Monte Carlo: over 12 seeds" for p in Document(str(tmp_path / "r.docx")).paragraphs)
    as_json = json.loads(CliRunner().invoke(main, ["report", str(journals["election-week"]), "--format", "json",
                                                   "--monte-carlo", str(tmp_path / "mc.json")]).output)
    assert [b["name"] for b in as_json["monte_carlo"]["batches"]] == ["proactive", "passive"]
    wrong = CliRunner().invoke(main, ["report", str(journals["baltic-winter"]), "--format", "xlsx", "-o",
                                      str(tmp_path / "w.xlsx"), "--monte-carlo", str(tmp_path / "mc.json")])
    assert wrong.exit_code == 1 and "not a Monte Carlo result of baltic-winter" in wrong.output


@pytest.mark.parametrize("name", SCENARIOS)
def test_every_format_renders_for_every_bundled_scenario(name: str, journals: dict[str, Path]) -> None:
    report = report_from_journal(journals[name])
    for exporter in EXPORTERS.values():
        out = exporter.export(report, None)
        assert out and isinstance(out, bytes if exporter.binary else str), exporter.name
        if not exporter.binary and exporter.name in ("md", "html"):
            assert report.handling.marking in out
