"""Exit codes and output of `exercise validate` and `exercise schema`."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from click.testing import CliRunner

from exercise.cli import main

DATA = Path(__file__).resolve().parent / "data"
BROKEN = Path(__file__).resolve().parent / "broken"


def test_valid_scenario_exits_0() -> None:
    result = CliRunner().invoke(main, ["validate", str(DATA / "tiny.yaml")])
    assert result.exit_code == 0
    assert result.stdout == ""
    assert "valid (0 warnings)" in result.stderr


def test_invalid_scenario_exits_1_and_reports_every_file() -> None:
    result = CliRunner().invoke(main, ["validate", str(BROKEN / "missing-key.yaml"), str(DATA / "tiny.yaml")])
    assert result.exit_code == 1
    assert "missing required key 'title'" in result.stdout
    assert "tiny.yaml: valid" in result.stderr


def test_warnings_pass_unless_strict() -> None:
    path = str(BROKEN / "after-the-end.yaml")
    assert CliRunner().invoke(main, ["validate", path]).exit_code == 0
    assert CliRunner().invoke(main, ["validate", "--strict", path]).exit_code == 1


def test_usage_errors_exit_2() -> None:
    assert CliRunner().invoke(main, ["validate"]).exit_code == 2
    assert CliRunner().invoke(main, ["validate", "no/such/file.yaml"]).exit_code == 2
    assert CliRunner().invoke(main, ["validate", "--bogus", str(DATA / "tiny.yaml")]).exit_code == 2


def test_internal_error_is_one_line_and_exit_3(monkeypatch) -> None:
    import exercise.scenario

    def boom(path):
        raise RuntimeError("kaboom")

    monkeypatch.setattr(exercise.scenario, "load_scenario", boom)
    result = CliRunner().invoke(main, ["validate", str(DATA / "tiny.yaml")])
    assert result.exit_code == 3
    assert "internal error: RuntimeError: kaboom" in result.stderr
    assert "Traceback" not in result.output


def test_schema_to_stdout_and_file(tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["schema"])
    assert json.loads(result.stdout)["title"] == "exercise scenario"
    out = tmp_path / "s.json"
    assert CliRunner().invoke(main, ["schema", "-o", str(out)]).exit_code == 0
    assert json.loads(out.read_text())["$schema"].startswith("http://json-schema.org/draft-07")


def test_python_dash_m_entry_point() -> None:
    done = subprocess.run([sys.executable, "-m", "exercise", "validate", str(BROKEN / "empty.yaml")],
                          capture_output=True, text=True)
    assert done.returncode == 1
    assert done.stdout.strip().endswith("empty.yaml:1:1: empty file: a scenario is a YAML mapping")
    assert "Traceback" not in done.stderr
