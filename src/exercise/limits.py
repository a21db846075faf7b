"""How big an input may be, and how to allow more.

Files are checked before they are read, so a hostile or mistaken file costs
nothing. Each limit can be raised for one run with an environment variable.
"""

from __future__ import annotations

import os

SCENARIO_ENV = "EXERCISE_MAX_SCENARIO_MB"
JOURNAL_ENV = "EXERCISE_MAX_JOURNAL_MB"
LINE_ENV = "EXERCISE_MAX_JOURNAL_LINE_KB"

_MB = 1024 * 1024


def _setting(name: str, default: float, unit: int) -> int:
    value = os.environ.get(name)
    try:
        return int(float(value) * unit) if value else int(default * unit)
    except ValueError:
        return int(default * unit)


def scenario_limit() -> int:
    """Bytes a scenario or playbook file may have (default 64 MiB: a 100,000-inject scenario has about 30).

    What a file may build once read is bounded by its size (``yamlsafe.value_limit``), so a
    bigger file buys no alias bomb."""
    return _setting(SCENARIO_ENV, 64, _MB)


def journal_limit() -> int:
    """Bytes a journal may have (default 256 MiB)."""
    return _setting(JOURNAL_ENV, 256, _MB)


def line_limit() -> int:
    """Bytes one journal record may have (default 1 MiB)."""
    return _setting(LINE_ENV, 1024, 1024)


def too_big(size: int, limit: int, *, at_least: bool = False, env: str = SCENARIO_ENV) -> str:
    unit = "KB" if env == LINE_ENV else "MB"
    return (f"{'at least ' if at_least else ''}{size:,} bytes, over the limit of {limit:,} bytes; "
            f"if you trust it, allow more with {env}=<{unit}>")


class OverLimit(Exception):
    """Work stopped at one of its bounds (a chart that would not finish drawing...): the command says so in a
    line and exits 1; the input, not the program, needs changing."""
