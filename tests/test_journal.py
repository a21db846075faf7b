"""The journal: durable records, exact replay, torn tails, changed scenarios, forks."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from exercise.cli import main
from exercise.engine import MODEL, log_to_jsonl
from exercise.scenario import load_scenario
from exercise.session.journal import JournalError, read_journal
from exercise.session.live import Session, replay, resume
from exercise.session.commands import AdhocInject, AnswerDecision, Clock, Note, Rating, TakeMeasure

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture
def scenario(tmp_path: Path) -> Path:
    """A private copy, so a test may change it."""
    path = tmp_path / "election-week.yaml"
    shutil.copy(ROOT / "scenarios" / "election-week.yaml", path)
    return path


def played(scenario: Path, journal: Path) -> Session:
    session = Session(load_scenario(scenario), 5)
    session.start_journal(journal)
    session.advance_to(300)
    session.submit(TakeMeasure(team="csirt", response="NAT-02", note="harden before the vote"))
    session.submit(Note(text="The CSIRT hardens early."))
    session.advance_to(1900)
    session.submit(AdhocInject(title="Minister calls", body="Where do we stand?", to=["comms"], severity="high"))
    session.advance_to(1950)
    session.submit(TakeMeasure(team="comms", response="FIMI-01", note="alert partners"))
    session.advance_to(24 * 60 + 120)
    if "INJ-06" in session.world.open_decisions:
        session.submit(AnswerDecision(inject="INJ-06", option="paper"))
    session.next_inject()
    session.advance_to(max(3000, session.world.now))
    session.submit(Clock(action="pause"))
    session.submit(Rating(objective="OBJ-4", rating="S", comment="EU level reached late"))
    return session


def test_replay_reproduces_the_event_log(scenario: Path, tmp_path: Path) -> None:
    live = played(scenario, tmp_path / "j.jsonl")
    live.close()
    rebuilt, journal = replay(tmp_path / "j.jsonl")
    assert rebuilt.world.now == live.world.now
    assert log_to_jsonl(rebuilt.world.events) == log_to_jsonl(live.world.events)
    assert rebuilt.ratings["OBJ-4"].rating == "S" and rebuilt.notes[0].text == "The CSIRT hardens early."
    live.advance_to(live.world.end)
    rebuilt.advance_to(rebuilt.world.end)
    assert log_to_jsonl(rebuilt.world.events) == log_to_jsonl(live.world.events)


def test_every_record_is_on_disk_when_the_call_returns(scenario: Path, tmp_path: Path) -> None:
    session = Session(load_scenario(scenario), 1)
    session.start_journal(tmp_path / "j.jsonl")
    session.advance_to(60)
    session.submit(TakeMeasure(team="csirt", response="NAT-02"))
    # Read with a separate handle while the writer is still open: nothing is buffered.
    lines = (tmp_path / "j.jsonl").read_text().splitlines()
    assert json.loads(lines[-1])["response"] == "NAT-02"


def test_a_torn_last_record_is_ignored_at_every_cut(scenario: Path, tmp_path: Path) -> None:
    played(scenario, tmp_path / "j.jsonl").close()
    raw = (tmp_path / "j.jsonl").read_bytes()
    last_start = raw.rstrip(b"\n").rfind(b"\n") + 1
    complete = read_journal(tmp_path / "j.jsonl").records
    for cut in range(last_start, len(raw)):
        torn = tmp_path / "torn.jsonl"
        torn.write_bytes(raw[:cut])
        journal = read_journal(torn)
        assert journal.records == complete[:-1]
        assert cut == last_start or journal.warnings
        if cut in (last_start + 1, len(raw) - 1):  # replaying every cut would only be slow
            replay(torn)


def test_resume_truncates_the_torn_tail_and_appends(scenario: Path, tmp_path: Path) -> None:
    played(scenario, tmp_path / "j.jsonl").close()
    path = tmp_path / "j.jsonl"
    path.write_bytes(path.read_bytes() + b'{"kind":"decision","t":31')
    warnings: list[str] = []
    session = resume(path, warn=warnings.append)
    assert "torn" in warnings[0]
    session.advance_to(3100)
    session.submit(TakeMeasure(team="mfa", response="HT-07", note="démarche"))
    session.close()
    journal = read_journal(path)
    assert journal.warnings == [] and journal.records[-1].response == "HT-07"


def test_a_changed_scenario_is_refused_unless_forced(scenario: Path, tmp_path: Path) -> None:
    played(scenario, tmp_path / "j.jsonl").close()
    before = read_journal(tmp_path / "j.jsonl").header["scenario"]["sha256"]
    scenario.write_text(scenario.read_text().replace("success: 0.85", "success: 0.5"))
    with pytest.raises(JournalError) as info:
        replay(tmp_path / "j.jsonl")
    after = load_scenario(scenario).sha256
    # The journal's digest, not the file's now: a journal may name any local file (issue 36: no digest oracle).
    assert before in str(info.value) and after not in str(info.value) and "--force" in str(info.value)
    warnings: list[str] = []
    replay(tmp_path / "j.jsonl", force=True, warn=warnings.append)
    assert "replaying anyway" in warnings[0]


def test_a_journal_from_another_engine_model_is_refused_unless_forced(scenario: Path, tmp_path: Path) -> None:
    played(scenario, tmp_path / "j.jsonl").close()
    lines = (tmp_path / "j.jsonl").read_text().splitlines(keepends=True)
    header = json.loads(lines[0])
    assert header["engine"] == MODEL
    del header["engine"]  # what journals written before the field look like: model 1
    (tmp_path / "old.jsonl").write_text(json.dumps(header) + "\n" + "".join(lines[1:]))
    with pytest.raises(JournalError, match=f"engine model 1; this version runs model {MODEL}.*--force"):
        replay(tmp_path / "old.jsonl")
    result = CliRunner().invoke(main, ["replay", str(tmp_path / "old.jsonl")])
    assert result.exit_code != 0 and "engine model 1" in result.output
    warnings: list[str] = []
    replay(tmp_path / "old.jsonl", force=True, warn=warnings.append)
    assert any("engine model 1" in w and "replaying anyway" in w for w in warnings)


def test_garbage_in_the_middle_is_an_error(tmp_path: Path, scenario: Path) -> None:
    played(scenario, tmp_path / "j.jsonl").close()
    lines = (tmp_path / "j.jsonl").read_text().splitlines(keepends=True)
    lines[2] = "not json\n"
    (tmp_path / "bad.jsonl").write_text("".join(lines))
    with pytest.raises(JournalError, match=r"bad.jsonl:3: not a JSON record"):
        read_journal(tmp_path / "bad.jsonl")
    (tmp_path / "other.jsonl").write_text('{"kind": "decision"}\n')
    with pytest.raises(JournalError, match="not an exercise journal"):
        read_journal(tmp_path / "other.jsonl")


def test_a_journal_is_never_overwritten(scenario: Path, tmp_path: Path) -> None:
    played(scenario, tmp_path / "j.jsonl").close()
    with pytest.raises(JournalError, match="already exists"):
        Session(load_scenario(scenario), 1).start_journal(tmp_path / "j.jsonl")


def test_playbook_runs_are_journaled_and_checked(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(main, ["simulate", "election-week", "--playbook", "proactive", "--seed", "4",
                                       "--journal", "run.jsonl"])
    assert result.exit_code == 0, result.output
    journal = read_journal(tmp_path / "run.jsonl")
    assert journal.header["playbook"]["id"] == "proactive"
    assert {r.kind for r in journal.records} == {"playbook_decision", "end"}
    warnings: list[str] = []
    session, _ = replay(tmp_path / "run.jsonl", warn=warnings.append)
    assert warnings == [] and session.world.finished


def test_fork_starts_a_new_journal_at_a_time(scenario: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    played(scenario, tmp_path / "j.jsonl").close()
    result = CliRunner().invoke(main, ["replay", str(tmp_path / "j.jsonl"), "--fork-at", "12h",
                                       "-o", str(tmp_path / "fork.jsonl")])
    assert result.exit_code == 0, result.output
    fork = read_journal(tmp_path / "fork.jsonl")
    assert fork.header["fork_at"] == 720 and fork.header["forked_from"].endswith("j.jsonl")
    # Only what happened by T+12h, then the clock at the fork, so that it resumes there.
    assert [r.kind for r in fork.records] == ["decision", "note", "clock"]
    session = resume(tmp_path / "fork.jsonl")
    session.submit(TakeMeasure(team="factcheck", response="FIMI-03", note="what if civil society had been alerted early?"))
    session.close()
    assert read_journal(tmp_path / "fork.jsonl").records[-1].response == "FIMI-03"


def test_replay_cli_prints_the_timeline_until_a_time(scenario: Path, tmp_path: Path) -> None:
    played(scenario, tmp_path / "j.jsonl").close()
    result = CliRunner().invoke(main, ["replay", str(tmp_path / "j.jsonl"), "--until", "6h"])
    assert result.exit_code == 0, result.output
    times = [line.split()[0] for line in result.stdout.splitlines()[1:] if line.strip().startswith("T+")]
    assert times and all(t <= "T+06:00" for t in times)
    assert "csirt takes NAT-02 (player)" in result.stdout
    bad = CliRunner().invoke(main, ["replay", str(tmp_path / "j.jsonl"), "--until", "soon"])
    assert bad.exit_code == 2


def test_resume_cli_restores_the_last_clock_speed(scenario: Path, tmp_path: Path,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    session = played(scenario, tmp_path / "j.jsonl")
    session.submit(Clock(action="speed", value=15))
    session.close()
    opened = {}

    class FakeApp:  # stands in for the console: this test is about what resume hands it
        def __init__(self, session, *, speed, briefing, hosting=None) -> None:
            opened.update(session=session, speed=speed, briefing=briefing)

        return_code = 0

        def run(self) -> None:
            pass

    import exercise.tui.app

    monkeypatch.setattr(exercise.tui.app, "ExerciseApp", FakeApp)
    result = CliRunner().invoke(main, ["resume", str(tmp_path / "j.jsonl")])
    assert result.exit_code == 0, result.output
    assert opened["speed"] == 15 and opened["briefing"] is False
    assert opened["session"].world.now == 3000
    assert "resume with: exercise resume" in result.stdout


def test_a_journal_from_another_machine_finds_the_bundled_scenario(tmp_path: Path) -> None:
    session = Session(load_scenario(ROOT / "scenarios" / "election-week.yaml"), 2)
    session.start_journal(tmp_path / "j.jsonl")
    session.submit(TakeMeasure(team="csirt", response="NAT-02"))
    session.close()
    moved = tmp_path / "moved.jsonl"
    moved.write_text((tmp_path / "j.jsonl").read_text().replace(str(ROOT / "scenarios"), "/elsewhere/scenarios"))
    warnings: list[str] = []
    rebuilt, _ = replay(moved, warn=warnings.append)
    assert "using the bundled scenario" in warnings[0]
    assert [lv.response for lv in rebuilt.world.live] == ["NAT-02"]
