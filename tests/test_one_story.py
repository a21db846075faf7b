"""The screen and the export tell one story: the debrief renders the report's own sections.

On every bundled scenario, played with its proactive playbook and with a
facilitator's rating, the debrief's objective verdicts and ratings and its
ground truth are those of the exported report, in the one vocabulary of
verdicts (``timeline.VERDICTS``).
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from exercise.report.exporters import EXPORTERS
from exercise.report.sections import report_of
from exercise.scenario import load_scenario
from exercise.scenario.playbook import load_playbook
from exercise.session.commands import Rating
from exercise.session.live import Session
from exercise.session.timeline import VERDICTS, verdict
from exercise.tui.screens.debrief import debrief_markdown

ROOT = Path(__file__).resolve().parents[1]
SCENARIOS = sorted((ROOT / "scenarios").glob("*.yaml"))


def played(path: Path) -> Session:
    loaded = load_scenario(path)
    book_path = ROOT / "scenarios" / "playbooks" / f"{path.stem}-proactive.yaml"
    session = Session(loaded, 7, load_playbook(book_path, loaded)[0], book_path)
    session.advance_to(session.world.end)
    first = loaded.scenario.objectives[0].id
    session.submit(Rating(objective=first, rating="S", comment="rated at the hot wash"))
    return session


def table(markdown: str, heading: str) -> list[list[str]]:
    part = markdown.split(f"## {heading}", 1)[1].split("\n## ", 1)[0]
    rows = [line for line in part.splitlines() if line.startswith("| ") and not line.startswith("|---")]
    return [[cell.strip() for cell in row.strip("|").split("|")] for row in rows[1:]]


@pytest.mark.parametrize("path", SCENARIOS, ids=[p.stem for p in SCENARIOS])
def test_the_debrief_and_the_exported_report_say_the_same(path: Path) -> None:
    session = played(path)
    exported = json.loads(EXPORTERS["json"].export(report_of(session), None))
    shown = {row[0]: row for row in table(debrief_markdown(session), "Objectives")}
    assert set(shown) == {o["id"] for o in exported["objectives"]}
    for o in exported["objectives"]:
        _, _, said, rating, comment = shown[o["id"]]
        assert said == verdict(o["simulator"]["met"]), o["id"]
        assert rating.split(" ")[0] == (o["rating"] or "-"), o["id"]
        assert ("(derived)" in rating) == (o["rating_source"] == "derived"), o["id"]
        assert comment == o["comment"]
    truth = table(debrief_markdown(session), "Ground truth")
    assert [(g["stage"], g["started_clock"], g["outcome"] or "") for g in exported["ground_truth"]] == [
        (row[0], row[1], row[2]) for row in truth]
    assert [row[3] == "**never**" for row in truth] == [g["detected"] is None for g in exported["ground_truth"]]
    # The Markdown report words each verdict as the debrief does.
    text = EXPORTERS["md"].export(report_of(session), None)
    said = re.findall(r"^Simulator: (.+?) \(", text, flags=re.M)
    assert said == [verdict(o["simulator"]["met"]) for o in exported["objectives"]]
    assert set(said) <= set(VERDICTS.values())
