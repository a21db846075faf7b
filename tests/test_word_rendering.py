"""The Word AAR as LibreOffice renders it (the distribution's libreoffice-writer-nogui), and the Word,
PDF and HTML of one session read back: the same sections, notes and names in each.

The rendering checks skip, saying why, where LibreOffice is not installed (.ci/run installs it).
"""

from __future__ import annotations

import io
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from click.testing import CliRunner

from exercise.cli import main
from exercise.scenario import load_scenario
from exercise.scenario.playbook import load_playbook
from exercise.session.commands import By, End, Note, Rating, TakeMeasure
from exercise.session.live import Session

ROOT = Path(__file__).resolve().parents[1]
MARKING = "TLP:AMBER - EXERCISE - NOT REAL"
SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")
needs_office = pytest.mark.skipif(SOFFICE is None, reason="LibreOffice (libreoffice-writer-nogui) is not installed: "
                                                          "the Word rendering is not checked")
PAPER = {"a4": (595, 842), "letter": (612, 792)}  # points, upright


def session_journal(folder: Path, name: str) -> Path:
    """A session with remote players by name, an evaluator's note and rating, and the passive playbook."""
    loaded = load_scenario(ROOT / "scenarios" / f"{name}.yaml")
    book = ROOT / "scenarios" / "playbooks" / f"{name}-passive.yaml"
    session = Session(loaded, 5, load_playbook(book, loaded)[0], book)
    path = folder / f"{name}.jsonl"
    session.start_journal(path)
    team = loaded.scenario.teams[0]
    session.advance_to(60)
    session.submit(TakeMeasure(team=team.id, response=team.responses[0], by=By(role="team", team=team.id,
                                                                               name="Anna Kask")))
    session.submit(Note(text="The CSIRT had no line to the grid operator.",
                        by=By(role="evaluator", name="Eve Hallik")))
    session.advance_to(session.world.end)
    objective = loaded.scenario.objectives[0].id
    session.submit(Rating(objective=objective, rating="M", comment="Alerts came late.",
                          by=By(role="evaluator", name="Eve Hallik")))
    session.submit(End())
    session.close()
    return path


def export(journal: Path, fmt: str, folder: Path, *extra: str) -> Path:
    out = folder / f"{journal.stem}{''.join(extra).replace('-', '')}.{fmt}"
    made = CliRunner().invoke(main, ["report", str(journal), "--format", fmt, "-o", str(out), *extra])
    assert made.exit_code == 0, made.output
    return out


def rendered(docx: Path) -> Path:
    """The Word file as LibreOffice lays it out, as PDF."""
    assert SOFFICE is not None
    done = subprocess.run([SOFFICE, "--headless", f"-env:UserInstallation=file://{docx.parent}/lo-profile",
                           "--convert-to", "pdf", "--outdir", str(docx.parent), str(docx)],
                          capture_output=True, text=True, timeout=300, check=False)
    pdf = docx.with_suffix(".pdf")
    assert pdf.exists(), done.stderr
    return pdf


@needs_office
@pytest.mark.parametrize(("name", "paper"), [("election-week", "a4"), ("baltic-winter", "a4"),
                                             ("port-and-platforms", "a4"), ("election-week", "letter")])
def test_the_word_aar_renders_on_its_paper_with_the_plan_across_and_no_word_broken(
        name: str, paper: str, tmp_path: Path) -> None:
    from docx import Document
    from pypdf import PdfReader

    journal = session_journal(tmp_path, name)
    docx = export(journal, "docx", tmp_path, "--paper", paper)
    pages = PdfReader(rendered(docx)).pages
    texts = [page.extract_text() for page in pages]
    sizes = [(round(float(p.mediabox.width)), round(float(p.mediabox.height))) for p in pages]
    upright, across = PAPER[paper], PAPER[paper][::-1]
    def first(heading: str) -> int:
        return next(i for i, t in enumerate(texts) if heading in t)
    plan, people, data = first("Appendix A: Improvement plan"), first("Appendix B: Exercise participants"), \
        first("What the simulation shows")
    # The plan and the simulation's data tables across the page; the prose upright.
    assert all(size == across for size in sizes[plan:people] + sizes[data:data + 1]), sizes
    assert all(size == upright for size in sizes[:plan] + [sizes[people], sizes[-1]]), sizes
    assert all(MARKING in t for t in texts), "the marking is missing from a page"
    assert all(re.search(rf"Page {n} of {len(pages)}", t) for n, t in enumerate(texts, start=1))
    # No table cell breaks a word: every word of every table is whole somewhere in the rendering.
    words = {w for table in Document(str(docx)).tables for row in table.rows for cell in row.cells
             for w in re.findall(r"[A-Za-z]{3,}", cell.text)}
    tokens = set(re.findall(r"[A-Za-z]+", " ".join(texts)))
    assert not sorted(words - tokens), "words broken across lines in a table cell"


def test_word_pdf_and_html_carry_the_same_sections_notes_and_names(tmp_path: Path) -> None:
    from docx import Document
    from pypdf import PdfReader

    journal = session_journal(tmp_path, "election-week")
    doc = Document(str(export(journal, "docx", tmp_path)))
    word = "\n".join([p.text for p in doc.paragraphs] + [c.text for t in doc.tables for r in t.rows for c in r.cells])
    pdf = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(export(journal, "pdf", tmp_path).read_bytes())).pages)
    html = re.sub(r"<[^>]+>", " ", export(journal, "html", tmp_path).read_text(encoding="utf-8"))
    sections = ["Executive summary", "Exercise overview", "Conclusion", "Sign-off", "Appendix A: Improvement plan",
                "What the simulation shows", "Ground truth and what players saw", "Decisions", "Timeline",
                "Notes and observations", "Toolbox gap analysis", "Acronyms", "Technical annex", "Point of contact",
                "Conducted"]
    carried = ["Anna Kask", "Eve Hallik", "The CSIRT had no line to the grid operator.", "Alerts came late."]
    for name, text in (("docx", word), ("pdf", pdf), ("html", html)):
        flat = " ".join(text.split())
        missing = [s for s in sections + carried if s not in flat]
        assert not missing, (name, missing)
