"""Static checks as tests, so that the one test command runs them too (CI runs exactly it).

mypy (with the pydantic plugin) type-checks the layers above the engine, as
``[tool.mypy]`` in pyproject.toml lists them; ruff lints the whole tree with
the rules in ``[tool.ruff]``, RUF100 among them, so that every ``noqa`` left in
the code still silences something. Both tools are in the test extras.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def _run(*command: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=600)


@pytest.mark.slow
def test_mypy_finds_nothing_in_net_session_tui_and_report() -> None:
    pytest.importorskip("mypy", reason="mypy is in the test extras")
    done = _run(sys.executable, "-m", "mypy")
    assert done.returncode == 0, done.stdout + done.stderr
    assert "no issues found" in done.stdout


def test_ruff_finds_nothing_in_the_tree() -> None:
    ruff = shutil.which("ruff")
    if ruff is None:
        pytest.skip("ruff is not installed (it is in the test extras: pip install -e '.[test]')")
    done = _run(ruff, "check", "--output-format", "concise", ".")
    assert done.returncode == 0, done.stdout + done.stderr


def test_a_noqa_that_silences_nothing_is_an_error(tmp_path: Path) -> None:
    """The rule that keeps suppressions honest is on: a stale noqa fails the lint."""
    ruff = shutil.which("ruff")
    if ruff is None:
        pytest.skip("ruff is not installed (it is in the test extras: pip install -e '.[test]')")
    planted = tmp_path / "planted.py"
    planted.write_text("VALUE = 1  # noqa: E501\n", encoding="utf-8")
    done = _run(ruff, "check", "--output-format", "concise", "--config", str(ROOT / "pyproject.toml"), str(planted))
    assert done.returncode != 0 and "RUF100" in done.stdout, done.stdout
