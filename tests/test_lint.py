"""Linter checks not covered by the golden corpus, and catalogue adjustments."""

from __future__ import annotations

from exercise.scenario.lint import lint
from exercise.scenario.loader import scenario_from_bytes


def problems(text: str) -> list[str]:
    return [f"{p.severity}: {p.message}" for p in lint(scenario_from_bytes(text.encode(), "t.yaml"))]


def test_tiny_is_clean(tiny_text: str) -> None:
    assert problems(tiny_text) == []


def test_adjust_changes_a_catalogue_measure(tiny_text: str) -> None:
    text = tiny_text + "responses:\n  adjust:\n    FIMI-01: {lead_time: 30m, approval: 0.5}\n"
    loaded = scenario_from_bytes(text.encode(), "t.yaml")
    assert loaded.responses["FIMI-01"].lead_time.value == 30
    assert loaded.responses["FIMI-01"].approval == 0.5
    assert loaded.responses["FIMI-01"].name == "Rapid Alert System alert"


def test_adjusting_an_unknown_measure_is_an_error(tiny_text: str) -> None:
    text = tiny_text + "responses:\n  adjust:\n    FIMI-77: {lead_time: 30m}\n"
    assert "error: unknown catalogue measure 'FIMI-77'" in problems(text)[0]


def test_custom_measure_cannot_shadow_the_catalogue(tiny_text: str) -> None:
    text = tiny_text + (
        "responses:\n  custom:\n    - {id: FIMI-01, name: x, toolbox: national, category: awareness,"
        " decided_by: me, procedure: single_body, lead_time: 1h}\n"
    )
    assert any("is a catalogue measure" in p for p in problems(text))


def test_custom_measure_can_be_given_to_a_team(tiny_text: str) -> None:
    text = tiny_text.replace("responses: [FIMI-01]", "responses: [FIMI-01, LOCAL-1]") + (
        "responses:\n  custom:\n    - {id: LOCAL-1, name: Call the mayor, toolbox: national, category: cooperative,"
        " decided_by: prefect, procedure: single_body, lead_time: {kind: triangular, low: 10m, mode: 20m, high: 1h}}\n"
    )
    assert problems(text) == []


def test_precondition_on_a_missing_indicator_warns(tiny_text: str) -> None:
    text = tiny_text.replace("responses: [FIMI-01]", "responses: [FIMI-01, FIMI-07]")
    assert any("attribution_confidence" in p and p.startswith("warning") for p in problems(text))


def test_decision_condition_checks_the_option(tiny_text: str) -> None:
    text = tiny_text.replace("    expects:\n", (
        "    decision:\n      prompt: Alert?\n      team: comms\n      deadline: 30m\n      options:\n"
        "        - {id: alert, label: Alert}\n        - {id: wait, label: Wait}\n    expects:\n"
    )).replace("  - id: INJ-1\n    title: Start\n    at: 0m\n",
               "  - id: INJ-1\n    title: Start\n    when: {decision: INJ-2, chose: later}\n")
    assert problems(text) == ["error: unknown option 'later'; did you mean 'alert'?"]


def test_stage_after_an_undetectable_stage_never_starts(tiny_text: str) -> None:
    text = tiny_text.replace("injects:\n", (
        "      - id: follow\n        name: Follow up\n        start: {after: post, on: detected}\n"
        "      - id: again\n        name: Again\n        start: {after: follow, on: detected}\ninjects:\n"
    ))
    assert any("lies.follow is never detected" in p for p in problems(text))
