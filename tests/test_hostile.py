"""Hostile scenarios and journals (issue 15): the corpus in tests/hostile/ and journals built from it.

Scenario files and journals travel between people, so both are untrusted input.
One test per class of attack: markup, terminal escapes, two writers, amplification
and size, malformed journals, journal-controlled console values, I/O failures.
"""

from __future__ import annotations

import errno
import json
import os
import re
import subprocess
import sys
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from exercise.cli import main
from exercise.scenario import ScenarioError, load_scenario
from exercise.session.journal import JournalError, read_journal
from exercise.session.live import Session, resume
from exercise.tui.app import ExerciseApp
from exercise.tui.screens.dialogs import DecisionModal
from exercise.tui.screens.hotwash import HotwashScreen
from exercise.session.commands import AdhocInject, AnswerDecision, End, Note, Rating, TakeMeasure
from ptyrun import run_on_a_pty

HOSTILE = Path(__file__).resolve().parent / "hostile"
LAB = Path(__file__).resolve().parent / "data" / "lab.yaml"
ESC = "\x1b"
PAYLOAD = f"{ESC}]52;c;aGVsbG8={ESC}\\ {ESC}[2J {ESC}]8;;https://evil.example{ESC}\\link \x9b31m [@click=app.quit]x[/]"
CONTROL = re.compile(rb"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]|\xc2[\x80-\x9f]")


def lab_journal(tmp_path: Path, name: str = "j.jsonl") -> Path:
    """A short live session on lab.yaml whose people typed the payload everywhere they could."""
    session = Session(load_scenario(LAB), 1)
    session.start_journal(tmp_path / name)
    session.advance_to(100)  # SEEN's decision is open
    session.submit(Note(text=PAYLOAD))
    session.submit(AdhocInject(title=PAYLOAD, body=PAYLOAD, to=["comms"], severity="high"))
    session.submit(TakeMeasure(team="comms", response="FIMI-01", note=PAYLOAD))
    session.submit(AnswerDecision(inject="SEEN", option="now", note=PAYLOAD))
    session.submit(Rating(objective="TRUST", rating="S", comment=PAYLOAD))
    session.advance_to(session.world.end)
    session.submit(End())
    session.close()
    return tmp_path / name


def lines_of(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def write_lines(path: Path, records: list) -> Path:
    path.write_text("".join(r if isinstance(r, str) else json.dumps(r) + "\n" for r in records), encoding="utf-8")
    return path


# --- markup -----------------------------------------------------------------------------------


def test_the_markup_corpus_is_a_valid_scenario() -> None:
    """The attack needs no invalid file: markup passes validation (it is only text)."""
    result = CliRunner().invoke(main, ["validate", "--strict", str(HOSTILE / "markup.yaml")])
    assert result.exit_code == 0, result.output


async def test_clicking_a_label_with_click_markup_does_nothing(tmp_path: Path) -> None:
    session = Session(load_scenario(HOSTILE / "markup.yaml"), 1)
    session.start_journal(tmp_path / "j.jsonl")
    app = ExerciseApp(session, timer=False, briefing=False)
    quits = []
    app.action_quit = lambda: quits.append(True)  # what [@click=app.quit] would run
    async with app.run_test(size=(100, 30)) as pilot:
        label = next(w for w in app.screen.query(".ind-name") if "Narrative salience" in str(w.render()))
        assert "[@click=app.quit]Narrative salience[/]" in str(label.render())  # shown as typed
        await pilot.click(label)
        await pilot.click(label, offset=(2, 0))
        assert not quits and app.is_running and app.return_value is None
        # The decision (prompt and options with unbalanced [/]) opens without a crash, as text.
        app.advance(100)
        await pilot.pause()
        assert isinstance(app.screen, DecisionModal)
        assert "[@click=app.screenshot" in str(app.screen.query_one(".prompt").render())
        await pilot.click(app.screen.query_one(".prompt"))
        await pilot.press("escape")
        await pilot.press("h")  # the hot wash shows the capability with [link=...] as text
        assert isinstance(app.screen, HotwashScreen)
        assert "[link=https://evil.example]" in str(app.screen.query(".detail").first().render())
        app.notify(PAYLOAD)  # a notification quoting scenario text is plain too
        await pilot.pause()
    assert not quits and not (Path("/tmp") / "victim.txt").exists()


def test_the_monte_carlo_summary_prints_markup_as_text() -> None:
    result = CliRunner().invoke(main, ["simulate", str(HOSTILE / "markup.yaml"), "--runs", "4", "--jobs", "1"],
                                env={"COLUMNS": "200"})
    assert result.exit_code == 0, result.output
    assert "[link=https://evil.example]Sharing[/link] [/]" in " ".join(result.stdout.split())
    assert "[red]Engine[/red] lab [/]" in result.stdout


# --- terminal escapes ---------------------------------------------------------------------------


@pytest.mark.parametrize("name, line, col, code", [("escape", 96, 12, "U+001B"), ("c1", 20, 11, "U+009B")])
def test_control_characters_in_scenario_text_are_refused_with_a_position(name: str, line: int, col: int,
                                                                          code: str) -> None:
    with pytest.raises(ScenarioError) as caught:
        load_scenario(HOSTILE / f"{name}.yaml")
    [problem] = caught.value.problems
    assert (problem.line, problem.col) == (line, col) and code in problem.message


def _run_on_a_pty(args: list[str], cwd: Path) -> bytes:
    return run_on_a_pty(args, {"COLUMNS": "100", "TERM": "dumb", "NO_COLOR": "1"}, cwd)


def test_no_command_prints_a_control_byte_from_scenario_or_journal_content(tmp_path: Path) -> None:
    journal = lab_journal(tmp_path)
    (tmp_path / "escape.yaml").write_bytes((HOSTILE / "escape.yaml").read_bytes())
    commands = [
        ["validate", "escape.yaml"],
        ["simulate", str(HOSTILE / "markup.yaml"), "--no-journal"],
        ["simulate", str(HOSTILE / "markup.yaml"), "--runs", "3", "--jobs", "1"],
        ["replay", str(journal)],
        ["report", str(journal)],
        ["report", str(journal), "--format", "html"],
        ["report", str(journal), "--format", "json"],
        ["guide", str(HOSTILE / "markup.yaml")],
    ]
    for args in commands:
        out = _run_on_a_pty(args, tmp_path)
        assert out.strip(), args
        bad = CONTROL.search(out.replace(b"\r\n", b"\n"))
        assert bad is None, (args, out[max(0, bad.start() - 60):bad.end() + 20])
    shown = _run_on_a_pty(["replay", str(journal)], tmp_path).decode()
    assert "␛]52;c;" in shown and "<9b>31m" in shown  # neutralised, visibly


# --- two writers ----------------------------------------------------------------------------


def test_a_second_resume_is_refused_naming_the_holder(tmp_path: Path) -> None:
    journal = lab_journal(tmp_path)
    before = journal.read_bytes()
    holder = subprocess.Popen(
        [sys.executable, "-c", "import sys, time\nfrom exercise.session.live import resume\n"
         "s = resume(sys.argv[1]); print('held', flush=True); time.sleep(60)", str(journal)],
        stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "held"
        with open(journal, "ab") as handle:  # a torn tail the second resume must not cut
            handle.write(b'{"kind": "note", "t"')
        torn = journal.read_bytes()
        result = CliRunner().invoke(main, ["resume", str(journal)])
        assert result.exit_code == 1
        assert f"another exercise session is writing this journal (PID {holder.pid})" in result.output
        assert journal.read_bytes() == torn  # nothing cut, nothing appended
        with pytest.raises(JournalError, match=f"PID {holder.pid}"):
            resume(journal)
    finally:
        holder.kill()
        holder.wait()
    assert journal.read_bytes().startswith(before)
    session = resume(journal)  # the holder is gone: the lock went with it, and the tail is repaired
    session.close()
    assert journal.read_bytes() == before


# --- amplification and size -----------------------------------------------------------------


def test_aliases_that_repeat_text_are_refused_by_bytes() -> None:
    with pytest.raises(ScenarioError, match=r"builds more than [\d,]+ characters of text, 10 times the file"):
        load_scenario(HOSTILE / "alias-bytes.yaml")


def test_files_are_size_checked_before_they_are_read(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    huge = tmp_path / "huge.yaml"
    with open(huge, "wb") as handle:  # sparse: 5 GB on paper, nothing on disk
        handle.truncate(5 * 1024**3)
    reads = []
    real_read = os.read
    monkeypatch.setattr(os, "read", lambda fd, n: reads.append(n) or real_read(fd, n))
    with pytest.raises(ScenarioError, match="5,368,709,120 bytes, over the limit of 67,108,864 bytes; "
                                            "if you trust it, allow more with EXERCISE_MAX_SCENARIO_MB"):
        load_scenario(huge)
    journal = tmp_path / "huge.jsonl"
    with open(journal, "wb") as handle:
        handle.truncate(300 * 1024**2)
    with pytest.raises(JournalError, match="allow more with EXERCISE_MAX_JOURNAL_MB"):
        read_journal(journal)
    monkeypatch.setenv("EXERCISE_MAX_SCENARIO_MB", "0.001")
    with pytest.raises(ScenarioError, match="over the limit of 1,048 bytes"):
        load_scenario(LAB)


def test_a_journal_line_is_length_limited(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    journal = lab_journal(tmp_path)
    records = lines_of(journal)
    records.insert(2, {**records[1], "kind": "note", "text": "x" * 3000, "team": None})
    for key in [k for k in records[2] if k not in ("kind", "t", "at", "text", "team")]:
        del records[2][key]
    write_lines(journal, records)
    monkeypatch.setenv("EXERCISE_MAX_JOURNAL_LINE_KB", "2")
    with pytest.raises(JournalError, match=r"j.jsonl:3: a record of at least 2,049 bytes, over the limit of "
                                           r"2,048 bytes; if you trust it, allow more with EXERCISE_MAX_JOURNAL_LINE_KB"):
        read_journal(journal)
    monkeypatch.setenv("EXERCISE_MAX_JOURNAL_LINE_KB", "8")
    read_journal(journal)


# --- malformed journals -------------------------------------------------------------------------


def _mutations(records: list[dict]) -> dict[str, tuple[list, str]]:
    header, first = records[0], records[1]
    assert first["kind"] == "note"
    deep = "[" * 100_000 + "]" * 100_000
    return {
        "header seed is text": ([{**header, "seed": "one"}, *records[1:]], ":1: the header's seed"),
        "header scenario is a list": ([{**header, "scenario": []}, *records[1:]], ":1: the header's scenario"),
        "header without seed": ([{k: v for k, v in header.items() if k != "seed"}, *records[1:]], ":1: the header's seed"),
        "t is NaN": ([header, '{"kind":"note","t":NaN,"at":"x","text":"a"}\n', *records[2:]], ":2: not a JSON record"),
        "t is Infinity": ([header, '{"kind":"note","t":Infinity,"at":"x","text":"a"}\n', *records[2:]], ":2: not a JSON record"),
        "t is 1e308": ([header, {**first, "t": 1e308}, *records[2:]], ":2: note record: t: "),
        "t is text": ([header, {**first, "t": "abc"}, *records[2:]], ":2: note record: t: "),
        "t is negative": ([header, {**first, "t": -5}, *records[2:]], ":2: note record: t: "),
        "a 5,000-digit integer": ([header, '{"kind":"note","t":' + "9" * 5000 + ',"at":"x","text":"a"}\n',
                                   *records[2:]], ":2: not a JSON record"),
        "100,000-deep nesting": ([header, '{"kind":"note","t":1,"at":"x","text":' + deep + "}\n", *records[2:]],
                                 ":2: not a JSON record"),
        "a list where text goes": ([header, {**first, "text": ["a", "b"]}, *records[2:]], ":2: note record: text"),
        "a missing field": ([header, {k: v for k, v in first.items() if k != "text"}, *records[2:]],
                            ":2: note record: text"),
        "a kind that is a list": ([header, {**first, "kind": ["note"]}, *records[2:]], ":2: a record must be"),
        "times out of order": ([header, {**first, "t": 500.0}, *records[2:]], ":3: time T+100 min is before"),
        "a speed of -5": ([header, {**first, "kind": "clock", "action": "speed", "value": -5, "text": None}],
                          ":2: clock record"),
        # A time without its UTC offset broke every report (issue 36, H3): refused on reading instead.
        "a shown_at without its offset": ([header, {"kind": "choice", "t": 100.0, "at": first["at"], "inject": "SEEN",
                                                   "option": "now", "shown_at": "2026-12-01T10:00:00"}],
                                          ":2: choice record: shown_at: must give its UTC offset"),
        "an at that is no time": ([header, {**first, "at": "yesterday"}, *records[2:]],
                                  ":2: note record: at: must be an ISO 8601"),
        "a dict for a severity": ([header, {"kind": "inject", "t": 100.0, "at": first["at"], "title": "t", "body": "b",
                                            "to": ["comms"], "severity": {"level": 9}}], ":2: inject record: severity"),
    }


def test_every_malformed_journal_is_exit_1_with_file_and_line(tmp_path: Path) -> None:
    records = lines_of(lab_journal(tmp_path))
    for name, (mutated, message) in _mutations(records).items():
        path = write_lines(tmp_path / "bad.jsonl", [r for r in mutated if r is not None])
        for command in (["replay", str(path)], ["report", str(path)], ["resume", str(path)]):
            result = CliRunner().invoke(main, command)
            assert result.exit_code == 1, (name, command, result.output)
            assert f"bad.jsonl{message}" in result.output, (name, command, result.output)
            assert "internal error" not in result.output and "Traceback" not in result.output, name


def test_references_must_exist_and_the_playbook_must_not_have_changed(tmp_path: Path) -> None:
    records = lines_of(lab_journal(tmp_path))
    rating = next(i for i, r in enumerate(records) if r["kind"] == "rating")
    records[rating]["objective"] = "NOPE"
    path = write_lines(tmp_path / "bad.jsonl", records)
    result = CliRunner().invoke(main, ["report", str(path)])
    assert result.exit_code == 1 and f"bad.jsonl:{rating + 1}: this rating record cannot be replayed: " \
                                      "unknown objective 'NOPE'" in result.output
    book = tmp_path / "book.yaml"
    book.write_text("id: quick\ntitle: Quick\nscenario: lab\nrules:\n  - when: {inject: SEEN}\n    team: comms\n"
                    "    take: FIMI-01\n", encoding="utf-8")
    run = CliRunner().invoke(main, ["simulate", str(LAB), "--playbook", str(book), "--journal", str(tmp_path / "p.jsonl")])
    assert run.exit_code == 0, run.output
    book.write_text(book.read_text().replace("FIMI-01", "FIMI-04"), encoding="utf-8")
    result = CliRunner().invoke(main, ["replay", str(tmp_path / "p.jsonl")])
    assert result.exit_code == 1 and "book.yaml has changed since the session was recorded" in result.output


def test_the_markdown_report_escapes_the_header(tmp_path: Path) -> None:
    journal = lab_journal(tmp_path)
    records = lines_of(journal)
    records[0]["created"] = "<script>alert(1)</script>"
    write_lines(journal, records)
    result = CliRunner().invoke(main, ["report", str(journal)])
    assert result.exit_code == 0, result.output
    assert "<script>" not in result.stdout and "&lt;script&gt;alert(1)&lt;/script&gt;" in result.stdout


def test_speed_nan_is_refused() -> None:
    result = CliRunner().invoke(main, ["run", str(LAB), "--speed", "nan"])
    assert result.exit_code == 2 and "is not a speed" in result.output


# --- I/O failures -----------------------------------------------------------------------------


def test_a_full_disk_is_one_line_and_exit_1_on_the_cli(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def full(fd: int, data: bytes) -> int:
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(os, "write", full)
    result = CliRunner().invoke(main, ["simulate", str(LAB), "--journal", str(tmp_path / "j.jsonl")])
    assert result.exit_code == 1 and result.output.strip() == "exercise: No space left on device"


def test_a_missing_or_unwritable_folder_is_one_line_and_exit_1(tmp_path: Path) -> None:
    (tmp_path / "file").write_text("not a folder")
    result = CliRunner().invoke(main, ["simulate", str(LAB), "--journal", str(tmp_path / "file" / "j.jsonl")])
    assert result.exit_code == 1 and result.output.count("\n") == 1 and "Not a directory" in result.output
    result = CliRunner().invoke(main, ["report", str(lab_journal(tmp_path)), "-o", str(tmp_path / "file" / "r.md")])
    assert result.exit_code == 1 and "Not a directory" in result.output and "bug" not in result.output


async def test_a_full_disk_in_the_console_is_told_and_applies_nothing(tmp_path: Path,
                                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    session = Session(load_scenario(LAB), 1)
    session.start_journal(tmp_path / "j.jsonl")
    app = ExerciseApp(session, timer=False, briefing=False)
    async with app.run_test() as pilot:
        await pilot.pause()
        before = (tmp_path / "j.jsonl").read_bytes()
        real_write = os.write
        monkeypatch.setattr(os, "write", lambda fd, data: (_ for _ in ()).throw(OSError(errno.ENOSPC, "No space left on device"))
                            if fd == session.writer._fd else real_write(fd, data))
        app.session.advance_to(100)
        app.action_note()
        await pilot.pause()
        await pilot.press(*"lost?", "ctrl+s")
        await pilot.pause()
        assert session.notes == []
        assert any("Could not write to" in n.message and "was not applied" in n.message for n in app._notifications)
        assert app.is_running
        assert (tmp_path / "j.jsonl").read_bytes() == before  # consistent: no half record
        monkeypatch.setattr(os, "write", real_write)
        app.action_note()
        await pilot.pause()
        await pilot.press(*"kept", "ctrl+s")
        await pilot.pause()
        assert session.notes[-1].text == "kept"
    session.close()
    assert [r.kind for r in read_journal(tmp_path / "j.jsonl").records][-1] == "note"


def test_output_paths_replace_only_regular_files(tmp_path: Path) -> None:
    journal = lab_journal(tmp_path)
    fifo = tmp_path / "fifo"
    os.mkfifo(fifo)
    dangling = tmp_path / "dangling"
    dangling.symlink_to(tmp_path / "nowhere")
    target = tmp_path / "target.json"
    target.write_text("keep")
    link = tmp_path / "link.json"
    link.symlink_to(target)
    for command in (["report", str(journal), "-o", str(fifo), "--force"],
                    ["guide", str(LAB), "-o", str(dangling)],
                    ["schema", "-o", str(link), "--force"],
                    ["schema", "-o", str(dangling)]):
        result = CliRunner().invoke(main, command)
        assert result.exit_code == 2, (command, result.output)
        assert "is never replaced" in result.output or "exists" in result.output, result.output
    assert fifo.is_fifo() and dangling.is_symlink() and not (tmp_path / "nowhere").exists()
    assert target.read_text() == "keep"


def test_the_journal_folder_is_fsynced_after_creation(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    synced = []
    real = os.fsync

    def spy(fd: int) -> None:
        synced.append(os.path.realpath(f"/proc/self/fd/{fd}"))
        real(fd)

    monkeypatch.setattr(os, "fsync", spy)
    session = Session(load_scenario(LAB), 1)
    session.start_journal(tmp_path / "new" / "j.jsonl")
    session.close()
    assert str((tmp_path / "new").resolve()) in synced
    assert time.time()  # the spy saw real descriptors; nothing else to wait for


async def test_dialog_headings_show_quoted_text_as_it_is() -> None:
    """A heading may quote a host's refusal or a scenario id: its brackets are text, never markup."""
    from textual.app import App

    from exercise.tui.screens.dialogs import Pick, TextEntry

    app = App()
    async with app.run_test() as pilot:
        for screen in (TextEntry("Refused: [@click=app.quit]x[/] no seat"), Pick("Rate [b]OBJ-1[/b]", "rate", [])):
            app.push_screen(screen)
            await pilot.pause()
            shown = str(screen.query_one(".title").render())
            assert "[@click=app.quit]x[/]" in shown or "[b]OBJ-1[/b]" in shown, shown
            screen.dismiss(None)
            await pilot.pause()
