"""Property tests: whatever the input, the loader returns a model or a clean error."""

from __future__ import annotations

from pathlib import Path

from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from exercise.engine import log_to_jsonl
from exercise.scenario import load_scenario
from exercise.scenario.errors import ScenarioError
from exercise.scenario.lint import lint
from exercise.scenario.loader import scenario_from_bytes
from exercise.scenario.playbook import playbook_from_bytes
from exercise.session import simulate

ROOT = Path(__file__).resolve().parents[1]
VALID = [
    (ROOT / "tests/data/tiny.yaml").read_text(encoding="utf-8"),
    (ROOT / "scenarios/election-week.yaml").read_text(encoding="utf-8"),
]
TRICKY = [
    "", "~", "no", "1:30", "010", "0x10", "-1", "1e999", "2.5", "'quoted'", "[", "]", "{", "}", "&a", "*a",
    "!!python/object:os.system", "!tag x", "<<: {}", "- item", "? key", ": value", "|", ">", "\t", "\x00",
    "é", "\u202e", "90", "6h", "P1D", "true", "null", "[1, 2]", "{a: 1}", "---", "...", "#", "%YAML 1.1",
]


def check(raw: bytes) -> None:
    try:
        loaded = scenario_from_bytes(raw, "fuzz.yaml")
    except ScenarioError as exc:
        assert exc.problems, "a ScenarioError must carry at least one problem"
        for problem in exc.problems:
            assert problem.file == "fuzz.yaml" and problem.message
            assert "\n" not in problem.message or "Traceback" not in problem.message
        return
    for problem in lint(loaded):
        assert problem.line >= 1 and problem.message


@st.composite
def mutated(draw: st.DrawFn, texts: list[str]) -> bytes:
    lines = draw(st.sampled_from(texts)).splitlines(keepends=True)
    for _ in range(draw(st.integers(1, 4))):
        if not lines:
            break
        i = draw(st.integers(0, len(lines) - 1))
        op = draw(st.sampled_from(["delete", "duplicate", "replace_value", "insert", "indent", "swap"]))
        if op == "delete":
            del lines[i]
        elif op == "duplicate":
            lines.insert(i, lines[i])
        elif op == "replace_value" and ":" in lines[i]:
            head = lines[i].split(":", 1)[0]
            lines[i] = f"{head}: {draw(st.sampled_from(TRICKY))}\n"
        elif op == "insert":
            cut = draw(st.integers(0, len(lines[i])))
            lines[i] = lines[i][:cut] + draw(st.sampled_from(TRICKY) | st.text(max_size=5)) + lines[i][cut:]
        elif op == "indent":
            lines[i] = " " * draw(st.integers(1, 3)) + lines[i]
        elif op == "swap" and len(lines) > 1:
            j = draw(st.integers(0, len(lines) - 1))
            lines[i], lines[j] = lines[j], lines[i]
    raw = "".join(lines).encode()
    if raw and draw(st.booleans()):
        at = draw(st.integers(0, len(raw) - 1))
        raw = raw[:at] + bytes([draw(st.integers(0, 255))]) + raw[at + 1:]
    if draw(st.booleans()):
        raw = raw[: draw(st.integers(0, len(raw)))]
    return raw


FAST = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@FAST
@given(st.binary(max_size=2000))
def test_random_bytes(raw: bytes) -> None:
    check(raw)


@FAST
@given(mutated(VALID))
def test_mutated_scenarios(raw: bytes) -> None:
    check(raw)


@FAST
@given(st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False, allow_infinity=False) | st.text(max_size=8),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=8), children, max_size=4),
    max_leaves=30,
))
def test_random_structures(value: object) -> None:
    import json

    # JSON is YAML: any structure must load or fail cleanly too.
    check(json.dumps({"metadata": value, "teams": value}).encode())


def test_valid_scenarios_load() -> None:
    for text in VALID:
        scenario_from_bytes(text.encode(), "ok.yaml")


SCENARIO = load_scenario(ROOT / "scenarios/election-week.yaml")
PLAYBOOKS = [(ROOT / "scenarios/playbooks" / f"election-week-{kind}.yaml").read_text(encoding="utf-8")
             for kind in ("passive", "proactive")]


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(mutated(PLAYBOOKS), st.integers(0, 2**32))
def test_mutated_playbooks_load_cleanly_and_run_within_bounds(raw: bytes, seed: int) -> None:
    try:
        playbook, _warnings = playbook_from_bytes(raw, "fuzz.yaml", SCENARIO)
    except ScenarioError as exc:
        assert exc.problems and all(p.file == "fuzz.yaml" and p.line >= 1 and p.message for p in exc.problems)
        event("refused")
        return
    event("loaded and run")
    first, again = simulate(SCENARIO, seed, playbook), simulate(SCENARIO, seed, playbook)
    assert log_to_jsonl(first.events) == log_to_jsonl(again.events)
    for state in first.indicators.values():
        assert all(state.spec.min <= v <= state.spec.max for _t, before, after, *_ in state.history
                   for v in (before, after))
