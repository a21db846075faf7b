"""Imports point down only: nothing below the TUI pulls in Textual, and scenario not even SimPy."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

FORBIDDEN = {
    "exercise.scenario": {"textual", "simpy"},
    "exercise.engine": {"textual"},
    "exercise.session": {"textual"},
    "exercise.cli_output": {"textual"},
    "exercise.report": {"textual"},
}
ALSO = {
    "exercise.scenario": "exercise.scenario.lint, exercise.scenario.schema, exercise.scenario.playbook",
    "exercise.session": "exercise.session.montecarlo, exercise.session.timeline",
    "exercise.report": "exercise.report.session, exercise.report.charts, exercise.report.files, exercise.report.guide",
}


@pytest.mark.parametrize("module", sorted(FORBIDDEN))
def test_layer_does_not_import(module: str) -> None:
    extra = ALSO.get(module, "")
    code = (
        f"import sys, json, {module}{', ' + extra if extra else ''}; "
        "print(json.dumps(sorted({m.split('.')[0] for m in sys.modules})))"
    )
    loaded = set(json.loads(subprocess.run([sys.executable, "-c", code], check=True,
                                           capture_output=True, text=True).stdout))
    assert not loaded & FORBIDDEN[module]
