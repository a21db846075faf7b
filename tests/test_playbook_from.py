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
