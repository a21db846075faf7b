"""`playbook-from` reproduces the session (issue 34): the derived playbook, run on the session's seed, gives
the session's event log, for every bundled scenario and playbook."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from exercise.cli import main
from exercise.engine.events import Kind, log_to_jsonl
from exercise.session.live import replay

ROOT = Path(__file__).resolve().parents[1]
CASES = [(s, b) for s in ("election-week", "baltic-winter", "port-and-platforms") for b in ("passive", "proactive")]


def log(journal: Path) -> str:
    session, _ = replay(journal)
    return log_to_jsonl([e for e in session.world.events if e.kind != Kind.EXERCISE_STARTED])


@pytest.mark.parametrize(("scenario", "book"), CASES)
def test_the_derived_playbook_plays_the_session_again(scenario: str, book: str, tmp_path: Path) -> None:
    for seed in (1, 7, 42):
        played, again, derived = tmp_path / f"{seed}.jsonl", tmp_path / f"{seed}-again.jsonl", tmp_path / f"{seed}.yaml"
        run = CliRunner().invoke(main, ["simulate", scenario, "--playbook", book, "--seed", str(seed),
                                        "--journal", str(played)])
        assert run.exit_code == 0, run.output
        made = CliRunner().invoke(main, ["playbook-from", str(played), "-o", str(derived)])
        assert made.exit_code == 0, made.output
        rerun = CliRunner().invoke(main, ["simulate", scenario, "--playbook", str(derived), "--seed", str(seed),
                                          "--journal", str(again)])
        assert rerun.exit_code == 0, rerun.output
        assert log(again) == log(played), (scenario, book, seed)


def test_compare_refuses_two_playbooks_under_one_id(tmp_path: Path) -> None:
    passive = (ROOT / "scenarios" / "playbooks" / "election-week-passive.yaml").read_text(encoding="utf-8")
    twin = tmp_path / "twin.yaml"
    twin.write_text("\n".join("id: proactive" if line.startswith("id:") else line for line in passive.splitlines()))
    result = CliRunner().invoke(main, ["simulate", "election-week", "--runs", "10", "--playbook", "proactive",
                                       "--compare", str(twin)])
    assert result.exit_code == 2 and "the same id 'proactive'" in result.output


def test_a_whatif_varies_what_was_played_and_not_what_never_fired(tmp_path: Path) -> None:
    import json

    from exercise.session.policy_from import session_policy

    journal = tmp_path / "j.jsonl"
    assert CliRunner().invoke(main, ["simulate", "election-week", "--playbook", "proactive", "--seed", "6",
                                     "--journal", str(journal)]).exit_code == 0
    session, _ = replay(journal)
    base, played = session_policy(session, "t")
    assert base["id"] == "proactive"  # the session's own dice
    taken = [c for c in session.records if c.kind == "playbook_decision"]
    asked = [e for e in session.world.events if e.kind in ("response.taken", "response.refused")
             and e.data.get("source") == "playbook"]
    assert sum(p is not None for p in played) == len(asked) >= len(taken)  # one label per measure it asked for
    assert None in played  # and rules that never fired are left alone
    result = CliRunner().invoke(main, ["whatif", str(journal), "--runs", "10", "--jobs", "1", "--json"])
    decisions = {v["decision"] for v in json.loads(result.stdout)["variants"] if v["decision"].startswith("comms")}
    fimi = next(c for c in taken if c.response == "FIMI-01")
    inj05 = next(e.t for e in session.world.events if e.kind == "inject.delivered" and e.data["inject"] == "INJ-05")
    from exercise.scenario.types import format_rounded

    assert f"comms took FIMI-01 {format_rounded(fimi.minute - inj05)} after INJ-05" in decisions
    assert not any("takes" in d for d in decisions)  # never the rule's typical delay
