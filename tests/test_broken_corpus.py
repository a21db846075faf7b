"""Golden tests: each broken scenario gives exactly the expected FILE:LINE:COL messages."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from exercise.cli import main

BROKEN = Path(__file__).resolve().parent / "broken"
CASES = sorted(BROKEN.glob("*.yaml"))


def test_corpus_is_large_enough() -> None:
    assert len(CASES) >= 25


@pytest.mark.parametrize("case", CASES, ids=[c.stem for c in CASES])
def test_broken_scenario_message(case: Path, monkeypatch: pytest.MonkeyPatch, update_goldens: bool) -> None:
    monkeypatch.chdir(BROKEN)
    result = CliRunner().invoke(main, ["validate", "--strict", case.name])
    assert result.exception is None or isinstance(result.exception, SystemExit), result.output
    assert result.exit_code == 1
    golden = case.with_suffix(".expected")
    if update_goldens:
        golden.write_text(result.stdout, encoding="utf-8")
    assert result.stdout == golden.read_text(encoding="utf-8")
    for line in result.stdout.splitlines():
        file, line_no, col, _ = line.split(":", 3)
        assert file == case.name and int(line_no) >= 1 and int(col) >= 1, line
