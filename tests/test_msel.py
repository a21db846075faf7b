"""The MSEL as a planner's spreadsheet: export, edit in Excel, import back (issue 38)."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from click.testing import CliRunner

from exercise.cli import main
from exercise.engine import World
from exercise.engine.events import log_to_jsonl
from exercise.scenario import load_scenario
from exercise.scenario.msel import COLUMN_SETS

ROOT = Path(__file__).resolve().parents[1]
SCENARIOS = ("election-week", "baltic-winter", "port-and-platforms")


def run(*args: str) -> CliRunner:
    return CliRunner().invoke(main, list(args))


@pytest.mark.parametrize("name", SCENARIOS)
@pytest.mark.parametrize("columns", sorted(COLUMN_SETS))
@pytest.mark.parametrize("kind", ["xlsx", "csv"])
def test_export_then_import_gives_the_same_scenario_and_the_same_runs(name: str, columns: str, kind: str,
                                                                    tmp_path: Path) -> None:
    sheet, new = tmp_path / f"msel.{kind}", tmp_path / "new.yaml"
    assert run("msel", "export", name, "-o", str(sheet), "--columns", columns).exit_code == 0
    done = run("msel", "import", str(sheet), "--into", name, "-o", str(new))
    assert done.exit_code == 0, done.output
    original = ROOT / "scenarios" / f"{name}.yaml"
    assert new.read_bytes() == original.read_bytes()  # nothing changed, nothing rewritten
    a, b = load_scenario(original), load_scenario(new)
    assert a.scenario == b.scenario
    for seed in (1, 7):
        runs = [World(x, seed) for x in (a, b)]
        for world in runs:
            world.run()
        assert log_to_jsonl(runs[0].events) == log_to_jsonl(runs[1].events)


def test_editing_a_message_and_a_time_in_excel_changes_exactly_that(tmp_path: Path) -> None:
    from openpyxl import load_workbook

    sheet, new = tmp_path / "msel.xlsx", tmp_path / "new.yaml"
    assert run("msel", "export", "election-week", "-o", str(sheet)).exit_code == 0
    wb = load_workbook(sheet)
    ws = wb["MSEL"]
    header = [c.value for c in ws[1]]
    row = next(r for r in ws.iter_rows(min_row=2) if r[0].value == "INJ-15")
    row[header.index("Message")].value = "A reporter calls again, louder."
    row[header.index("Time (T+)")].value = "T+04:30"
    wb.save(sheet)
    done = run("msel", "import", str(sheet), "--into", "election-week", "-o", str(new))
    assert done.exit_code == 0, done.output
    before = load_scenario(ROOT / "scenarios" / "election-week.yaml").scenario
    after = load_scenario(new).scenario
    changed = {i.id for i, j in zip(before.injects, after.injects, strict=True) if i != j}
    assert changed == {"INJ-15"}
    [old], [edited] = ([i for i in s.injects if i.id == "INJ-15"] for s in (before, after))
    assert edited.body == "A reporter calls again, louder." and edited.at == 270
    assert old.model_copy(update={"body": edited.body, "at": edited.at}) == edited
    assert before.model_copy(update={"injects": after.injects}) == after
    original = (ROOT / "scenarios" / "election-week.yaml").read_text(encoding="utf-8").splitlines()
    lines = new.read_text(encoding="utf-8").splitlines()
    assert len([a for a, b in zip(original, lines, strict=False) if a != b]) <= 6  # the edit, not a rewrite


def _workbook(path: Path, header: list[str], rows: list[list[object]]) -> None:
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.title = "MSEL"
    ws.append(header)
    for row in rows:
        ws.append(row)
    wb.save(path)


@pytest.mark.parametrize("columns", sorted(COLUMN_SETS))
def test_a_planners_workbook_with_bad_rows_is_refused_cell_by_cell(columns: str, tmp_path: Path) -> None:
    names = {field: name for name, field in COLUMN_SETS[columns].items()}
    header = list(COLUMN_SETS[columns])
    good = {"id": "NEW-1", "time": "T+06:00", "from": "news desk", "channel": "news", "to": "comms",
            "title": "A new inject", "message": "Body.", "stimuli": "A new inject\n\nBody.",
            "expects": "FIMI-04 by comms within 6h", "objectives": "OBJ-3", "notes": "", "severity": "high"}
    bad = dict(good, id="NEW-2", time="at six", to="nobody", expects="FIMI-04 soon", channel="pigeon")
    rows = [[good.get(f, "") for f in COLUMN_SETS[columns].values()],
            [bad.get(f, "") for f in COLUMN_SETS[columns].values()]]
    sheet = tmp_path / "planner.xlsx"
    _workbook(sheet, header, rows)
    done = run("msel", "import", str(sheet), "--into", "election-week", "-o", str(tmp_path / "new.yaml"))
    assert done.exit_code == 1 and not (tmp_path / "new.yaml").exists()
    messages = done.output.splitlines()

    def cell(field: str) -> str:
        return f"planner.xlsx:MSEL!{chr(65 + header.index(names[field]))}3: "

    expected = {"time": "not a time: 'at six'", "to": "unknown team 'nobody'",
                "expects": "not an expected action: 'FIMI-04 soon'", "channel": "'pigeon' is not a channel"}
    for field, text in expected.items():
        if field in names:
            assert any(m.startswith(cell(field)) and text in m for m in messages), (field, messages)
    assert not any(":MSEL!" in m and m.split("!")[1].split(":")[0].endswith("2") for m in messages)  # row 2 is fine


def test_a_good_new_row_becomes_an_inject_and_a_formula_is_read_as_its_value_with_a_warning(tmp_path: Path) -> None:
    header = list(COLUMN_SETS["full"])
    values = {"Number": "NEW-1", "Time (T+)": "T+06:00", "From": "news desk", "Channel": "news", "To": "comms",
              "Title": "A new inject", "Message": "<b>not markup</b> [@click=quit]", "Objectives": "OBJ-3",
              "Expected actions": "FIMI-04 by comms within 6h", "Severity": "high"}
    sheet = tmp_path / "planner.xlsx"
    _workbook(sheet, header, [[values.get(h, "") for h in header]])
    from openpyxl import load_workbook

    wb = load_workbook(sheet)
    wb["MSEL"]["P2"] = '="news"'  # a formula in the Module column: openpyxl keeps no cached value
    wb.save(sheet)
    out = tmp_path / "new.yaml"
    done = run("msel", "import", str(sheet), "--into", "election-week", "-o", str(out))
    assert done.exit_code == 0, done.output
    assert "planner.xlsx:MSEL!P2: a formula: its value was read, not the formula" in done.output
    [new] = [i for i in load_scenario(out).scenario.injects if i.id == "NEW-1"]
    assert new.at == 360 and new.to == ["comms"] and new.body == "<b>not markup</b> [@click=quit]"
    assert [a.response for a in new.expects] == ["FIMI-04"] and new.severity == "high"


def test_a_csv_in_a_planners_own_template_imports_with_a_map(tmp_path: Path) -> None:
    sheet = tmp_path / "mine.csv"
    with sheet.open("w", encoding="utf-8", newline="") as f:
        writer = csv.writer(f)
        writer.writerow(["N°", "Heure", "Texte"])
        writer.writerow(["INJ-15", "T+03:00", "Un journaliste appelle."])
    out = tmp_path / "new.yaml"
    done = run("msel", "import", str(sheet), "--into", "election-week", "-o", str(out),
               "--map", "N°=id,Heure=time,Texte=message")
    assert done.exit_code == 0, done.output
    [edited] = [i for i in load_scenario(out).scenario.injects if i.id == "INJ-15"]
    assert edited.body == "Un journaliste appelle." and edited.at == 180


def test_the_export_has_the_sheets_a_planner_reads_as_excel_tables(tmp_path: Path) -> None:
    import datetime as dt

    from openpyxl import load_workbook

    sheet = tmp_path / "m.xlsx"
    assert run("msel", "export", "baltic-winter", "-o", str(sheet)).exit_code == 0
    wb = load_workbook(sheet)
    assert wb.sheetnames == ["MSEL", "Teams", "Objectives", "Measures"]
    ws = wb["MSEL"]
    assert ws.freeze_panes == "A2" and len(ws.tables) == 1
    header = [c.value for c in ws[1]]
    assert header[2] == "In-world time (Europe/Helsinki)"
    times = [r[2] for r in ws.iter_rows(min_row=2, values_only=True) if r[1]]
    assert times and all(isinstance(t, dt.datetime) for t in times) and times == sorted(times)
    scenario = load_scenario(ROOT / "scenarios" / "baltic-winter.yaml").scenario
    assert ws.max_row - 1 == len(scenario.injects)


def test_a_file_that_is_not_a_spreadsheet_is_one_line_and_exit_1(tmp_path: Path) -> None:
    sheet = tmp_path / "m.xlsx"
    sheet.write_bytes(b"not a zip")
    done = run("msel", "import", str(sheet), "--into", "election-week", "-o", str(tmp_path / "n.yaml"))
    assert done.exit_code == 1 and "not an Excel workbook" in done.output

