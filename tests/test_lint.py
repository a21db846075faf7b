"""Linter checks not covered by the golden corpus, and catalogue adjustments."""

from __future__ import annotations

from exercise.scenario.lint import lint
from exercise.scenario.loader import scenario_from_bytes


def problems(text: str) -> list[str]:
    return [f"{p.severity}: {p.message}" for p in lint(scenario_from_bytes(text.encode(), "t.yaml"))]


def test_tiny_is_clean(tiny_text: str) -> None:
    assert problems(tiny_text) == []


def test_adjust_changes_a_catalogue_measure(tiny_text: str) -> None:
    text = tiny_text + "responses:\n  adjust:\n    FIMI-01: {lead_time: 30m, approval: 0.5, provenance: design}\n"
    loaded = scenario_from_bytes(text.encode(), "t.yaml")
    assert loaded.responses["FIMI-01"].lead_time.value == 30
    assert loaded.responses["FIMI-01"].approval == 0.5
    assert loaded.responses["FIMI-01"].name == "Rapid Alert System alert"


def test_adjusting_an_unknown_measure_is_an_error(tiny_text: str) -> None:
    text = tiny_text + "responses:\n  adjust:\n    FIMI-77: {lead_time: 30m, provenance: design}\n"
    assert "error: unknown catalogue measure 'FIMI-77'" in problems(text)[0]


def test_custom_measure_cannot_shadow_the_catalogue(tiny_text: str) -> None:
    text = tiny_text + (
        "responses:\n  custom:\n    - {id: FIMI-01, name: x, toolbox: national, category: awareness,"
        " decided_by: me, procedure: single_body, lead_time: 1h, legal_basis: national law, source: the town statute,"
            " provenance: {lead_time: design, odds: design, effects: design}}\n"
    )
    assert any("is a catalogue measure" in p for p in problems(text))


def test_custom_measure_can_be_given_to_a_team(tiny_text: str) -> None:
    text = tiny_text.replace("responses: [FIMI-01]", "responses: [FIMI-01, LOCAL-1]") + (
        "responses:\n  custom:\n    - {id: LOCAL-1, name: Call the mayor, toolbox: national, category: cooperative,"
        " decided_by: prefect, procedure: single_body, lead_time: {kind: triangular, low: 10m, mode: 20m, high: 1h},"
            " legal_basis: national law on local government, source: the municipal code,"
            " provenance: {lead_time: design, odds: design, effects: design}}\n"
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
        "      - id: follow\n        name: Follow up\n        provenance: design\n        start: {after: post, on: detected}\n"
        "      - id: again\n        name: Again\n        provenance: design\n"
        "        start: {after: follow, on: detected}\ninjects:\n"
    ))
    assert any("lies.follow is never detected" in p for p in problems(text))


# --- issue 14: no false positives, new checks ---------------------------------------------------


def test_a_precondition_with_alternatives_holds_when_one_domain_is_present(tiny_text: str) -> None:
    """CDT-01 needs a detected cyber or infrastructure campaign: a cyber campaign is enough."""
    text = tiny_text.replace("responses: [FIMI-01]", "responses: [FIMI-01, CDT-01]").replace(
        "    domain: fimi\n    stages:", "    domain: cyber\n    stages:")
    assert not any("CDT-01" in p for p in problems(text)), problems(text)
    # With neither domain present it really is always refused, and the warning says why.
    only_fimi = tiny_text.replace("responses: [FIMI-01]", "responses: [FIMI-01, CDT-01]")
    [warning] = [p for p in problems(only_fimi) if "always be refused" in p]
    assert "none of its alternatives can happen" in warning and "no campaign is in the cyber domain" in warning


CYCLE = """
      - id: echo
        name: Echo
        provenance: design
        start:
          when: {inject: INJ-3}
injects:
  - id: INJ-3
    title: Echo seen
    when: {stage: lies.echo, is: started}
    to: [comms]
    from: news
    channel: news
    objectives: [OBJ-1]
"""


def test_a_cycle_through_when_conditions_is_an_error(tiny_text: str) -> None:
    text = tiny_text.replace("injects:\n", CYCLE.lstrip("\n"), 1)
    assert "error: these wait on each other in a cycle and never happen: " \
           "inject INJ-3 -> stage lies.echo -> inject INJ-3" in problems(text)


def test_a_cycle_between_inject_triggers_is_an_error(tiny_text: str) -> None:
    text = tiny_text.replace("    title: Start\n    at: 0m\n", "    title: Start\n    when: {inject: INJ-2}\n").replace(
        "    title: A lie spreads\n", "    title: A lie spreads\n    when: {all: [{inject: INJ-1}, {after: 1h}]}\n")
    assert "error: these wait on each other in a cycle and never happen: " \
           "inject INJ-1 -> inject INJ-2 -> inject INJ-1" in problems(text)
    # An alternative way out is no cycle.
    text = text.replace("when: {inject: INJ-2}", "when: {any: [{inject: INJ-2}, {after: 2h}]}")
    assert not any("cycle" in p for p in problems(text))


def test_a_threshold_outside_the_range_or_true_at_the_start_warns(tiny_text: str) -> None:
    text = tiny_text.replace("    at: 0m\n", "    when: {indicator: narrative_salience, below: 40}\n", 1)
    found = problems(text)
    assert any("narrative_salience is always below 40 (it runs from 0 to 1" in p for p in found), found
    assert any("already holds at T+0, so it fires at once" in p for p in found), found


def test_an_objective_that_can_never_be_met_warns(tiny_text: str) -> None:
    text = tiny_text.replace("measure: {kind: response, response: FIMI-01, by: 12h}",
                             "measure: {kind: indicator, indicator: narrative_salience, above: 40}")
    assert any("can never be at or above 40" in p and "can never be met" in p for p in problems(text))
    text = tiny_text.replace("measure: {kind: response, response: FIMI-01, by: 12h}",
                             "measure: {kind: condition, condition: {detected: cyber}}")
    assert any("no campaign is in the cyber domain: this objective can never be met" in p for p in problems(text))


def test_an_expectation_from_a_team_that_never_receives_the_inject_warns(tiny_text: str) -> None:
    text = tiny_text.replace("    responses: [FIMI-01]\n", "    responses: [FIMI-01]\n  - id: csirt\n    name: CSIRT\n"
                             "    body: national CSIRT\n    responses: [FIMI-01]\n").replace(
        "{response: FIMI-01, team: comms, within: 6h}", "{response: FIMI-01, team: csirt, within: 6h}")
    assert any("team 'csirt' is expected to answer INJ-2, which is sent only to comms" in p for p in problems(text))


def test_windows_that_end_after_the_exercise_warn(tiny_text: str) -> None:
    text = tiny_text.replace("by: 12h}", "by: 2d}")
    assert any("the deadline T+2d is after the end (T+1d)" in p for p in problems(text))
    text = tiny_text.replace("    at: 0m\n    to: [all]\n", "    at: 20h\n    to: [all]\n    expects:\n"
                             "      - {response: FIMI-01, team: comms, within: 6h}\n")
    assert any("the deadline (T+1d2h) is after the end (T+1d)" in p for p in problems(text))


def test_a_duplicate_id_names_the_line_of_the_first(tiny_text: str) -> None:
    text = tiny_text.replace("  - id: INJ-2\n", "  - id: INJ-1\n")
    first = next(n for n, row in enumerate(text.splitlines(), 1) if row == "  - id: INJ-1")
    assert f"error: duplicate inject id 'INJ-1' (first used on line {first})" in problems(text)
