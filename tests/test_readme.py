"""The README is what a new user has: the steps it gives must be the ones that work."""

from __future__ import annotations

import re
from pathlib import Path

README = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")
QUICK_START = README[README.index("## Quick start"):README.index("## Commands")]


def test_a_virtual_environment_comes_before_the_first_install() -> None:
    assert QUICK_START.index("python3 -m venv") < QUICK_START.index("pip install -e .")


def test_it_says_where_sessions_go_and_how_to_change_it() -> None:
    assert "`sessions/`" in QUICK_START and "current directory" in QUICK_START
    assert "--journal PATH" in QUICK_START and "--no-journal" in QUICK_START


def test_it_says_the_terminal_size_and_how_to_leave_the_briefing() -> None:
    assert re.search(r"80 columns by 24 rows", QUICK_START)
    assert "Enter starts the exercise, `q` quits" in QUICK_START


def test_the_two_commands_are_there() -> None:
    assert "pip install -e . && exercise run scenarios/election-week.yaml" in QUICK_START
    assert "pip install -e '.[test]' && pytest" in QUICK_START
