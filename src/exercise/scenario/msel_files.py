"""MSEL spreadsheets on disk: an Excel workbook (openpyxl) or a CSV file, written and read back.

The workbook's MSEL sheet is an Excel table with filters and a frozen header;
in-world times are real date-times in the scenario's zone (the column says
which). Sheets for the teams, the objectives and the measures offered come
beside it, for the planner to read; only the MSEL sheet is imported. A CSV file
holds the MSEL rows alone.

Import edits the scenario's own YAML with ruamel.yaml, so its comments and
layout stay, and checks the result as ``exercise validate`` does before
anything is written.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import zipfile
from pathlib import Path
from typing import Any

from exercise.scenario.errors import ScenarioError
from exercise.scenario.loader import LoadedScenario, read_file, scenario_from_bytes
from exercise.scenario.msel import COLUMN_SETS, Edits, Problem, read_rows, rows, yaml_value

SHEET = "MSEL"
MAX_BYTES = 20 * 1024 * 1024  # a workbook of a few thousand rows is a few megabytes


def _cell(value: Any) -> Any:
    """No cell becomes a formula in the planner's spreadsheet, whatever the scenario's text says."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@"):
        return "'" + value
    return value


def table(loaded: LoadedScenario, columns: str) -> tuple[list[str], list[list[Any]]]:
    """The header and the rows of a column set."""
    s = loaded.scenario
    fields = COLUMN_SETS[columns]
    zone = s.metadata.timezone or s.metadata.start.strftime("UTC%z")
    header = [name.replace("In-world time", f"In-world time ({zone})").replace("Event Date/Time",
                                                                             f"Event Date/Time ({zone})")
              for name in fields]
    body = [[row[f] for f in fields.values()] for row in rows(s)]
    return header, body


def export(loaded: LoadedScenario, path: Path, columns: str = "full") -> bytes:
    """The MSEL of a scenario as the bytes of ``path``'s kind: .xlsx or .csv."""
    header, body = table(loaded, columns)
    if path.suffix.lower() == ".csv":
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(header)
        for row in body:
            writer.writerow(["" if v is None else (v.strftime("%Y-%m-%d %H:%M") if isinstance(v, dt.datetime)
                                                   else _cell(v)) for v in row])
        return out.getvalue().encode("utf-8")
    if path.suffix.lower() != ".xlsx":
        raise ValueError(f"{path.name}: write the MSEL to a .xlsx or a .csv file")
    return _workbook(loaded, header, body)


def _workbook(loaded: LoadedScenario, header: list[str], body: list[list[Any]]) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font
    from openpyxl.worksheet.table import Table, TableStyleInfo

    s = loaded.scenario
    wb = Workbook()
    wb.remove(wb.active)
    wb.properties.title = f"{s.metadata.title}: MSEL"
    teams = [["Team", "Name", "Body", "Level", "Measures"]] + [
        [t.id, t.name, t.body, t.level, ", ".join(t.responses)] for t in s.teams]
    objectives = [["Objective", "Capability", "Text"]] + [[o.id, o.capability, o.text] for o in s.objectives]
    offered = sorted({r for t in s.teams for r in t.responses})
    measures = [["Measure", "Name", "Decided by", "Lead time", "Legal basis"]] + [
        [r, loaded.responses[r].name, loaded.responses[r].decided_by, _lead(loaded, r), loaded.responses[r].legal_basis]
        for r in offered if r in loaded.responses]
    for title, rows_ in ((SHEET, [header, *body]), ("Teams", teams), ("Objectives", objectives),
                         ("Measures", measures)):
        ws = wb.create_sheet(title)
        for row in rows_:
            ws.append([_cell(v) for v in row])
        for cell in ws[1]:
            cell.font = Font(bold=True)
        ws.freeze_panes = "A2"
        for column in ws.columns:
            longest = max(len(str(c.value or "")) for c in column[:200])
            ws.column_dimensions[column[0].column_letter].width = min(60, max(10, longest + 2))
            for c in column[1:]:
                if isinstance(c.value, dt.datetime):
                    c.number_format = "yyyy-mm-dd hh:mm"
                elif isinstance(c.value, str) and "\n" in c.value:
                    c.alignment = Alignment(wrap_text=True, vertical="top")
        last = f"{ws.cell(1, ws.max_column).column_letter}{max(2, ws.max_row)}"
        if ws.max_row < 2:
            ws.append([None] * ws.max_column)
        named = Table(displayName=f"msel{title.replace(' ', '')}", ref=f"A1:{last}")
        named.tableStyleInfo = TableStyleInfo(name="TableStyleLight9", showRowStripes=True)
        ws.add_table(named)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def _lead(loaded: LoadedScenario, rid: str) -> str:
    from exercise.scenario.distributions import describe

    return describe(loaded.responses[rid].lead_time)


def read_table(path: Path) -> tuple[str, list[list[Any]], set[tuple[int, int]]]:
    """(sheet name, rows of values, cells that held formulas) of a planner's file."""
    raw = read_file(path, limit=MAX_BYTES)
    if path.suffix.lower() == ".csv":
        text = raw.decode("utf-8-sig")
        return path.stem, [list(r) for r in csv.reader(io.StringIO(text))], set()
    from openpyxl import load_workbook

    try:
        values = load_workbook(io.BytesIO(raw), data_only=True, read_only=True)
        formulas_book = load_workbook(io.BytesIO(raw), data_only=False, read_only=True)
    except (OSError, ValueError, KeyError, zipfile.BadZipFile) as exc:  # what openpyxl raises for a non-workbook
        raise ValueError(f"{path.name}: not an Excel workbook ({type(exc).__name__})") from None
    name = SHEET if SHEET in values.sheetnames else values.sheetnames[0]
    grid = [list(r) for r in values[name].iter_rows(values_only=True)]
    formulas = {(r, c) for r, row in enumerate(formulas_book[name].iter_rows(values_only=True))
                for c, v in enumerate(row) if isinstance(v, str) and v.startswith("=")}
    return name, grid, formulas


def apply(loaded: LoadedScenario, edits: Edits) -> bytes:
    """The scenario's YAML with the edits made in place (comments and layout kept)."""
    from ruamel.yaml import YAML
    from ruamel.yaml.comments import CommentedMap

    yaml = YAML(typ="rt")
    yaml.preserve_quotes = True
    yaml.width = 4096  # keep long lines as the author wrote them
    yaml.indent(mapping=2, sequence=4, offset=2)  # the bundled scenarios' layout: "  - id: ..."
    document = yaml.load(loaded.source.raw)
    injects = document.setdefault("injects", [])
    by_id = {str(i.get("id")): i for i in injects}
    for ident, change in edits.changed.items():
        node = by_id[ident]
        for key, value in change.items():
            name = "from" if key == "from_" else key
            empty = value in ("", [], None)
            if empty and name in node and name not in ("title", "to", "from", "channel"):
                del node[name]
            elif not empty:
                node[name] = yaml_value(key, value)
    for new in edits.added:
        node = CommentedMap()
        for key in ("id", "title", "at", "to", "from_", "channel", "severity", "module", "objectives", "body",
                    "expects", "facilitator_notes", "questions"):
            if new.get(key) not in (None, "", []):
                node["from" if key == "from_" else key] = yaml_value(key, new[key])
        injects.append(node)
    out = io.StringIO()
    yaml.dump(document, out)
    return out.getvalue().encode("utf-8")


def import_msel(path: Path, loaded: LoadedScenario, mapping: dict[str, str] | None = None
                ) -> tuple[bytes | None, list[str]]:
    """(the new scenario's YAML, or None when a row is wrong; messages, each FILE:Sheet!CELL: message)."""
    sheet, grid, formulas = read_table(path)
    edits = read_rows(sheet, grid, loaded.scenario, mapping, formulas)
    messages = [p.where(path.name) for p in edits.problems]
    if any(p.severity == "error" for p in edits.problems):
        return None, messages
    new = apply(loaded, edits)
    try:
        result = scenario_from_bytes(new, loaded.path)
    except ScenarioError as exc:  # the cells were each fine, the whole is not: say where in the YAML
        return None, messages + [f"{p} (in the scenario the sheet makes)" for p in exc.problems]
    from exercise.scenario.lint import lint

    problems = lint(result)
    messages += [f"{p} (in the scenario the sheet makes)" for p in problems]
    if any(p.severity == "error" for p in problems):
        return None, messages
    return new, messages


__all__ = ["SHEET", "Problem", "apply", "export", "import_msel", "read_table", "table"]
