"""Clock, bands and wording as a facilitator reads them (issue 14, item 7)."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from exercise.cli_output import _percent
from exercise.engine import World
from exercise.scenario import load_scenario
from exercise.scenario.playbook import load_playbook
from exercise.session.montecarlo import wilson
from exercise.session.timeline import clock, describe, wall_clock
from ptyrun import run_on_a_pty

ROOT = Path(__file__).resolve().parents[1]
NAMES = ["election-week", "baltic-winter", "port-and-platforms"]
LOADED = {n: load_scenario(ROOT / "scenarios" / f"{n}.yaml") for n in NAMES}


def runs(seeds: range):
    for name in NAMES:
        book = load_playbook(ROOT / "scenarios" / "playbooks" / f"{name}-proactive.yaml", LOADED[name])[0]
        for playbook in (None, book):
            for seed in seeds:
                world = World(LOADED[name], seed)
                if playbook is not None:
                    from exercise.session.policy import apply_playbook
                    apply_playbook(world, playbook)
                world.run()
                yield name, world


@pytest.mark.parametrize("minutes", [0.5, 1853.5, 1853.49, 1439.7, 59.5, 2217.0106])
def test_the_offset_and_the_wall_clock_agree(minutes: float) -> None:
    scenario = LOADED["election-week"].scenario  # starts at 08:00
    t_plus, wall = clock(minutes), wall_clock(scenario, minutes)
    assert t_plus[-2:] == wall[-2:], (t_plus, wall)


def test_no_band_flaps_and_no_empty_changes() -> None:
    """Election-week proactive, seed 4, once went red and back to amber at 0.80 within 23 seconds."""
    for name, world in runs(range(1, 60)):
        last: dict[str, float] = {}
        for e in world.events:
            if e.kind == "indicator.band":
                ident = e.data["indicator"]
                assert e.t - last.get(ident, -10.0) >= 1.0, (name, world.seed, e)
                last[ident] = e.t
            if e.kind == "indicator.changed":
                assert e.data["before"] != e.data["after"], (name, world.seed, e)
                text = describe(e, LOADED[name].scenario)
                before, after = re.search(r"(\S+) -> (\S+)", text).groups()
                assert before != after, text


def test_refusals_read_as_sentences() -> None:
    for name, world in runs(range(1, 30)):
        for e in world.events:
            if e.kind == "response.refused":
                text = describe(e, LOADED[name].scenario)
                assert " not reached " not in text and "not yet:" not in text and "none of:" not in text, text
                assert re.search(r"refused: (it |no |the |[A-Z])", text), text


def test_a_wilson_bound_near_zero_is_shown() -> None:
    low, high = wilson(0, 1000)
    assert (_percent(low), _percent(high)) == ("0.0%", "0.4%")
    assert _percent(0.42) == "42%"


def test_a_broken_pipe_is_no_error() -> None:
    """`| head` at any point, in the timeline or in Rich's table at the end (Rich itself exits 1)."""
    command = [sys.executable, "-m", "exercise", "simulate", "election-week", "--no-journal"]
    total = len(subprocess.run(command, capture_output=True, check=True).stdout.splitlines())
    for keep in (1, total // 2, total - 8, total - 2):
        producer = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        for _ in range(keep):
            producer.stdout.readline()
        producer.stdout.close()  # what `| head -N` does
        assert producer.wait(timeout=60) == 0, keep
        assert b"invalid" not in producer.stderr.read()


def test_timeline_lines_wrap_at_words_on_an_80_column_terminal() -> None:
    output = run_on_a_pty(["simulate", "election-week", "--no-journal"], {"COLUMNS": "80", "LINES": "24", "TERM": "dumb"})
    lines = output.decode().replace("\r", "").splitlines()
    timeline = [line for line in lines if not line.startswith(("┃", "│", "┏", "┡", "└", "Indicators"))]
    assert len(timeline) > 100
    assert all(len(line) <= 80 for line in timeline), max(timeline, key=len)
    continued = [line for line in timeline if line.startswith(" " * 32) and line.strip()]
    assert continued, "some long line should have wrapped under the text"
    # No word was cut: the words are those of the unwrapped output, in the same order.
    piped = subprocess.run([sys.executable, "-m", "exercise", "simulate", "election-week", "--no-journal"],
                           capture_output=True, text=True, check=True).stdout.splitlines()
    unwrapped = [line for line in piped if not line.startswith(("┃", "│", "┏", "┡", "└", "Indicators"))]
    assert " ".join(timeline).split() == " ".join(unwrapped).split()


def test_rich_tables_on_a_closed_pipe_exit_0(monkeypatch: pytest.MonkeyPatch) -> None:
    """Rich's own broken-pipe handler exits 1; ours is a success, as for the timeline."""
    from exercise.terminal import Console

    monkeypatch.setattr(os, "dup2", lambda *args: None)  # keep this process's stdout
    with pytest.raises(SystemExit) as leaving:
        Console().on_broken_pipe()
    assert leaving.value.code == 0
