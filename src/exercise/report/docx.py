"""The AAR/IP as an editable Word document (python-docx), in the order of HSEEP's AAR/IP template.

The improvement plan is a real Word table whose header row repeats on every
page, so that it can be filled in (start and completion dates) after the
exercise; every page carries the handling marking in its header and footer.
"""

from __future__ import annotations

import io

from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Pt

from exercise.plain import visible
from exercise.report.model import Report
from exercise.report.render import run_rate
from exercise.session.timeline import verdict


def _text(value: object) -> str:
    # Word would take a control character as is; show it, as every other format does.
    return visible("" if value is None else str(value))


def _repeat_header(row) -> None:  # noqa: ANN001
    properties = row._tr.get_or_add_trPr()
    flag = OxmlElement("w:tblHeader")
    flag.set(qn("w:val"), "true")
    properties.append(flag)
    no_split = OxmlElement("w:cantSplit")
    no_split.set(qn("w:val"), "true")
    properties.append(no_split)


def _table(doc, header: list[str], rows: list[list[object]]):  # noqa: ANN001, ANN202
    table = doc.add_table(rows=1, cols=len(header))
    table.style = "Table Grid"
    for cell, title in zip(table.rows[0].cells, header, strict=True):
        cell.text = title
        for run in cell.paragraphs[0].runs:
            run.bold = True
    _repeat_header(table.rows[0])
    for values in rows:
        cells = table.add_row().cells
        for cell, value in zip(cells, values, strict=True):
            cell.text = _text(value)
    return table


def to_docx(report: Report, compare: Report | None = None) -> bytes:
    doc = Document()
    doc.styles["Normal"].font.size = Pt(10)
    for part in (_front, _summary, _overview, _capabilities, _appendices, _whatif, _monte_carlo, _annex):
        part(doc, report)
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


def _front(doc, r: Report) -> None:  # noqa: ANN001
    section = doc.sections[0]
    for part in (section.header, section.footer):
        p = part.paragraphs[0]
        p.text = r.handling.marking
        p.alignment = WD_ALIGN_PARAGRAPH.CENTER
        p.runs[0].bold = True
    doc.add_heading("After-Action Report / Improvement Plan", 0)
    doc.add_paragraph(_text(r.overview.name)).runs[0].bold = True
    doc.add_paragraph(f"{r.handling.marking}: {r.handling.meaning}.")
    doc.add_paragraph(_text(f"Exercise dates (simulated): {r.overview.exercise_dates.start_text} to "
                            f"{r.overview.exercise_dates.end_text}"
                            + (f"; played {r.overview.played_on_text}" if r.overview.played_on_text else "")))


def _summary(doc, r: Report) -> None:  # noqa: ANN001
    doc.add_heading("Executive summary", 1)
    doc.add_paragraph(_text(r.executive_summary.exercised))
    doc.add_paragraph("Key findings", style="Heading 3")
    for finding in r.executive_summary.findings:
        doc.add_paragraph(_text(finding), style="List Bullet")
    doc.add_paragraph("Top corrective actions", style="Heading 3")
    for action in r.executive_summary.top_actions or ["None: no area for improvement was found."]:
        doc.add_paragraph(_text(action), style="List Bullet")


def _overview(doc, r: Report) -> None:  # noqa: ANN001
    doc.add_heading("Exercise overview", 1)
    o = r.overview
    _table(doc, ["", ""], [
        ["Exercise name", f"{o.name} (scenario {o.scenario_id}, version {o.scenario_version})"],
        ["Exercise dates", f"{o.exercise_dates.start_text} to {o.exercise_dates.end_text} (simulated)"],
        ["Scope", o.scope], ["Sponsor", o.sponsor],
        ["Point of contact", o.contact or "not given"],
        ["Participating organisations", r.organisations],
        ["Threat", "; ".join(f"{a.adversary}: {', '.join(a.campaigns)}" for a in o.threat)],
    ])
    doc.add_paragraph(_text(o.summary))


def _capabilities(doc, r: Report) -> None:  # noqa: ANN001
    doc.add_heading("Analysis of capabilities", 1)
    _table(doc, ["Objective", "Core capability", "Rating", "Source"],
           [[f"{x.id} {x.text}", x.capability, f"{x.rating or '-'} {x.rating_meaning or ''}".strip(),
             x.rating_source or "not rated"] for x in r.objectives])
    for x in r.objectives:
        doc.add_heading(_text(f"{x.id}: {x.capability}"), 2)
        doc.add_paragraph(_text(x.text))
        doc.add_paragraph(_text(f"Simulator: {verdict(x.simulator.met)} ({x.simulator.detail})"))
        if x.comment:
            doc.add_paragraph(_text(f"{x.rated_by[:1].upper()}{x.rated_by[1:]}: {x.comment}"))
        for heading, items in (("Strengths", x.strengths), ("Areas for improvement", x.areas_for_improvement)):
            doc.add_paragraph(heading, style="Heading 3")
            for item in items:
                doc.add_paragraph(_text(f"{item.text} ({item.reference})"), style="List Bullet")
            if not items:
                doc.add_paragraph("None recorded.")


def _appendices(doc, r: Report) -> None:  # noqa: ANN001
    doc.add_heading("Appendix A: Improvement plan", 1)
    _table(doc, ["Core capability", "Issue / area for improvement", "Corrective action", "Capability element",
                 "Primary responsible organisation", "Start date", "Completion date"],
           [[p.capability, p.issue, p.corrective_action + (" (generic)" if p.generic else ""), p.capability_element,
             p.organisation, p.start or "", p.completion or ""] for p in r.improvement_plan])
    doc.add_heading("Appendix B: Exercise participants", 1)
    _table(doc, ["Team", "Body played", "Level", "Played by"],
           [[p.name, p.body, p.level, p.played_as] for p in r.participants])
    if r.notes or r.adjustments:
        doc.add_heading("Appendix C: Notes, observations and adjustments", 1)
        for n in r.notes:
            doc.add_paragraph(_text(f"{n.clock}, {n.by}: {n.text}"), style="List Bullet")
        for a in r.adjustments:
            doc.add_paragraph(_text(f"{a.clock}: {a.what}. Why: {a.reason}"), style="List Bullet")


def _whatif(doc, r: Report) -> None:  # noqa: ANN001
    if r.whatif is None:
        return
    doc.add_heading("Decisions that mattered", 1)
    doc.add_paragraph(_text(r.whatif.method))
    for e in r.whatif.mattered:
        for sentence in e.sentences:
            doc.add_paragraph(_text(sentence[0].upper() + sentence[1:] + "."), style="List Bullet")
    if r.whatif.mattered:
        from docx.shared import Cm

        from exercise.report.charts import forest_svg, svg_to_png

        doc.add_picture(io.BytesIO(svg_to_png(forest_svg(r.whatif))), width=Cm(16))
    else:
        doc.add_paragraph(_text(r.whatif.none_mattered))


def _monte_carlo(doc, r: Report) -> None:  # noqa: ANN001
    mc = r.monte_carlo
    if mc is None:
        return
    doc.add_heading(f"Monte Carlo: over {mc.runs} seeds", 1)
    doc.add_paragraph(f"How often each objective was met when these policies were played on seeds {mc.seeds}"
                      + (" (stopped early: the runs completed)" if mc.interrupted else "") + ", with 95% intervals.")

    def rate(batch, objective: str) -> str:  # noqa: ANN001
        o = next((x for x in batch.objectives if x.objective == objective), None)
        return "-" if o is None else run_rate(o)
    _table(doc, ["Objective", *(b.name for b in mc.batches)],
           [[o.objective, *(rate(b, o.objective) for b in mc.batches)] for o in mc.batches[0].objectives])
    if mc.paired:
        doc.add_paragraph(_text(f"{mc.batches[-1].name} against {mc.batches[0].name}, seed by seed:"))
        _table(doc, ["Objective", "Difference", "95% interval", "Pairs"],
               [[d.objective, "-" if d.mean is None else f"{d.mean:.2f}",
                 "-" if d.low is None else f"{d.low:.2f} to {d.high:.2f}", d.pairs] for d in mc.paired])


def _annex(doc, r: Report) -> None:  # noqa: ANN001
    o = r.overview
    doc.add_heading("Technical annex", 1)
    _table(doc, ["", ""], [["Seed", o.seed], ["Engine model", o.engine_model or "-"],
                           ["Journal written by", o.journal_tool or "-"], ["Report written by", r.generated_by]])
