"""The cohort report: cells of one scenario on one seed, side by side; the decisions that made the difference
between the cells that met an objective and those that missed it (issue 41)."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner

from exercise.cli import main
from exercise.report.cohort import FORMATS, cohort
from exercise.scenario import load_scenario
from exercise.scenario.playbook import load_playbook
from exercise.session import views
from exercise.session.commands import End, Note, TakeMeasure
from exercise.session.live import Session

ROOT = Path(__file__).resolve().parents[1]
ELECTION = ROOT / "scenarios" / "election-week.yaml"
PROACTIVE = ROOT / "scenarios" / "playbooks" / "election-week-proactive.yaml"
OTHERS = frozenset({"csirt", "election", "dsc", "factcheck", "police", "mfa", "presidency", "eeas", "commission"})


def cell(tmp_path: Path, name: str) -> Session:
    """A cell: every seat on autoplay but the government communications office, which a player takes."""
    loaded = load_scenario(ELECTION)
    session = Session(loaded, 3, load_playbook(PROACTIVE, loaded)[0], PROACTIVE, autoplay=OTHERS)
    session.start_journal(tmp_path / f"{name}.jsonl")
    return session


async def test_three_cells_one_acts_differently_and_the_report_names_that_decision(tmp_path: Path) -> None:
    from conftest import start_host

    from exercise.net.client import Remote

    journals = []
    for name, alert in (("cell-1", True), ("cell-2", True), ("cell-3", False)):
        session = cell(tmp_path, name)
        host, url, tokens = await start_host(session)
        player = Remote(url, tokens["comms"], name=f"lead of {name}")
        player.start()
        try:
            await player.until(lambda s: s.ready)
            session.advance_to(session.world.end, stop=lambda s=session: "INJ-05" in views.delivered(s))
            if alert:  # alert partners through the RAS as soon as the deepfake lands
                await player.send(TakeMeasure(team="comms", response="FIMI-01", note="alert now"))
            else:  # the third cell's team talks it over and does not alert
                await player.send(Note(text="We wait for the forensic analysis", team="comms"))
            session.advance_to(session.world.end)
            session.submit(End())  # journaled: the cell's journal runs to the end
        finally:
            await player.stop()
            await host.close()
            session.close()
        journals.append(tmp_path / f"{name}.jsonl")
    found = cohort(journals)
    assert found.same_seed
    obj1 = next(o for o in found.objectives if o.id == "OBJ-1")
    assert (obj1.met_in, obj1.missed_in) == (["cell-1", "cell-2"], ["cell-3"])
    first = next(d for d in found.differences if d.objective == "OBJ-1")
    assert first.decision == "comms took FIMI-01"
    assert first.in_met == ["cell-1", "cell-2"] and first.in_missed == []
    assert first.sole == ["cell-1 / cell-3", "cell-2 / cell-3"]
    assert "differ by this decision alone, so it made the difference" in first.sentence
    # Every format, and the CLI.
    markdown = FORMATS["md"](found)
    assert "### OBJ-1" in markdown and "1. comms took FIMI-01: in 2 of 2 cells that met OBJ-1" in markdown
    html = FORMATS["html"](found)
    assert html.count("<svg") == len(found.indicators) and "cell-3" in html
    result = CliRunner().invoke(main, ["report", "--cohort", *map(str, journals), "--format", "json"])
    assert result.exit_code == 0, result.output
    assert '"decision": "comms took FIMI-01"' in result.output
    from io import BytesIO

    from docx import Document
    from openpyxl import load_workbook

    book = load_workbook(BytesIO(FORMATS["xlsx"](found)))
    assert book.sheetnames == ["Cells", "Objectives", "Differences", "Key injects", "Indicators"]
    rows = list(book["Differences"].iter_rows(values_only=True))
    assert rows[1][:3] == ("OBJ-1", 1, "comms took FIMI-01")
    words = "\n".join(p.text for p in Document(BytesIO(FORMATS["docx"](found))).paragraphs)
    assert "comms took FIMI-01: in 2 of 2 cells that met OBJ-1" in words
    assert FORMATS["pdf"](found).startswith(b"%PDF")
    out = tmp_path / "cohort.xlsx"
    made = CliRunner().invoke(main, ["report", "--cohort", *map(str, journals), "--format", "xlsx", "-o", str(out)])
    assert made.exit_code == 0 and out.read_bytes()[:2] == b"PK"
    refused = CliRunner().invoke(main, ["report", *map(str, journals)])
    assert refused.exit_code == 2 and "several with --cohort" in refused.output


def test_cells_on_different_seeds_are_told_that_chance_plays_a_part(tmp_path: Path) -> None:
    loaded = load_scenario(ELECTION)
    book = load_playbook(PROACTIVE, loaded)[0]
    for seed in (1, 2):
        session = Session(loaded, seed, book, PROACTIVE)
        session.start_journal(tmp_path / f"s{seed}.jsonl")
        session.advance_to(session.world.end)
        session.submit(End())
        session.close()
    found = cohort([tmp_path / "s1.jsonl", tmp_path / "s2.jsonl"])
    assert not found.same_seed and "different seeds" in found.method
    assert all("chance plays a part" in d.sentence for d in found.differences)
    one = CliRunner().invoke(main, ["report", "--cohort", str(tmp_path / "s1.jsonl")])
    assert one.exit_code == 2 and "two or more cells" in one.output


def test_the_cohort_report_fetches_each_cells_journal_from_its_host_by_url(tmp_path: Path) -> None:
    """Cells hosted elsewhere: the report fetches their journals through their control seats (loopback here)."""
    from test_team_channel_snapshots import HostThread

    from exercise.net.seats import new_tokens

    hosts, sessions, lines = [], [], []
    for name, alert in (("a", True), ("b", False)):
        session = cell(tmp_path, name)
        session.advance_to(session.world.end, stop=lambda s=session: "INJ-05" in views.delivered(s))
        if alert:
            from exercise.session.commands import By

            session.submit(TakeMeasure(team="comms", response="FIMI-01", by=By(role="team", team="comms")))
        session.advance_to(session.world.end)
        session.submit(End())
        tokens = new_tokens(session.loaded.scenario)
        host = HostThread(session, tokens)
        hosts.append(host)
        sessions.append(session)
        lines.append(f"ws://127.0.0.1:{host.port} {next(t for s, t in tokens.items() if s.label == 'control')}")
    (tmp_path / "tokens.txt").write_text("\n".join(lines) + "\n", encoding="utf-8")
    urls = [line.split()[0] for line in lines]
    import tempfile

    before = set(Path(tempfile.gettempdir()).glob("exercise-cohort-*"))
    try:
        result = CliRunner().invoke(main, ["report", "--cohort", *(a for u in urls for a in ("--connect", u)),
                                           "--tokens-file", str(tmp_path / "tokens.txt"), "--format", "json"])
    finally:
        for host, session in zip(hosts, sessions, strict=True):
            host.close()
            session.close()
    assert result.exit_code == 0, result.output
    import json

    assert set(Path(tempfile.gettempdir()).glob("exercise-cohort-*")) == before  # the fetched copies are gone
    found = json.loads(result.output)
    obj1 = next(o for o in found["objectives"] if o["id"] == "OBJ-1")
    assert (obj1["met_in"], obj1["missed_in"]) == (["cell-1"], ["cell-2"])
    assert found["differences"][0]["decision"] == "comms took FIMI-01"


async def test_only_the_control_seat_fetches_the_journal(tmp_path: Path) -> None:
    import pytest
    from conftest import start_host

    from exercise.net.client import CommandError, Remote

    session = cell(tmp_path, "x")
    host, url, tokens = await start_host(session)
    player = Remote(url, tokens["comms"], name="Cleo")
    player.start()
    try:
        await player.until(lambda s: s.ready)
        with pytest.raises(CommandError, match="only exercise control's seat fetches the journal"):
            await player.fetch_journal()
    finally:
        await player.stop()
        await host.close()
        session.close()
