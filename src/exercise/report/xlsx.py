"""The analysis workbook (openpyxl): one sheet per table an analyst filters and charts.

Sheets: Objectives, Improvement plan, Timeline, Decisions (with rationale and
who took them), Measures, Detection to response, Indicators (long format:
indicator, minute, value). Every sheet's first row is the header, frozen, and
the marking is in the workbook's title and each sheet's header/footer.
"""

from __future__ import annotations

import io

from openpyxl import Workbook
from openpyxl.styles import Font

from exercise.plain import visible
from exercise.report.model import MonteCarlo, Report


def _cell(value: object) -> object:
    if isinstance(value, str):
        text = visible(value)
        return "'" + text if text[:1] in ("=", "+", "-", "@") else text  # no formula from scenario or journal text
    return value


def _sheet(wb: Workbook, title: str, header: list[str], rows: list[list[object]], marking: str) -> None:
    ws = wb.create_sheet(title)
    ws.append(header)
    for cell in ws[1]:
        cell.font = Font(bold=True)
    for row in rows:
        ws.append([_cell(v) for v in row])
    ws.freeze_panes = "A2"
    ws.oddHeader.center.text = marking
    ws.oddFooter.center.text = marking
    for column in ws.columns:
        width = max(len(str(c.value or "")) for c in column[:200])
        ws.column_dimensions[column[0].column_letter].width = min(60, max(10, width + 2))


def to_xlsx(report: Report, compare: Report | None = None) -> bytes:
    """The workbook; with the report's Monte Carlo section (report --monte-carlo), its tables too."""
    r, mark = report, report.handling.marking
    wb = Workbook()
    wb.remove(wb.active)
    wb.properties.title = f"{r.overview.name}: AAR analysis ({mark})"
    _sheet(wb, "Objectives", ["objective", "capability", "text", "rating", "source", "simulator met", "detail",
                              "strengths", "areas for improvement"],
           [[o.id, o.capability, o.text, o.rating, o.rating_source, o.simulator.met, o.simulator.detail,
             len(o.strengths), len(o.areas_for_improvement)] for o in r.objectives], mark)
    _sheet(wb, "Improvement plan", ["objective", "capability", "issue", "cause", "corrective action", "element",
                                    "organisation", "generic", "start", "completion"],
           [[p.objective, p.capability, p.issue, p.cause, p.corrective_action, p.capability_element, p.organisation,
             p.generic, p.start, p.completion] for p in r.improvement_plan], mark)
    _sheet(wb, "Timeline", ["minutes", "clock", "when", "kind", "text"],
           [[t.t, t.clock, t.when, t.kind, t.text] for t in r.timeline], mark)
    _sheet(wb, "Decisions", ["at", "team", "answered by", "inject", "prompt", "option", "rationale",
                             "deliberated (real minutes)"],
           [[d.at, d.team, d.taken_by, d.inject, d.prompt, d.option_label, d.rationale, d.deliberation_minutes]
            for d in r.decisions], mark)
    _sheet(wb, "Measures", ["at", "measure", "name", "toolbox", "team", "given by", "outcome", "reason", "lead time",
                            "needed within", "too slow"],
           [[m.at, m.response, m.name, m.toolbox, m.team, m.taken_by, m.outcome, m.reason, m.lead_time,
             m.needed_within, m.too_slow] for m in r.toolbox_gaps.measures], mark)
    _sheet(wb, "Detection to response", ["campaign", "name", "domain", "first detected (min)", "first response",
                                         "team", "time to respond (min)"],
           [[c.campaign, c.name, c.domain, c.first_detected, c.first_response, c.first_response_team,
             c.time_to_respond] for c in r.detection_to_response], mark)
    if r.whatif is not None:
        _sheet(wb, "Decisions that mattered", ["decision", "variant", "objective", "session rate", "variant rate",
                                               "change", "95% CI low", "95% CI high"],
               [[e.decision, e.change, o.objective, o.session_rate, o.variant_rate, o.change, o.low, o.high]
                for e in r.whatif.mattered for o in e.objectives], mark)
        if r.whatif.mattered:
            from openpyxl.drawing.image import Image

            from exercise.report.charts import forest_svg, svg_to_png

            ws = wb["Decisions that mattered"]
            ws.add_image(Image(io.BytesIO(svg_to_png(forest_svg(r.whatif)))), "J2")
    _sheet(wb, "Indicators", ["indicator", "name", "minutes", "value"],
           [[i.id, i.name, t, v] for i in r.indicators for t, v in i.series], mark)
    if r.monte_carlo is not None:
        _monte_carlo(wb, r.monte_carlo, mark)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def _monte_carlo(wb: Workbook, mc: MonteCarlo, mark: str) -> None:
    seeds = f"seeds {mc.seeds}"
    _sheet(wb, "MC objectives", ["batch", "objective", "met", "judged", "rate", "95% low", "95% high", "seeds"],
           [[b.name, o.objective, o.met, o.judged, o.rate, o.low, o.high, seeds]
            for b in mc.batches for o in b.objectives], mark)
    _sheet(wb, "MC indicators", ["batch", "indicator", "which", "p5", "median", "p95"],
           [[b.name, ident, which, *values] for b in mc.batches
            for which, table in (("final", b.final), ("lowest", b.lowest)) for ident, values in table.items()], mark)
    if mc.paired:
        names = [b.name for b in mc.batches]
        _sheet(wb, "MC paired", ["objective", "difference", "95% low", "95% high", "pairs", f"only {names[0]}",
                                 f"only {names[-1]}"],
               [[d.objective, d.mean, d.low, d.high, d.pairs, d.only_a, d.only_b] for d in mc.paired], mark)
