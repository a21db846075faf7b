"""The AAR/IP as PDF, typeset by Typst (the ``typst`` Python package: no browser, no system libraries).

The same content as the Word document; the handling marking and "page N of M"
are on every page, and table header rows repeat where a table breaks.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

import typst
from jinja2 import Environment, PackageLoader, StrictUndefined

from exercise.plain import visible
from exercise.report.charts import forest_svg, indicator_svg
from exercise.report.model import Cohort, Report
from exercise.report.render import run_rate
from exercise.report.tables import SIMULATION, notes_lines, simulation_tables


def tstr(value: object) -> str:
    """Any text as a Typst string literal (code mode): shown as it is, never read as markup."""
    text = visible("" if value is None else str(value))
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'


def typ(value: object) -> str:
    """The same, in markup mode."""
    return "#" + tstr(value)


def _source(report: Report, paper: str) -> str:
    env = Environment(loader=PackageLoader("exercise.report", "templates"),
                      autoescape=False,  # noqa: S701 - Typst source, not HTML: its own filter escapes quoted text
                      undefined=StrictUndefined, trim_blocks=True, lstrip_blocks=True)
    env.filters["typ"], env.filters["tstr"] = typ, tstr
    env.filters["rate"] = run_rate
    return env.get_template("aar.typ.j2").render(r=report, paper=paper, simulation_title=SIMULATION,
                                                 simulation=simulation_tables(report), notes=notes_lines(report))


def to_pdf(report: Report, compare: Report | None = None, paper: str = "a4") -> bytes:
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        for number, indicator in enumerate(report.indicators, start=1):
            (root / f"chart-{number}.svg").write_text(indicator_svg(indicator), encoding="utf-8")
        if report.whatif and report.whatif.mattered:
            (root / "forest.svg").write_text(forest_svg(report.whatif), encoding="utf-8")
        main = root / "aar.typ"
        main.write_text(_source(report, paper), encoding="utf-8")
        return typst.compile(str(main), root=str(root), format="pdf")


def cohort_pdf(c: Cohort, paper: str = "a4") -> bytes:
    """The cohort report as PDF: the same parts as the Markdown, and every cell's curves of each indicator."""
    from exercise.report.charts import cohort_svg
    from exercise.session.timeline import verdict

    env = Environment(loader=PackageLoader("exercise.report", "templates"),
                      autoescape=False,  # noqa: S701 - Typst source, not HTML: its own filter escapes quoted text
                      undefined=StrictUndefined, trim_blocks=True, lstrip_blocks=True)
    env.filters["typ"], env.filters["tstr"] = typ, tstr
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        for number, indicator in enumerate(c.indicators, start=1):
            (root / f"cohort-{number}.svg").write_text(cohort_svg(indicator), encoding="utf-8")
        main = root / "cohort.typ"
        main.write_text(env.get_template("cohort.typ.j2").render(c=c, paper=paper, verdict=verdict), encoding="utf-8")
        return typst.compile(str(main), root=str(root), format="pdf")
