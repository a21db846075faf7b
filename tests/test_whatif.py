"""Journal -> playbook, and what-if: each decision varied alone against the session, on the same seeds."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from exercise.cli import main
from exercise.engine.events import Kind
from exercise.scenario import load_scenario
from exercise.scenario.playbook import playbook_from_bytes
from exercise.session.commands import AnswerDecision, TakeMeasure
from exercise.session.headless import simulate
from exercise.session.live import Session, replay
from exercise.session.policy_from import playbook_from_session, to_yaml
from exercise.session.whatif import Variant, variants, whatif

ROOT = Path(__file__).resolve().parents[1]
ELECTION = ROOT / "scenarios" / "election-week.yaml"


def played(tmp_path: Path) -> Path:
    """A session in which people decide: measures after the injects that ask for them, and an answer."""
    session = Session(load_scenario(ELECTION), 3)
    journal = tmp_path / "played.jsonl"
    session.start_journal(journal)
    session.advance_to(30)
    session.submit(TakeMeasure(team="csirt", response="NAT-02", note="harden first"))
    for inject, team, response in (("INJ-05", "comms", "FIMI-01"), ("INJ-11", "csirt", "GRID-01")):
        session.advance_to(session.world.end, stop=lambda i=inject: i in session.world.delivered)
        session.advance_to(session.world.now + 95)
        session.submit(TakeMeasure(team=team, response=response))
    if session.world.open_decisions:  # answer one, if one is open now
        inject = next(iter(session.world.open_decisions))
        session.submit(AnswerDecision(inject=inject, option=session.world.injects[inject].decision.options[0].id))
    session.advance_to(session.world.end)
    session.close()
    return journal


def test_playbook_from_keys_each_decision_to_what_prompted_it(tmp_path: Path) -> None:
    session, _ = replay(played(tmp_path))
    data = playbook_from_session(session, "session", "t")
    rules = {r["take"]: r for r in data["rules"]}
    # Nothing asked for NAT-02: keyed to the last inject csirt had received, the opening one at T+0.
    assert rules["NAT-02"]["when"] == {"inject": "INJ-01"} and rules["NAT-02"]["delay"] == "30m"
    assert rules["NAT-02"]["note"] == "harden first"
    # FIMI-01 is what INJ-05 asks of comms: keyed to it, with the 95 minutes the players took.
    assert rules["FIMI-01"]["when"] == {"inject": "INJ-05"} and rules["FIMI-01"]["delay"] == "1h35m"
    playbook, problems = playbook_from_bytes(to_yaml(data, "test").encode(), "p.yaml", session.loaded)
    assert not [p for p in problems if p.severity == "error"]
    # Run again on the session's seed, the policy takes the same measures at the same times.
    def taken(world) -> set[tuple[str, str, int]]:
        return {(e.data["team"], e.data["response"], round(e.t)) for e in world.events if e.kind == Kind.RESPONSE_TAKEN}
    assert taken(simulate(session.loaded, session.seed, playbook)) == taken(session.world)


def test_playbook_from_keeps_the_playbook_a_session_ran(tmp_path: Path) -> None:
    journal = tmp_path / "pro.jsonl"
    result = CliRunner().invoke(main, ["simulate", "election-week", "--playbook", "proactive", "--seed", "4",
                                       "--journal", str(journal)])
    assert result.exit_code == 0, result.output
    out = tmp_path / "p.yaml"
    result = CliRunner().invoke(main, ["playbook-from", str(journal), "-o", str(out)])
    assert result.exit_code == 0, result.output
    written = out.read_text(encoding="utf-8")
    assert "take: FIMI-01" in written and "median: 4h" in written  # the proactive rules, as written
    again = CliRunner().invoke(main, ["playbook-from", str(journal), "-o", str(out)])
    assert again.exit_code != 0 and "--force" in again.output  # never overwrites unasked


def test_identical_policies_are_exactly_zero_apart(tmp_path: Path) -> None:
    session, _ = replay(played(tmp_path))
    base = playbook_from_session(session, "session", "t")
    (effect,) = whatif(load_scenario(ELECTION), base, [Variant("it", "the same", base)], list(range(1, 41)))
    assert effect.size == 0.0 and effect.sentences() == []
    assert all(d.mean in (0.0, None) and d.only_a == d.only_b == 0 for d in effect.objectives)
    assert all(mean == low == high == 0.0 for _, _, mean, low, high in effect.indicators)
    assert effect.base == effect.other


def test_the_whatif_runs_the_scenario_the_session_loaded_not_the_file_now(tmp_path: Path) -> None:
    """An author who edits (or moves) the scenario file during a session does not change its analysis."""
    copy = tmp_path / "election-week.yaml"
    copy.write_bytes(ELECTION.read_bytes())
    session = Session(load_scenario(copy), 3)
    session.advance_to(30)
    session.submit(TakeMeasure(team="csirt", response="NAT-02"))
    base = playbook_from_session(session, "session", "t")
    chosen = variants(base, session.loaded)[:2]
    before = whatif(session.loaded, base, chosen, list(range(1, 9)))
    copy.write_text(ELECTION.read_text(encoding="utf-8").replace("probability: 0.", "probability: 0.0"),
                    encoding="utf-8")
    assert [e.size for e in whatif(session.loaded, base, chosen, list(range(1, 9)))] == [e.size for e in before]
    copy.unlink()
    assert whatif(session.loaded, base, chosen, list(range(1, 9)))[0].base == before[0].base


def test_whatif_finds_a_delay_that_matters_on_the_proactive_session(tmp_path: Path) -> None:
    journal = tmp_path / "pro.jsonl"
    CliRunner().invoke(main, ["simulate", "election-week", "--playbook", "proactive", "--seed", "4",
                              "--journal", str(journal)])
    session, _ = replay(journal)
    base = playbook_from_session(session, "session", "t")
    chosen = [v for v in variants(base, session.loaded) if "FIMI-01" in v.decision]
    effects = whatif(session.loaded, base, chosen, list(range(1, 121)), jobs=2)
    delayed = [e for e in effects if e.variant.change.startswith("taken") and e.size > 0]
    assert delayed, [(e.variant.change, e.size) for e in effects]
    # The RAS alert decides OBJ-1: later lowers it, beyond its interval.
    later = next(e for e in effects if e.variant.change.startswith("taken 6h later"))
    obj1 = next(d for d in later.objectives if d.objective == "OBJ-1")
    assert obj1.high < 0
    assert any("OBJ-1" in s and "lowered" in s for s in later.sentences())


def test_whatif_command_prints_and_says_json(tmp_path: Path) -> None:
    journal = played(tmp_path)
    result = CliRunner().invoke(main, ["whatif", str(journal), "--runs", "20", "--jobs", "1", "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["seeds"] == [3, 22] and data["variants"]
    changes = {v["change"] for v in data["variants"]}
    assert {"taken at once", "taken 6h later", "not taken at all"} <= changes
    # One family: every (variant, objective) comparison, held to a 5% false discovery rate, and a floor.
    rows = [r for v in data["variants"] for r in v["objectives"] if r["mean"] is not None]
    assert data["comparisons"] == len(rows) and data["fdr"] == 0.05 and data["min_effect"] == 0.05
    for row in rows:
        assert row["q"] >= row["p"]
        assert row["mattered"] == (row["q"] < 0.05 and abs(row["mean"]) >= 0.05)
    for v in data["variants"]:
        assert v["size"] == max((abs(r["mean"]) for r in v["objectives"] if r["mattered"]), default=0.0)
    text = CliRunner().invoke(main, ["whatif", str(journal), "--runs", "20", "--jobs", "1"])
    assert text.exit_code == 0 and "variants of the session's decisions" in text.stdout
    assert "false discovery rate" in text.stdout


def test_the_report_says_which_decisions_mattered_in_every_format(tmp_path: Path) -> None:
    import io

    import docx
    import openpyxl
    import pypdf

    journal = tmp_path / "pro.jsonl"
    CliRunner().invoke(main, ["simulate", "election-week", "--playbook", "proactive", "--seed", "4",
                              "--journal", str(journal)])
    found = CliRunner().invoke(main, ["whatif", str(journal), "--runs", "40", "--jobs", "1", "--json"])
    assert found.exit_code == 0, found.output
    (tmp_path / "w.json").write_text(found.stdout, encoding="utf-8")
    made = {}
    for fmt in ("md", "html", "json", "docx", "xlsx", "pdf"):
        out = tmp_path / f"aar.{fmt}"
        result = CliRunner().invoke(main, ["report", str(journal), "--whatif", str(tmp_path / "w.json"),
                                           "--format", fmt, "-o", str(out)])
        assert result.exit_code == 0, (fmt, result.output)
        made[fmt] = out.read_bytes()
    first = json.loads(found.stdout)["variants"][0]["sentences"][0]
    sentence = first[0].upper() + first[1:]
    assert "## Decisions that mattered" in made["md"].decode() and sentence in made["md"].decode()
    assert "Decisions that mattered" in made["html"].decode() and 'id="chart-decisions-that-mattered"' in made["html"].decode()
    assert json.loads(made["json"])["whatif"]["mattered"][0]["sentences"][0] == first
    word = docx.Document(io.BytesIO(made["docx"]))
    assert any(p.text == "Decisions that mattered" for p in word.paragraphs) and len(word.inline_shapes) == 1
    sheet = openpyxl.load_workbook(io.BytesIO(made["xlsx"]))["Decisions that mattered"]
    assert sheet.max_row > 1 and sheet._images
    text = "".join(page.extract_text() for page in pypdf.PdfReader(io.BytesIO(made["pdf"])).pages)
    assert "Decisions that mattered" in text
    # A whatif of another scenario is refused, in one line.
    other = json.loads(found.stdout) | {"scenario": "baltic-winter"}
    (tmp_path / "other.json").write_text(json.dumps(other), encoding="utf-8")
    refused = CliRunner().invoke(main, ["report", str(journal), "--whatif", str(tmp_path / "other.json")])
    assert refused.exit_code == 1 and "not a whatif result of election-week" in refused.output


def test_sensitivity_draws_a_tornado_per_objective(tmp_path: Path) -> None:
    pytest.importorskip("SALib")
    lab = ROOT / "tests" / "data" / "sensitivity.yaml"
    book = ROOT / "tests" / "playbooks" / "sensitivity-lab.yaml"
    result = CliRunner().invoke(main, ["sensitivity", str(lab), "--playbook", str(book),
                                       "--seeds", "2", "--samples", "3", "--svg", str(tmp_path / "charts")])
    assert result.exit_code == 0, result.output
    svg = (tmp_path / "charts" / "RESTORED.svg").read_text(encoding="utf-8")
    assert svg.startswith("<svg") and "FIX&#x27;s lead time" in svg or "FIX's lead time" in svg
