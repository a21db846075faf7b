"""The AAR/IP as an editable Word document (python-docx), in the order of HSEEP's AAR/IP template.

The improvement plan is a real Word table whose header row repeats on every
page, so that it can be filled in (start and completion dates) after the
exercise; every page carries the handling marking in its header and footer.
"""

from __future__ import annotations

import io
from collections.abc import Sequence

from docx import Document
from docx.enum.section import WD_ORIENT, WD_SECTION
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Inches, Pt, RGBColor

from exercise.plain import visible
from exercise.report.model import Cohort, Report
from exercise.report.render import run_rate
from exercise.report.summary import TLP_POINTS
from exercise.report.tables import SIMULATION, notes_lines, simulation_tables
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


def _keep_rows_whole(row) -> None:  # noqa: ANN001
    """A row never splits across pages: a sentence of the plan reads on one page."""
    tr_pr = row._tr.get_or_add_trPr()
    tr_pr.append(OxmlElement("w:cantSplit"))


def _table(doc, header: list[str], rows: Sequence[Sequence[object]]):  # noqa: ANN001, ANN202
    table = doc.add_table(rows=1, cols=len(header))
    table.style = "Table Grid"
    for cell, title in zip(table.rows[0].cells, header, strict=True):
        cell.text = title
        for run in cell.paragraphs[0].runs:
            run.bold = True
    _repeat_header(table.rows[0])
    _keep_rows_whole(table.rows[0])
    for values in rows:
        row = table.add_row()
        _keep_rows_whole(row)
        for cell, value in zip(row.cells, values, strict=True):
            cell.text = _text(value)
    section = doc.sections[-1]
    room = (section.page_width - section.left_margin - section.right_margin) / Cm(1)
    widths = _fitted([header, *rows], room)
    scale = room / sum(widths)  # fill the page's width, in the proportions given
    # Set on the grid and on every cell: LibreOffice reads the grid, Word the cells.
    table.autofit = False
    for column, width in zip(table.columns, widths, strict=True):
        column.width = Cm(width * scale)
    for row in table.rows:
        for cell, width in zip(row.cells, widths, strict=True):
            cell.width = Cm(width * scale)
    return table


PAPER = {"a4": (Cm(21.0), Cm(29.7)), "letter": (Inches(8.5), Inches(11))}
# The width of a character of 9-point table text (bold in the header row), with some margin: LibreOffice
# sets Word's default font in a wide fallback.
_CHAR_CM, _BOLD_CM = 0.2, 0.26
_PAD_CM = 0.45  # a cell's left and right padding


def _fitted(rows: Sequence[Sequence[object]], room: float) -> list[float]:
    """Column widths (cm) in which no word breaks where the page allows: each column at least as wide as
    its longest word, and what is left shared out by how much each column holds."""
    columns = list(zip(*[[_text(v) for v in row] for row in rows], strict=True))

    def longest(values: tuple[str, ...]) -> int:
        return max((len(w) for v in values for w in v.split()), default=1)
    least = [max(longest(col[:1]) * _BOLD_CM, longest(col[1:]) * _CHAR_CM) + _PAD_CM for col in columns]
    bulk = [sum(min(len(v), 120) for v in col) / len(col) + 1 for col in columns]
    spare = room - sum(least)
    if spare <= 0:
        return least  # the page is too narrow for every longest word: keep the proportions of the words
    return [lo + spare * b / sum(bulk) for lo, b in zip(least, bulk, strict=True)]


def to_docx(report: Report, compare: Report | None = None, paper: str = "a4") -> bytes:
    doc = Document()
    doc.styles["Normal"].font.size = Pt(10)
    doc.styles["Table Grid"].font.size = Pt(9)  # tables of seven columns need it to keep their words whole
    section = doc.sections[0]
    section.page_width, section.page_height = PAPER[paper]
    section.left_margin = section.right_margin = Cm(2)
    for part in (_front, _summary, _overview, _capabilities, _conclusion, _appendices, _simulation, _whatif,
                 _monte_carlo, _comparison, _acronyms, _annex):
        part(doc, report)
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


def _field(paragraph, code: str) -> None:  # noqa: ANN001
    """A Word field (PAGE, NUMPAGES) that the reader's Word or LibreOffice fills in."""
    run = paragraph.add_run()
    for kind, text in (("begin", None), (None, code), ("separate", None), (None, "1"), ("end", None)):
        if kind is not None:
            element = OxmlElement("w:fldChar")
            element.set(qn("w:fldCharType"), kind)
        elif text == code:
            element = OxmlElement("w:instrText")
            element.set(qn("xml:space"), "preserve")
            element.text = f" {code} "
        else:
            element = OxmlElement("w:t")
            element.text = text
        run._r.append(element)


def _tlp_run(paragraph, r: Report) -> None:  # noqa: ANN001
    """The marking as FIRST's TLP 2.0 asks: the label's colour on black, 12 pt, bold."""
    run = paragraph.add_run(r.handling.marking)
    run.bold = True
    run.font.size = Pt(TLP_POINTS)
    run.font.color.rgb = RGBColor.from_string(r.handling.colour.lstrip("#"))
    shade = OxmlElement("w:shd")
    shade.set(qn("w:val"), "clear")
    shade.set(qn("w:color"), "auto")
    shade.set(qn("w:fill"), "000000")
    run._r.get_or_add_rPr().append(shade)


def _front(doc, r: Report) -> None:  # noqa: ANN001
    section = doc.sections[0]
    for part in (section.header, section.footer):
        p = part.paragraphs[0]
        p.alignment = WD_ALIGN_PARAGRAPH.CENTER
        _tlp_run(p, r)
    numbers = section.footer.add_paragraph()
    numbers.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    numbers.add_run("Page ")
    _field(numbers, "PAGE")
    numbers.add_run(" of ")
    _field(numbers, "NUMPAGES")
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
        ["Conducted", ", ".join(x for x in (o.played_on_text, o.place) if x) or "not recorded"],
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
        if x.target:
            doc.add_paragraph(_text(f"Capability target: {x.target}"))
        if x.tasks:
            doc.add_paragraph("Critical tasks, as evaluated", style="Heading 3")
            _table(doc, ["Task", "Team", "Due", "Evaluator", "Simulator", "Notes"],
                   [[f"{k.task} {k.text}", k.team, k.due, k.evaluator + (f" ({k.by})" if k.by else ""),
                     k.simulator + (" (disagrees)" if k.disagree else ""), k.note] for k in x.tasks])
        if len(x.ratings) > 1:
            doc.add_paragraph(_text("Ratings given: " + "; ".join(
                f"{g.by} {g.rating}" + (f" ({g.comment})" if g.comment else "") for g in x.ratings) + "."))
        if x.disagreements:
            doc.add_paragraph("Where the evaluators and the simulator disagree", style="Heading 3")
            for d in x.disagreements:
                doc.add_paragraph(_text(d), style="List Bullet")
        for heading, items in (("Strengths", x.strengths), ("Areas for improvement", x.areas_for_improvement)):
            doc.add_paragraph(heading, style="Heading 3")
            for item in items:
                doc.add_paragraph(_text(f"{item.text} ({item.reference})"), style="List Bullet")
            if not items:
                doc.add_paragraph("None recorded.")


def _conclusion(doc, r: Report) -> None:  # noqa: ANN001
    doc.add_heading("Conclusion", 1)
    doc.add_paragraph(_text(r.conclusion))
    doc.add_heading("Sign-off", 2)
    _table(doc, ["Role", "Name", "Signature", "Date"],
           [["Exercise director", "", "", ""], ["Lead evaluator", "", "", ""], ["Sponsor", r.overview.sponsor or "",
                                                                                   "", ""]])


def _simulation(doc, r: Report) -> None:  # noqa: ANN001
    _turn(doc, landscape=True)  # data tables of up to eight columns, with stage ids and prompts in them
    doc.add_heading(SIMULATION, 1)
    for table in simulation_tables(r):
        doc.add_heading(table.title, 2)
        if table.rows:
            _table(doc, table.header, table.rows)
        else:
            doc.add_paragraph(table.empty)
    doc.add_heading("Notes and observations", 2)
    for line in notes_lines(r) or ["None."]:
        doc.add_paragraph(_text(line), style="List Bullet")
    _turn(doc, landscape=False)


def _acronyms(doc, r: Report) -> None:  # noqa: ANN001
    doc.add_heading("Acronyms", 1)
    _table(doc, ["Acronym", "Meaning"], [[a.acronym, a.meaning] for a in r.acronyms])


def _turn(doc, landscape: bool) -> None:  # noqa: ANN001
    """A new section on a new page, across the page or upright; its header and footer follow the last."""
    section = doc.add_section(WD_SECTION.NEW_PAGE)
    width, height = sorted((section.page_width, section.page_height), reverse=landscape)
    section.orientation = WD_ORIENT.LANDSCAPE if landscape else WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = width, height


def _appendices(doc, r: Report) -> None:  # noqa: ANN001
    _turn(doc, landscape=True)  # seven columns of sentences need the page's width
    doc.add_heading("Appendix A: Improvement plan", 1)
    _table(doc, ["Core capability", "Issue / area for improvement", "Corrective action", "Capability element",
                 "Primary responsible organisation", "Point of contact", "Start date", "Completion date"],
           [[p.capability, p.issue, p.corrective_action + (" (generic)" if p.generic else ""), p.capability_element,
             p.organisation, p.contact or "", p.start or "", p.completion or ""] for p in r.improvement_plan])
    _turn(doc, landscape=False)
    doc.add_heading("Appendix B: Exercise participants", 1)
    _table(doc, ["Team", "Body played", "Level", "Played by"],
           [[p.name, p.body, p.level, p.played_as] for p in r.participants])
    if r.feedback is not None:
        fb = r.feedback
        doc.add_heading("Appendix C: Participant feedback", 1)
        doc.add_paragraph(_text(f"{fb.forms} participant{'s' if fb.forms != 1 else ''} sent a feedback form (each "
                                "person's last counts once). Scores run from 1 (strongly disagree) to 5 (strongly "
                                "agree)."))
        _table(doc, ["Statement", "Answers", "Mean", "1", "2", "3", "4", "5"],
               [[s.statement, s.answers, f"{s.mean:.1f}" if s.mean is not None else "-", *s.counts]
                for s in fb.statements])
        for title, quotes in fb.written:
            doc.add_paragraph(title, style="Heading 3")
            for q in quotes:
                doc.add_paragraph(_text(f'"{q.text}" ({q.by})'), style="List Bullet")


def _whatif(doc, r: Report) -> None:  # noqa: ANN001
    if r.whatif is None:
        return
    doc.add_heading("Decisions that mattered", 1)
    doc.add_paragraph(_text(r.whatif.method))
    for e in r.whatif.mattered:
        for sentence in e.sentences:
            doc.add_paragraph(_text(sentence[0].upper() + sentence[1:] + "."), style="List Bullet")
    if r.whatif.mattered:
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


def _comparison(doc, r: Report) -> None:  # noqa: ANN001
    c = r.comparison
    if c is None:
        return
    doc.add_heading("Comparison with a second session", 1)
    doc.add_paragraph(_text(f"Compared with: {c.other}"))
    _table(doc, ["Objective", "Rating (this session)", "Rating (second)", "Simulator (this)", "Simulator (second)", ""],
           [[o.objective, o.rating or "-", o.other_rating or "-", o.met, o.other_met, "same" if o.same else "differs"]
            for o in c.objectives])
    _table(doc, ["Campaign", "Time to respond (this)", "Time to respond (second)", ""],
           [[x.campaign, x.time_to_respond or "no response", x.other_time_to_respond or "no response",
             "same" if x.same else "differs"] for x in c.campaigns])


def _annex(doc, r: Report) -> None:  # noqa: ANN001
    o = r.overview
    doc.add_heading("Technical annex", 1)
    _table(doc, ["", ""], [["Seed", o.seed], ["Engine model", o.engine_model or "-"],
                           ["Journal written by", o.journal_tool or "-"], ["Report written by", r.generated_by]])


def cohort_docx(c: Cohort, paper: str = "a4") -> bytes:
    """The cohort as an editable Word document: the same parts as the Markdown, the tables real tables."""
    doc = Document()
    doc.styles["Normal"].font.size = Pt(10)
    doc.styles["Table Grid"].font.size = Pt(9)
    section = doc.sections[0]
    section.page_width, section.page_height = PAPER[paper]
    section.left_margin = section.right_margin = Cm(2)
    marking = doc.add_paragraph()
    marking.add_run(_text(c.handling.marking)).bold = True
    doc.add_heading(_text(f"Cohort report: {c.title}"), 0)
    seed = f", all on seed {c.cells[0].seed}" if c.same_seed else ""
    doc.add_paragraph(_text(f"{len(c.cells)} cells of scenario {c.scenario}{seed}."))
    doc.add_paragraph(_text(c.method))
    doc.add_heading("Cells", 1)
    _table(doc, ["Cell", "Seed", "Played by", *(o.id for o in c.objectives)],
           [[x.cell, x.seed, x.played_by, *(verdict(x.met.get(o.id)) for o in c.objectives)] for x in c.cells])
    doc.add_heading("The decisions that made the difference", 1)
    for o in c.objectives:
        rows = [d for d in c.differences if d.objective == o.id]
        if rows:
            doc.add_heading(_text(f"{o.id}: {o.text}"), 2)
            for d in rows[:8]:
                doc.add_paragraph(_text(d.sentence + "."), style="List Number")
    if not c.differences:
        doc.add_paragraph("No objective was met in some cells and missed in others.")
    doc.add_heading("Key injects, cell by cell", 1)
    _table(doc, ["Inject", *(x.cell for x in c.cells)], [[f"{k.inject} {k.title}", *k.cells] for k in c.key_injects])
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()
