"""Imports point down only: the lower layers never pull in Textual (or SimPy, for scenario)."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

FORBIDDEN = {
    "exercise.scenario": {"textual", "simpy"},
}


@pytest.mark.parametrize("module", sorted(FORBIDDEN))
def test_layer_does_not_import(module: str) -> None:
    code = (
        f"import sys, json, {module}, exercise.scenario.lint, exercise.scenario.schema; "
        "print(json.dumps(sorted({m.split('.')[0] for m in sys.modules})))"
    )
    loaded = set(json.loads(subprocess.run([sys.executable, "-c", code], check=True,
                                           capture_output=True, text=True).stdout))
    assert not loaded & FORBIDDEN[module]
