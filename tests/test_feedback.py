"""Participant feedback: the form every player gets at ENDEX, journaled under their name and summarised in the
AAR (counts, means and quotes) and the workbook (issue 40)."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from exercise.engine import EngineError
from exercise.report.render import render
from exercise.report.sections import report_of
from exercise.scenario import load_scenario
from exercise.session.commands import By, Feedback
from exercise.session.live import Session

ROOT = Path(__file__).resolve().parents[1]
ELECTION = ROOT / "scenarios" / "election-week.yaml"


def player(team: str, name: str) -> By:
    return By(role="team", team=team, name=name)


def test_a_form_with_an_unknown_statement_or_nothing_in_it_is_refused() -> None:
    session = Session(load_scenario(ELECTION), 1)
    try:
        with pytest.raises(EngineError, match="no feedback statement 'fun'"):
            session.submit(Feedback(scores={"fun": 5}, by=player("comms", "Cleo")))
        with pytest.raises(EngineError, match="an empty feedback form"):
            session.submit(Feedback(by=player("comms", "Cleo")))
        with pytest.raises(ValueError):
            Feedback(scores={"realistic": 6})
    finally:
        session.close()


def test_the_report_counts_each_persons_last_form_and_quotes_the_answers() -> None:
    from openpyxl import load_workbook

    from exercise.report.exporters import EXPORTERS

    session = Session(load_scenario(ELECTION), 1)
    try:
        session.advance_to(session.world.end)
        session.submit(Feedback(scores={"realistic": 2}, by=player("comms", "Cleo")))
        session.submit(Feedback(scores={"realistic": 4, "prepared": 5}, strengths="The deepfake felt real",
                                by=player("comms", "Cleo")))  # her second, fuller form replaces the first
        session.submit(Feedback(scores={"realistic": 3, "people": 2}, improvements="No one from the platforms",
                                change="Seat a real platform trust-and-safety lead", by=player("csirt", "Ivo")))
        report = report_of(session)
    finally:
        session.close()
    fb = report.feedback
    assert fb is not None and fb.forms == 2
    realistic = next(s for s in fb.statements if s.statement.startswith("The exercise scenario was plausible"))
    assert (realistic.answers, realistic.mean, realistic.counts) == (2, 3.5, [0, 0, 1, 1, 0])
    assert [(q.by, q.text) for q in fb.strengths] == [("comms (Cleo)", "The deepfake felt real")]
    assert [(q.by, q.text) for q in fb.change] == [("csirt (Ivo)", "Seat a real platform trust-and-safety lead")]
    markdown = render(report, "md")
    assert "## Appendix C: Participant feedback" in markdown
    assert '- "No one from the platforms" (csirt (Ivo))' in markdown
    book = load_workbook(io.BytesIO(EXPORTERS["xlsx"].export(report, None)))
    rows = list(book["Participant feedback"].iter_rows(values_only=True))
    assert rows[1][:3] == ("The exercise scenario was plausible and realistic.", 2, 3.5)
    comments = list(book["Feedback comments"].iter_rows(values_only=True))
    assert ("What to change in the exercise", "csirt (Ivo)", "Seat a real platform trust-and-safety lead") in comments


def test_no_form_no_appendix() -> None:
    session = Session(load_scenario(ELECTION), 1)
    try:
        session.advance_to(60.0)
        report = report_of(session)
    finally:
        session.close()
    assert report.feedback is None and "Participant feedback" not in render(report, "md")


async def test_every_player_is_asked_at_endex_and_the_form_is_journaled(tmp_path: Path) -> None:
    from conftest import start_host
    from textual.widgets import Select, TextArea

    from exercise.session.commands import End
    from exercise.tui.screens.feedback import FeedbackForm
    from exercise.tui.team_app import TeamApp

    session = Session(load_scenario(ELECTION), 1)
    session.start_journal(tmp_path / "j.jsonl")
    host, url, tokens = await start_host(session)
    app = TeamApp(url, tokens["comms"], "Cleo")
    try:
        async with app.run_test(size=(80, 24)) as pilot:
            await app.remote.until(lambda s: s.ready)
            await pilot.pause()
            assert not isinstance(app.screen, FeedbackForm)
            session.advance_to(session.world.end)
            session.submit(End())
            await app.remote.until(lambda s: s.now is not None and s.now.clock.finished)
            for _ in range(50):
                await pilot.pause(0.02)
                if isinstance(app.screen, FeedbackForm):
                    break
            assert isinstance(app.screen, FeedbackForm)
            app.screen.query_one("#score-realistic", Select).value = 4
            app.screen.query_one("#text-strengths", TextArea).text = "Channels felt real"
            await pilot.press("ctrl+s")
            for _ in range(50):
                await pilot.pause(0.02)
                if session.feedback:
                    break
    finally:
        await host.close()
        session.close()
    form = session.feedback[0]
    assert form.scores == {"realistic": 4} and form.strengths == "Channels felt real"
    assert (form.by.role, form.by.team, form.by.name) == ("team", "comms", "Cleo")
