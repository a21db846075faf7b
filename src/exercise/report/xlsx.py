"""The analysis workbook (openpyxl): one sheet per table an analyst filters, pivots and charts.

Sheets: Objectives, Improvement plan, Timeline, Decisions (with rationale and who
took them), Measures, Detection to response, Ground truth, Notes, Indicators
(long format: indicator, time, value), and the Monte Carlo, what-if and comparison
sections when the report has them. Every sheet is an Excel table with filters and a
frozen header row; times are real date-times in the scenario's own zone (the column
says which), beside the exercise clock; values are rounded. The marking is in the
workbook's title and each sheet's header and footer, in its TLP colour.
"""

from __future__ import annotations

import datetime as dt
import io
import re
from collections.abc import Sequence
from typing import Any
from zoneinfo import ZoneInfo

from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.worksheet.table import Table, TableStyleInfo

from exercise.plain import visible
from exercise.report.model import Cohort, ExerciseDates, Handling, MonteCarlo, Report
from exercise.scenario.types import from_t_plus
from exercise.session.timeline import clock, verdict

DIGITS = 4  # indicator values and rates: more would be noise from the float arithmetic


def _cell(value: object) -> object:
    if isinstance(value, str):
        text = visible(value)
        return "'" + text if text[:1] in ("=", "+", "-", "@") else text  # no formula from scenario or journal text
    if isinstance(value, float):
        return round(value, DIGITS)
    return value


class _Book:
    """A workbook whose sheets are all Excel tables, marked in their TLP colour."""

    def __init__(self, handling: Handling, dates: ExerciseDates) -> None:
        self.wb = Workbook()
        self.wb.remove(self.wb.active)
        self.mark = handling.marking
        # FIRST's colours are for black backgrounds; a header on white paper cannot have one, so
        # TLP:CLEAR's white label prints black.
        self.colour = "000000" if handling.tlp == "CLEAR" else handling.colour.lstrip("#")
        start = dt.datetime.fromisoformat(dates.start)
        self.start = start.astimezone(dt.timezone.utc)
        self.tz: dt.tzinfo | None = ZoneInfo(dates.timezone) if dates.timezone else start.tzinfo
        self.zone = dates.timezone or start.strftime("UTC%z")[:-2] + ":" + start.strftime("%z")[-2:]

    def time(self, minutes: float | None) -> dt.datetime | None:
        """The in-world date and time of an exercise minute, on the scenario's wall clock (daylight saving
        included); Excel has no zones, so the column's name says which."""
        if minutes is None:
            return None
        return (self.start + dt.timedelta(minutes=minutes)).astimezone(self.tz).replace(tzinfo=None, microsecond=0)

    def sheet(self, title: str, header: list[str], rows: Sequence[Sequence[object]]) -> None:
        ws = self.wb.create_sheet(title)
        ws.append(header)
        for cell in ws[1]:
            cell.font = Font(bold=True)
        for row in rows:
            ws.append([_cell(v) for v in row])
        ws.freeze_panes = "A2"
        for part in (ws.oddHeader.center, ws.oddFooter.center):
            part.text, part.color, part.size = self.mark, self.colour, 12
        for column in ws.columns:
            width = max(len(str(c.value or "")) for c in column[:200])
            ws.column_dimensions[column[0].column_letter].width = min(60, max(10, width + 2))
            if isinstance(column[1].value if len(column) > 1 else None, dt.datetime):
                for c in column[1:]:
                    c.number_format = "yyyy-mm-dd hh:mm"
                ws.column_dimensions[column[0].column_letter].width = 18
        last = f"{ws.cell(1, len(header)).column_letter}{max(2, ws.max_row)}"
        if ws.max_row < 2:
            ws.append([""] * len(header))  # a table needs a data row, even an empty one (None cells are not saved)
        name = re.sub(r"\W", "", title.title()) or "Sheet"
        table = Table(displayName=f"t{len(self.wb.sheetnames)}{name}", ref=f"A1:{last}")
        table.tableStyleInfo = TableStyleInfo(name="TableStyleLight9", showRowStripes=True)
        ws.add_table(table)


def _minutes(clock: str) -> float:
    """A report's exercise clock back to minutes."""
    minutes = from_t_plus(clock)
    if minutes is None:
        raise ValueError(f"not an exercise clock: {clock!r}")
    return minutes


def to_xlsx(report: Report, compare: Report | None = None) -> bytes:
    """The workbook; with the report's Monte Carlo, what-if and comparison sections, their tables too."""
    r = report
    b = _Book(r.handling, r.overview.exercise_dates)
    b.wb.properties.title = f"{r.overview.name}: AAR analysis ({b.mark})"
    at = f"in-world time ({b.zone})"
    b.sheet("Objectives", ["objective", "capability", "text", "rating", "source", "simulator met", "detail",
                           "strengths", "areas for improvement"],
            [[o.id, o.capability, o.text, o.rating, o.rating_source, o.simulator.met, o.simulator.detail,
              len(o.strengths), len(o.areas_for_improvement)] for o in r.objectives])
    b.sheet("Critical tasks", ["objective", "task", "text", "team", "due", "evaluator", "marked by", "notes",
                               "simulator", "disagrees"],
            [[o.id, k.task, k.text, k.team, k.due, k.evaluator, k.by, k.note, k.simulator, k.disagree]
             for o in r.objectives for k in o.tasks])
    fb = r.feedback
    b.sheet("Participant feedback", ["statement", "answers", "mean", "1", "2", "3", "4", "5"],
            [[s.statement, s.answers, s.mean, *s.counts] for s in (fb.statements if fb else [])])
    b.sheet("Feedback comments", ["question", "by", "answer"],
            [[title, q.by, q.text] for title, quotes in (fb.written if fb else []) for q in quotes])
    b.sheet("Improvement plan", ["objective", "capability", "issue", "cause", "corrective action", "element",
                                 "organisation", "point of contact", "generic", "start", "completion"],
            [[p.objective, p.capability, p.issue, p.cause, p.corrective_action, p.capability_element, p.organisation,
              p.contact, p.generic, p.start, p.completion] for p in r.improvement_plan])
    b.sheet("Timeline", ["exercise clock", at, "minutes", "kind", "ground truth", "text"],
            [[t.clock, b.time(t.t), t.t, t.kind, t.ground_truth, t.text] for t in r.timeline])
    b.sheet("Decisions", ["exercise clock", at, "team", "answered by", "inject", "prompt", "option", "chosen",
                          "rationale", "deliberated (real minutes)"],
            [[d.at, b.time(_minutes(d.at)), d.team, d.taken_by, d.inject, d.prompt, d.option, d.option_label,
              d.rationale, d.deliberation_minutes] for d in r.decisions])
    b.sheet("Measures", ["exercise clock", at, "measure", "name", "toolbox", "team", "given by", "target", "outcome",
                         "reason", "lead time", "needed within", "too slow"],
            [[m.at, b.time(_minutes(m.at)), m.response, m.name, m.toolbox, m.team, m.taken_by, m.target, m.outcome,
              m.reason, m.lead_time, m.needed_within, m.too_slow] for m in r.toolbox_gaps.measures])
    b.sheet("Detection to response", ["campaign", "name", "domain", f"first detected ({b.zone})", "first response",
                                      "team", "time to respond (minutes)"],
            [[c.campaign, c.name, c.domain, b.time(c.first_detected), c.first_response, c.first_response_team,
              c.time_to_respond] for c in r.detection_to_response])
    b.sheet("Ground truth", ["stage", "name", "campaign", "adversary", "domain", f"started ({b.zone})", "outcome",
                             f"detected ({b.zone})", "latency (minutes)", "countered by", "techniques"],
            [[g.stage, g.name, g.campaign, g.adversary, g.domain, b.time(g.started), g.outcome, b.time(g.detected),
              g.latency, ", ".join(g.countered_by), ", ".join(g.techniques)] for g in r.ground_truth])
    b.sheet("Notes", ["exercise clock", at, "by", "text"],
            [[n.clock, b.time(_minutes(n.clock)), n.by, n.text] for n in r.notes]
            + [[a.clock, b.time(_minutes(a.clock)), "facilitator adjustment", f"{a.what}. Why: {a.reason}"]
               for a in r.adjustments])
    if r.whatif is not None:
        b.sheet("Decisions that mattered", ["decision", "variant", "objective", "session rate", "variant rate",
                                            "change", "95% CI low", "95% CI high", "q (BH)", "mattered"],
                [[e.decision, e.change, o.objective, o.session_rate, o.variant_rate, o.change, o.low, o.high, o.q,
                  o.mattered] for e in r.whatif.mattered for o in e.objectives])
        if r.whatif.mattered:
            from openpyxl.drawing.image import Image

            from exercise.report.charts import forest_svg, svg_to_png

            ws = b.wb["Decisions that mattered"]
            ws.add_image(Image(io.BytesIO(svg_to_png(forest_svg(r.whatif)))), "L2")
    b.sheet("Indicators", ["indicator", "name", "exercise clock", at, "minutes", "value"],
            [[i.id, i.name, clock(t), b.time(t), t, v] for i in r.indicators for t, v in i.series])
    if r.monte_carlo is not None:
        _monte_carlo(b, r.monte_carlo)
    if r.comparison is not None:
        c = r.comparison
        b.sheet("Comparison", ["objective", "rating", "second rating", "simulator", "second simulator", "same",
                               "compared with"],
                [[o.objective, o.rating, o.other_rating, o.met, o.other_met, o.same, c.other] for o in c.objectives]
                + [[x.campaign, x.time_to_respond, x.other_time_to_respond, None, None, x.same, c.other]
                   for x in c.campaigns])
    out = io.BytesIO()
    b.wb.save(out)
    return out.getvalue()


def _monte_carlo(book: _Book, mc: MonteCarlo) -> None:
    seeds = f"seeds {mc.seeds}"
    book.sheet("MC objectives", ["batch", "objective", "met", "judged", "rate", "95% low", "95% high", "seeds"],
            [[b.name, o.objective, o.met, o.judged, o.rate, o.low, o.high, seeds]
             for b in mc.batches for o in b.objectives])
    book.sheet("MC indicators", ["batch", "indicator", "which", "p5", "median", "p95"],
            [[b.name, ident, which, *values] for b in mc.batches
            for which, table in (("final", b.final), ("lowest", b.lowest)) for ident, values in table.items()])
    if mc.paired:
        names = [b.name for b in mc.batches]
        book.sheet("MC paired", ["objective", "difference", "95% low", "95% high", "pairs", f"only {names[0]}",
                                 f"only {names[-1]}"],
                 [[d.objective, d.mean, d.low, d.high, d.pairs, d.only_a, d.only_b] for d in mc.paired])


def cohort_xlsx(c: Cohort) -> bytes:
    """The cohort as a workbook: the cells, the objectives across them, the decisions that differed, the key
    injects cell by cell, and every cell's indicator series (long format)."""
    b = _Book(c.handling, c.dates)
    b.wb.properties.title = f"{c.title}: cohort of {len(c.cells)} cells ({b.mark})"
    b.sheet("Cells", ["cell", "seed", "played by", *(o.id for o in c.objectives)],
            [[x.cell, x.seed, x.played_by, *(verdict(x.met.get(o.id)) for o in c.objectives)] for x in c.cells])
    b.sheet("Objectives", ["objective", "text", "met in", "missed in", "for the evaluators in"],
            [[o.id, o.text, ", ".join(o.met_in), ", ".join(o.missed_in), ", ".join(o.not_judged_in)]
             for o in c.objectives])
    b.sheet("Differences", ["objective", "rank", "decision", "met cells with it", "missed cells with it", "weight",
                            "alone between", "finding"],
            [[d.objective, rank, d.decision, f"{len(d.in_met)} of {d.met_cells}",
              f"{len(d.in_missed)} of {d.missed_cells}", d.weight, "; ".join(d.sole), d.sentence]
             for rank, d in _ranked(c)])
    b.sheet("Key injects", ["inject", "title", *(x.cell for x in c.cells)],
            [[k.inject, k.title, *k.cells] for k in c.key_injects])
    b.sheet("Indicators", ["indicator", "cell", "exercise clock", "minutes", "value"],
            [[i.name, cell, clock(t), t, v] for i in c.indicators for cell, points in i.series.items()
             for t, v in points])
    out = io.BytesIO()
    b.wb.save(out)
    return out.getvalue()


def _ranked(c: Cohort) -> list[tuple[int, Any]]:
    """Each difference with its rank within its objective."""
    seen: dict[str, int] = {}
    rows = []
    for d in c.differences:
        seen[d.objective] = seen.get(d.objective, 0) + 1
        rows.append((seen[d.objective], d))
    return rows
