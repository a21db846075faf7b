"""Exercise Evaluation Guides: critical tasks in the scenario, evaluator seats assigned to teams, their marks
journaled under their names and shown in the AAR beside what the simulator measured (issue 40)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from exercise.cli import main
from exercise.engine import EngineError
from exercise.report.evaluation import evaluator_markdown
from exercise.scenario import load_scenario
from exercise.scenario.lint import lint
from exercise.scenario.loader import scenario_from_bytes
from exercise.session import views
from exercise.session.commands import By, Deliver, Observe, Rating, TakeMeasure
from exercise.session.live import Session

ROOT = Path(__file__).resolve().parents[1]
SCENARIOS = sorted((ROOT / "scenarios").glob("*.yaml"))
ELECTION = ROOT / "scenarios" / "election-week.yaml"
H = 60.0


@pytest.mark.parametrize("path", SCENARIOS, ids=[p.stem for p in SCENARIOS])
def test_the_committed_evaluator_sheets_are_in_sync(path: Path) -> None:
    committed = ROOT / "facilitator_guides" / "evaluators" / f"{path.stem}.md"
    assert committed.exists(), f"run: exercise guide {path} --evaluators -o {committed.relative_to(ROOT)}"
    assert committed.read_text(encoding="utf-8") == evaluator_markdown(load_scenario(path).scenario), \
        f"stale: run exercise guide scenarios/{path.name} --evaluators -o facilitator_guides/evaluators/" \
        f"{path.stem}.md --force"


def test_each_evaluator_sheet_has_its_teams_tasks_only() -> None:
    text = evaluator_markdown(load_scenario(ELECTION).scenario)
    info, coord = text.split("## Sheet eval-info")[1].split("## Sheet eval-coord")
    assert "| T1 | Raise a Rapid Alert System alert with the evidence gathered so far | comms | within 12h of INJ-05" \
        in info
    assert "presidency" not in info and "| T1 | Bring the campaign to the EU crisis level" in coord
    assert "For controllers and evaluators only" in text


def test_the_sheets_print_as_pdf(tmp_path: Path) -> None:
    out = tmp_path / "sheets.pdf"
    result = CliRunner().invoke(main, ["guide", str(ELECTION), "--evaluators", "--pdf", "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert out.read_bytes().startswith(b"%PDF")
    refused = CliRunner().invoke(main, ["guide", str(ELECTION), "--pdf", "-o", str(out), "--force"])
    assert refused.exit_code != 0 and "--evaluators" in refused.output


def test_a_task_naming_an_unknown_team_inject_or_measure_is_a_lint_error() -> None:
    text = ELECTION.read_text(encoding="utf-8")
    wrong = text.replace("teams: [comms], after: INJ-05, within: 12h, response: FIMI-01}",
                         "teams: [comms, comz], after: INJ-55, within: 12h, response: FIMI-99}", 1)
    wrong = wrong.replace("teams: [csirt, presidency]}", "teams: [csirt, presidncy]}", 1)
    messages = [p.message for p in lint(scenario_from_bytes(wrong.encode(), "e.yaml"))]
    for expected in ("unknown team 'comz'", "unknown inject 'INJ-55'", "unknown response 'FIMI-99'",
                     "unknown team 'presidncy'"):
        assert any(expected in m for m in messages), (expected, messages)


def test_a_task_is_due_when_its_inject_reaches_the_team_and_a_mark_is_checked() -> None:
    session = Session(load_scenario(ELECTION), 3)
    try:
        session.advance_to(H)
        rows = {(r.objective, r.task, r.team): r for r in views.tasks_due(session)}
        assert rows[("OBJ-3", "T1", "comms")].status == "waiting" and rows[("OBJ-3", "T1", "comms")].due is None
        session.submit(Deliver(inject="INJ-05"))
        row = next(r for r in views.tasks_due(session, ("comms",)) if (r.objective, r.task) == ("OBJ-3", "T1"))
        assert row.due == pytest.approx(H + 6 * H) and row.status == "open"
        assert {r.team for r in views.tasks_due(session, ("comms",))} == {"comms"}
        evaluator = By(role="evaluator", name="Olga")
        with pytest.raises(EngineError, match="observed for comms, not csirt"):
            session.submit(Observe(objective="OBJ-3", task="T1", team="csirt", observed=True, by=evaluator))
        with pytest.raises(EngineError, match="no critical task 'T9'"):
            session.submit(Observe(objective="OBJ-3", task="T9", team="comms", observed=True, by=evaluator))
        session.advance_to(8 * H)
        assert next(r for r in views.tasks_due(session, ("comms",)) if r.task == "T1"
                    and r.objective == "OBJ-3").status == "overdue"
    finally:
        session.close()


def test_the_report_puts_the_marks_beside_the_measurements_and_names_each_disagreement(tmp_path: Path) -> None:
    from exercise.report.sections import report_of

    session = Session(load_scenario(ELECTION), 3)
    session.start_journal(tmp_path / "j.jsonl")
    try:
        session.advance_to(H)
        session.submit(Deliver(inject="INJ-05"))
        session.advance_to(2 * H)
        session.submit(TakeMeasure(team="comms", response="FIMI-04", by=By(role="team", team="comms", name="Cleo")))
        session.advance_to(3 * H)
        olga, ben = By(role="evaluator", name="Olga"), By(role="evaluator", name="Ben")
        # Olga saw the debunk; Ben, at the other end of the room, did not see the alert, which was never sent.
        session.submit(Observe(objective="OBJ-3", task="T1", team="comms", observed=True, seen=2 * H,
                               note="Statement drafted and published in 50 minutes", by=olga))
        session.submit(Observe(objective="OBJ-1", task="T1", team="comms", observed=True,
                               note="Said they had alerted partners", by=ben))
        session.submit(Rating(objective="OBJ-3", rating="P", comment="Fast and clear", by=olga))
        session.submit(Rating(objective="OBJ-3", rating="M", comment="Line not shared with the commission", by=ben))
        session.advance_to(session.world.end)
        report = report_of(session)
    finally:
        session.close()
    obj3 = next(o for o in report.objectives if o.id == "OBJ-3")
    t1 = next(k for k in obj3.tasks if k.task == "T1")
    assert t1.evaluator == "observed at T+02:00" and t1.by == "evaluator (Olga)"
    assert t1.simulator == "FIMI-04 taken at T+02:00" and not t1.disagree
    assert [(g.by, g.rating) for g in obj3.ratings] == [("evaluator (Olga)", "P"), ("evaluator (Ben)", "M")]
    assert any("the ratings differ" in d for d in obj3.disagreements)
    obj1 = next(o for o in report.objectives if o.id == "OBJ-1")
    alert = next(k for k in obj1.tasks if k.task == "T1")
    assert alert.disagree and alert.simulator == "FIMI-01 not taken"
    assert "OBJ-1/T1 for comms: evaluator (Ben) marked it observed, but the simulator saw FIMI-01 not taken." \
        in obj1.disagreements
    from exercise.report.render import render

    markdown = render(report, "md")
    assert "| T1 Publish a debunk of the audio | comms |" in markdown and "**(disagrees)**" in markdown
    assert "Statement drafted and published in 50 minutes" in markdown


async def test_an_evaluator_seat_sees_and_marks_only_its_teams_tasks(tmp_path: Path) -> None:
    from conftest import start_host

    from exercise.net.client import CommandError, Remote

    session = Session(load_scenario(ELECTION), 3)
    session.start_journal(tmp_path / "j.jsonl")
    host, url, tokens = await start_host(session)
    assert {"eval-info", "eval-coord", "observer"} <= set(tokens)
    olga = Remote(url, tokens["eval-info"], name="Olga")
    olga.start()
    try:
        await olga.until(lambda s: s.ready)
        assert olga.state.welcome is not None and olga.state.welcome.evaluates == ["comms", "factcheck", "election"]
        assert {k.team for k in olga.state.now.tasks} == {"comms", "factcheck", "election"}
        await olga.send(Observe(objective="OBJ-3", task="T1", team="comms", observed=False, note="Nothing yet"))
        with pytest.raises(CommandError, match="your seat observes comms, factcheck, election, not csirt"):
            await olga.send(Observe(objective="OBJ-4", task="T2", team="csirt", observed=True))
    finally:
        await olga.stop()
        await host.close()
        session.close()
    lines = [json.loads(x) for x in (tmp_path / "j.jsonl").read_text(encoding="utf-8").splitlines()[1:]]
    marks = [x for x in lines if x["kind"] == "observe"]
    assert len(marks) == 1 and marks[0]["evaluator"] == "eval-info" and marks[0]["by"]["name"] == "Olga"


async def test_the_evaluator_console_marks_a_task_at_80x24(tmp_path: Path) -> None:
    from conftest import start_host

    from exercise.tui.screens.dialogs import Pick, TextEntry
    from exercise.tui.team_app import TeamApp

    session = Session(load_scenario(ELECTION), 3)
    session.start_journal(tmp_path / "j.jsonl")
    session.advance_to(H)
    session.submit(Deliver(inject="INJ-05"))
    host, url, tokens = await start_host(session)
    app = TeamApp(url, tokens["eval-info"], "Olga")
    try:
        async with app.run_test(size=(80, 24)) as pilot:
            await app.remote.until(lambda s: s.ready and s.now is not None and bool(s.now.tasks))
            await pilot.pause()
            if not isinstance(app.screen, Pick):
                await pilot.press("escape")  # the briefing on joining
            table = str(app.query_one("#indicators").render())
            assert app.query_one("#indicators").border_title.startswith("Tasks (t marks)")
            assert table  # drawn
            await pilot.press("t")
            assert isinstance(app.screen, Pick)
            await pilot.press("enter")  # the first task: due soonest
            assert isinstance(app.screen, Pick)
            await pilot.press("enter")  # observed
            await pilot.press("enter")  # just now
            assert isinstance(app.screen, TextEntry)
            await pilot.press(*"Debunk out", "ctrl+s")
            await app.remote.until(lambda s: any(k.status == "observed" for k in s.now.tasks))
    finally:
        await host.close()
        session.close()
    mark = next(c for c in session.records if isinstance(c, Observe))
    assert mark.observed and mark.note == "Debunk out" and mark.by.name == "Olga" and mark.evaluator == "eval-info"
