"""Every export format, for a journal of each bundled scenario, read back with the library made for it."""

from __future__ import annotations

import datetime as dt
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
def test_xlsx_sheets_hold_the_reports_rows_as_excel_tables_with_real_times(name: str,
                                                                          journals: dict[str, Path]) -> None:
    from openpyxl import load_workbook

    report = report_from_journal(journals[name])
    wb = load_workbook(io.BytesIO(EXPORTERS["xlsx"].export(report, None)))
    expected = {"Objectives": len(report.objectives), "Improvement plan": len(report.improvement_plan),
                "Critical tasks": sum(len(o.tasks) for o in report.objectives),
                "Participant feedback": len(report.feedback.statements) if report.feedback else 0,
                "Feedback comments": sum(len(q) for _, q in report.feedback.written) if report.feedback else 0,
                "Timeline": len(report.timeline), "Decisions": len(report.decisions),
                "Measures": len(report.toolbox_gaps.measures),
                "Detection to response": len(report.detection_to_response),
                "Ground truth": len(report.ground_truth), "Notes": len(report.notes) + len(report.adjustments),
                "Indicators": sum(len(i.series) for i in report.indicators)}
    # An empty table keeps one empty row: Excel's tables need one.
    assert {ws.title: ws.max_row - 1 for ws in wb.worksheets} == {k: max(1, n) for k, n in expected.items()}
    for ws in wb.worksheets:
        [table] = ws.tables.values()  # every sheet is one Excel table, with its filters, over all its rows
        assert table.ref == f"A1:{ws.cell(1, ws.max_column).column_letter}{ws.max_row}"
        assert ws.freeze_panes == "A2"
        assert ws.oddHeader.center.text == report.handling.marking and ws.oddHeader.center.color == "FFC000"
    timeline = list(wb["Timeline"].iter_rows(min_row=1, values_only=True))
    assert timeline[0][1].startswith("in-world time (Europe/")  # the scenario's zone, daylight saving included
    assert all(isinstance(row[1], dt.datetime) for row in timeline[1:])  # real times Excel can sort and pivot
    texts = [row[5] for row in timeline[1:]]
    assert not [t for t in texts if isinstance(t, str) and t.startswith("=")]  # text never becomes a formula
    values = [row[5] for row in wb["Indicators"].iter_rows(min_row=2, values_only=True)]
    assert all(v == round(v, 4) for v in values)


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
    from stix2validator import ValidationOptions, validate_string

    from exercise.report.stix import TLP2_IDS, technique_ref

    report = report_from_journal(journals[name])
    text = EXPORTERS["stix"].export(report, None)
    result = validate_string(text, ValidationOptions(version="2.1"))
    assert result.is_valid and not result.errors, [str(e) for e in result.errors]
    assert not [str(w) for w in result.warnings], "warnings"
    objects = json.loads(text)["objects"]
    made = [o for o in objects if o["type"] != "marking-definition"]
    assert all("exercise" in o["labels"] and o["object_marking_refs"] == [TLP2_IDS["AMBER"]] for o in made)
    assert all(o.get("description", "EXERCISE DATA - NOT REAL").startswith("EXERCISE DATA - NOT REAL")
               for o in made if o["type"] != "relationship")
    # Techniques are the publishers' own objects, referenced and never re-made with exercise labels.
    assert not [o for o in objects if o["type"] == "attack-pattern" or any(
        "external_id" in ref for ref in o.get("external_references", ()))]
    used = {t for g in report.ground_truth for t in g.techniques}
    uses = {o["target_ref"] for o in objects if o["type"] == "relationship" and o["relationship_type"] == "uses"}
    assert uses == {technique_ref(t) for t in used} and used
    # A measure mitigates only the techniques of stages it countered.
    countered = {(m, technique_ref(t)) for g in report.ground_truth for m in g.countered_by for t in g.techniques}
    names = {o["id"]: o["name"].split()[0] for o in objects if o["type"] == "course-of-action"}
    assert {(names[o["source_ref"]], o["target_ref"]) for o in objects
            if o["type"] == "relationship" and o["relationship_type"] == "mitigates"} == countered
    [session] = [o for o in objects if o["type"] == "report"]
    assert set(session["object_refs"]) >= {o["id"] for o in made if o["type"] != "report"}
    played = dt.datetime.fromisoformat(report.overview.played_on)  # when it was played, not the fiction
    assert abs(dt.datetime.fromisoformat(session["created"].replace("Z", "+00:00")) - played) < dt.timedelta(seconds=1)
    assert len({o["id"] for o in objects}) == len(objects)
    assert {o["type"] for o in objects} >= {"identity", "intrusion-set", "campaign", "relationship", "report"}
    assert EXPORTERS["stix"].export(report, None) == text  # the same journal, the same bundle


def test_two_sessions_of_one_scenario_and_seed_share_no_stix_id(journals: dict[str, Path], tmp_path: Path) -> None:
    from exercise.report.stix import TLP2_IDS

    loaded = load_scenario(ROOT / "scenarios" / "election-week.yaml")
    again = Session(loaded, 4)  # the seed of the fixture's session
    again.start_journal(tmp_path / "again.jsonl")
    again.advance_to(again.world.end)
    again.close()
    ids = []
    for journal in (journals["election-week"], tmp_path / "again.jsonl"):
        objects = json.loads(EXPORTERS["stix"].export(report_from_journal(journal), None))["objects"]
        ids.append({o["id"] for o in objects} - set(TLP2_IDS.values()))
    assert ids[0] and ids[1] and not ids[0] & ids[1]


@pytest.mark.parametrize("level", ["CLEAR", "GREEN", "AMBER", "AMBER+STRICT", "RED"])
def test_stix_carries_the_official_tlp_2_marking_of_its_level(level: str, journals: dict[str, Path]) -> None:
    from stix2validator import ValidationOptions, validate_string

    from exercise.report.stix import TLP2_EXTENSION, TLP2_IDS

    report = report_from_journal(journals["port-and-platforms"], tlp=level, contact="cell@example.org")
    text = EXPORTERS["stix"].export(report, None)
    assert validate_string(text, ValidationOptions(version="2.1")).is_valid
    objects = json.loads(text)["objects"]
    [marking] = [o for o in objects if o["type"] == "marking-definition"]
    assert marking["id"] == TLP2_IDS[level] and marking["name"] == f"TLP:{level}"
    assert marking["extensions"][TLP2_EXTENSION]["tlp_2_0"] == level.lower()
    assert {r for o in objects if o is not marking for r in o["object_marking_refs"]} == {TLP2_IDS[level]}
    [author] = [o for o in objects if o["type"] == "identity"]
    assert author["contact_information"] == "cell@example.org"


@pytest.mark.parametrize("name", SCENARIOS)
def test_navigator_layers_validate_as_format_4_5_one_file_per_framework(name: str, journals: dict[str, Path],
                                                                        tmp_path: Path) -> None:
    from jsonschema import Draft202012Validator

    schema = json.loads((ROOT / "tests" / "data" / "navigator-layer-4.5.schema.json").read_text(encoding="utf-8"))
    report = report_from_journal(journals[name])
    out = tmp_path / "layers.json"
    made = CliRunner().invoke(main, ["report", str(journals[name]), "--format", "navigator", "-o", str(out)])
    assert made.exit_code == 0, made.output
    files = sorted(tmp_path.glob("layers.*.json"))
    used = {t for g in report.ground_truth for t in g.techniques}
    assert [f.name for f in files] == sorted({f"layers.{d}.json" for d in (
        {"attack": "enterprise-attack", "ics": "ics-attack", "disarm": "DISARM"}[t.split(":")[0]] for t in used)})
    worst: dict[str, str] = {}
    for g in report.ground_truth:
        seen = "countered" if g.countered_by else "detected" if g.detected is not None else "missed"
        for t in g.techniques:
            worst[t] = min(worst.get(t, "countered"), seen, key=["missed", "detected", "countered"].index)
    colour = {"missed": "#c0392b", "detected": "#d08b00", "countered": "#2e8b57"}
    seen = set()
    for file in files:
        layer = json.loads(file.read_text(encoding="utf-8"))
        Draft202012Validator(schema).validate(layer)
        assert layer["versions"]["layer"] == "4.5" and layer["versions"]["navigator"] == "5.1.0"
        assert layer["versions"]["attack"] == ("1" if layer["domain"] == "DISARM" else "18")
        assert "EXERCISE DATA - NOT REAL" in layer["description"]
        assert {i["label"] for i in layer["legendItems"]} == {"missed", "detected", "countered"}
        prefix = {"enterprise-attack": "attack", "ics-attack": "ics", "DISARM": "disarm"}[layer["domain"]]
        for t in layer["techniques"]:
            assert t["color"] == colour[worst[f"{prefix}:{t['techniqueID']}"]]  # the worst outcome over its stages
            seen.add(f"{prefix}:{t['techniqueID']}")
    assert seen == used
    every = json.loads(EXPORTERS["navigator"].export(report, None))  # all layers in one file, the format's list
    for layer in every:
        Draft202012Validator(schema).validate(layer)


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


@pytest.mark.parametrize(("level", "colour"), [("CLEAR", "FFFFFF"), ("GREEN", "33FF00"), ("AMBER", "FFC000"),
                                               ("AMBER+STRICT", "FFC000"), ("RED", "FF2B2B")])
def test_the_tlp_label_has_firsts_colour_on_black_in_12_points(level: str, colour: str,
                                                               journals: dict[str, Path]) -> None:
    from docx import Document
    from docx.oxml.ns import qn

    report = report_from_journal(journals["baltic-winter"], tlp=level)
    html = EXPORTERS["html"].export(report, None)
    assert f"color: #{colour}; background: #000; font-size: 12pt" in html
    doc = Document(io.BytesIO(EXPORTERS["docx"].export(report, None)))
    for part in (doc.sections[0].header, doc.sections[0].footer):
        [run] = part.paragraphs[0].runs
        assert run.text == f"TLP:{level} - EXERCISE - NOT REAL"
        assert str(run.font.color.rgb) == colour and run.font.size.pt == 12 and run.bold
        assert run._r.rPr.find(qn("w:shd")).get(qn("w:fill")) == "000000"
