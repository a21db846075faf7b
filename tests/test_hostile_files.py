"""Hostile files and inputs that reach the analysis and the reports (issue 36, M6-M9 and the low ones)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from exercise.cli import main
from exercise.report.charts import fit, indicator_svg, tornado_svg
from exercise.report.model import IndicatorSeries
from exercise.scenario import load_scenario
from exercise.scenario.playbook import playbook_from_bytes
from exercise.session.commands import By, Note, TakeMeasure
from exercise.session.live import Session
from exercise.session.policy_from import playbook_from_session, to_yaml

LONG_WORD = "x" * 500
LONG_WORDS = " ".join(["word"] * 200)


@pytest.mark.parametrize("label", [LONG_WORD, LONG_WORDS, "a\nb\n" * 100, " " * 300 + "y"])
def test_charts_draw_whatever_their_labels(label: str) -> None:
    # A 118-character label used to send pygal's line splitting into an endless loop, memory growing.
    svg = tornado_svg(label, [(label, 0.5, 0.1), ("short", 0.2, 0.05)], label)
    assert svg.startswith("<svg") and fit(label) in svg.replace("&#8230;", "…")
    series = IndicatorSeries(id="i", name=label, unit="share", domain="fimi", min=0, max=1, higher_is_better=True,
                             bands={"green": 0.7, "amber": 0.5}, visible_to=None, final=0.5, final_band="amber",
                             lowest=0.4, highest=0.6, series=[[0, 0.6], [60, 0.4], [120, 0.5]])
    assert indicator_svg(series).startswith("<svg")


def test_fit_keeps_one_bounded_line() -> None:
    assert fit("a  b\n c") == "a b c"
    cut = fit(LONG_WORD)
    assert len(cut) == 70 and cut.endswith("…")
    assert "\x1b" not in fit("\x1b[2Jclear")  # shown, not obeyed


# --- what players typed, and the analysis files that travel with a journal ---------------------

ROOT = Path(__file__).resolve().parents[1]
LAB = ROOT / "tests" / "data" / "lab.yaml"


def rationale_journal(tmp_path: Path) -> Path:
    """A session in which a team's rationale, sent over the wire, held control characters."""
    session = Session(load_scenario(LAB), 3)
    session.start_journal(tmp_path / "j.jsonl")
    session.advance_to(60)
    session.submit(TakeMeasure(team="comms", response="FIMI-01", note="bell\x07 clear\x1b[2J",
                               by=By(role="team", team="comms", name="Anna")))
    session.advance_to(session.world.end)
    session.close()
    return tmp_path / "j.jsonl"


def test_a_rationale_with_control_characters_makes_a_playbook_and_a_whatif(tmp_path: Path) -> None:
    from exercise.session.live import replay

    session = replay(rationale_journal(tmp_path))[0]
    text = to_yaml(playbook_from_session(session, "session", "t"), "a\nb: c")
    book = playbook_from_bytes(text.encode(), "<made>", session.loaded)[0]  # the reader takes what it was given
    assert book.rules[-1].note.startswith("bell␇")
    assert "\nb: c" not in text  # a source name cannot end the comment line
    result = CliRunner().invoke(main, ["whatif", str(tmp_path / "j.jsonl"), "--runs", "4"])
    assert result.exit_code == 0, result.output


def test_an_analysis_file_reaches_the_markdown_report_as_numbers_and_inert_text(tmp_path: Path) -> None:
    journal = rationale_journal(tmp_path)
    result = CliRunner().invoke(main, ["whatif", str(journal), "--runs", "4", "--json"])
    assert result.exit_code == 0, result.output
    found = json.loads(result.output)
    for variant in found["variants"]:
        variant["size"] = 0.5
        variant["sentences"] = ["<script>alert(1)</script> | broke the table"]
    (tmp_path / "w.json").write_text(json.dumps(found))
    result = CliRunner().invoke(main, ["report", str(journal), "--whatif", str(tmp_path / "w.json")])
    assert result.exit_code == 0, result.output
    assert "<script>" not in result.output and "&lt;script&gt;" in result.output
    for seeds in (["<script>alert(1)</script>", 5], [1], "1-5"):
        (tmp_path / "bad.json").write_text(json.dumps(found | {"seeds": seeds}))
        result = CliRunner().invoke(main, ["report", str(journal), "--whatif", str(tmp_path / "bad.json")])
        assert result.exit_code == 1 and "bad.json: seeds" in result.output, result.output
    monte = {"scenario": load_scenario(LAB).scenario.metadata.id, "seeds": ["<b>", 2], "runs": 1, "batches": {}}
    for text in (json.dumps(monte), "[1, 2]", '{"scenario": '):
        (tmp_path / "mc.json").write_text(text)
        result = CliRunner().invoke(main, ["report", str(journal), "--monte-carlo", str(tmp_path / "mc.json")])
        assert result.exit_code == 1 and "mc.json: " in result.output, result.output


def test_companions_of_a_journal_never_follow_a_symlink_and_are_private(tmp_path: Path) -> None:
    victim = tmp_path / "victim.txt"
    victim.write_text("precious")
    (tmp_path / "j.jsonl.pid").symlink_to(victim)  # a journal folder someone else prepared
    session = Session(load_scenario(LAB), 1)
    session.start_journal(tmp_path / "j.jsonl")
    session.close()
    assert victim.read_text() == "precious"
    assert (tmp_path / "j.jsonl").stat().st_mode & 0o777 == 0o600


def test_replay_refuses_a_fifo_instead_of_waiting_forever(tmp_path: Path) -> None:
    import os

    os.mkfifo(tmp_path / "j.jsonl")
    result = CliRunner().invoke(main, ["replay", str(tmp_path / "j.jsonl")])
    assert result.exit_code == 1 and "not a regular file" in result.output


def test_undo_chains_stand_as_before(tmp_path: Path) -> None:
    from exercise.session.commands import Undo
    from exercise.session.live import replay

    session = Session(load_scenario(LAB), 1)
    session.start_journal(tmp_path / "j.jsonl")
    for text in ("a", "b"):
        session.submit(Note(text=text))
    session.submit(Undo(undoes=session.last_undoable(), reason="b was wrong"))
    session.submit(Note(text="c"))
    session.submit(Undo(undoes=session.last_undoable(), reason="c too"))
    assert session.last_undoable() == 0
    session.submit(Undo(undoes=0, reason="and a"))
    assert session.last_undoable() is None and session.notes == []
    session.submit(Note(text="d"))
    session.close()
    again = replay(tmp_path / "j.jsonl")[0]
    assert [n.text for n in again.notes] == ["d"] and again.last_undoable() == 6 and again.undone() == {0, 1, 3}


def test_a_journal_naming_a_local_file_learns_nothing_of_it(tmp_path: Path) -> None:
    journal = rationale_journal(tmp_path)
    lines = journal.read_text().splitlines()
    secret = tmp_path / "secret.yaml"
    secret.write_text("password: hunter2\nother_key: 1\n")
    plain_file = tmp_path / "notes.txt"
    plain_file.write_text("hunter2\n")
    for named, says in ((plain_file, "is not a YAML file"), (secret, "does not load")):
        header = json.loads(lines[0])
        header["scenario"]["path"] = str(named)
        (tmp_path / "x.jsonl").write_text("\n".join([json.dumps(header), *lines[1:]]) + "\n")
        result = CliRunner().invoke(main, ["report", str(tmp_path / "x.jsonl")])
        assert result.exit_code == 1 and says in result.output, result.output
        assert "hunter2" not in result.output and "password" not in result.output and "other_key" not in result.output


def test_a_console_that_crashes_exits_3_and_keeps_the_journal(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from exercise.tui.app import ExerciseApp

    def crash(self: ExerciseApp) -> None:
        self.session.submit(Note(text="before"))
        self._return_code = 1  # what Textual sets when an exception reached it (and printed it)
    monkeypatch.setattr(ExerciseApp, "run", crash)
    result = CliRunner().invoke(main, ["run", str(LAB), "--journal", str(tmp_path / "j.jsonl")])
    assert result.exit_code == 3 and "stopped on an error" in result.output and "journal is intact" in result.output
    assert '"text":"before"' in (tmp_path / "j.jsonl").read_text()


def test_sensitivity_charts_follow_the_rules_of_o(tmp_path: Path) -> None:
    pytest.importorskip("SALib")
    lab = ROOT / "tests" / "data" / "sensitivity.yaml"
    objective = load_scenario(lab).scenario.objectives[0].id
    args = ["sensitivity", str(lab), "--playbook", str(ROOT / "tests" / "playbooks" / "sensitivity-lab.yaml"),
            "--svg", str(tmp_path)]
    (tmp_path / f"{objective}.svg").write_text("mine")
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 2 and "use --force" in result.output
    (tmp_path / f"{objective}.svg").unlink()
    victim = tmp_path / "victim.txt"
    victim.write_text("precious")
    (tmp_path / f"{objective}.svg").symlink_to(victim)
    result = CliRunner().invoke(main, [*args, "--force"])
    assert result.exit_code == 2 and "never replaced" in result.output and victim.read_text() == "precious"
