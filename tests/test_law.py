"""The law as it applies: who may act (a state's status towards the EU and NATO, or a body's kind),
since when an instrument applies, and the scenario's real time zone (issue 37)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from exercise.cli import main
from exercise.engine import World
from exercise.report.guide import render_guide
from exercise.scenario.catalogue import load_catalogue
from exercise.scenario.lint import lint
from exercise.scenario.loader import LoadedScenario, scenario_from_bytes
from exercise.session.timeline import wall_clock

DATA = Path(__file__).resolve().parent / "data"
TEXT = (DATA / "moldova.yaml").read_text(encoding="utf-8")
H = 60.0


def loaded(text: str = TEXT) -> LoadedScenario:
    return scenario_from_bytes(text.encode(), "moldova.yaml")


def warnings(text: str) -> list[str]:
    return [p.message for p in lint(loaded(text)) if p.severity == "warning"]


def test_a_third_country_scenario_written_from_the_docs_validates_with_no_warning() -> None:
    assert [str(p) for p in lint(loaded())] == []


@pytest.mark.parametrize(("team", "rid", "rule"), [
    ("stratcom", "HT-11", "Art. 42(7) TEU: aid and assistance owed to a Member State that is the victim of armed "
                          "aggression on its territory: Moldova is not a Member State"),
    ("stratcom", "FIMI-01", "the Rapid Alert System connects the Member States and the EU institutions"),
    ("cec", "CDT-01", "Art. 23 NIS2"),
    ("cec", "HT-10", "Art. 222 TFEU"),
    ("stratcom", "NATO-01", "Moldova is not a NATO Ally"),
    ("eu", "NAT-03", "national criminal law and criminal procedure: EEAS is not a state"),
])
def test_every_measure_a_team_may_not_take_draws_a_warning_naming_the_rule(team: str, rid: str, rule: str) -> None:
    text = TEXT.replace(f"  - {{id: {team}, ", f"  - {{id: {team}, ").replace(
        "responses: [NAT-01]" if team == "cec" else "responses: [FIMI-04, FIMI-07]" if team == "stratcom"
        else "responses: [FIMI-02, HT-13]", {"cec": f"responses: [NAT-01, {rid}]",
                                             "stratcom": f"responses: [FIMI-04, FIMI-07, {rid}]",
                                             "eu": f"responses: [FIMI-02, HT-13, {rid}]"}[team])
    found = [w for w in warnings(text) if w.startswith(f"{team} may not take {rid}:")]
    assert len(found) == 1 and rule in found[0], warnings(text)


def test_the_engine_refuses_a_measure_the_teams_state_may_not_take_and_says_why() -> None:
    text = TEXT.replace("responses: [FIMI-04, FIMI-07]", "responses: [FIMI-04, FIMI-07, FIMI-01]")
    world = World(loaded(text), 1)
    world.advance_to(4 * H)  # the fraud story is detected: the alert has something to alert about
    world.take_response("stratcom", "FIMI-01")
    [refused] = [e for e in world.events if e.kind == "response.refused"]
    assert refused.data["stage"] == "jurisdiction"
    assert refused.data["reason"].endswith("Moldova is not a Member State or an EU institution or body")
    world.take_response("ro", "FIMI-01")  # Romania's team may: a Member State
    assert [e.data["team"] for e in world.events if e.kind == "response.taken"] == ["ro"]


def test_a_measure_not_yet_in_force_is_warned_and_refused_unless_the_author_says_why() -> None:
    text = TEXT.replace("responses: [CDT-02, FIMI-01]", "responses: [CDT-02, FIMI-01, AI-01]")
    [warned] = [w for w in warnings(text) if "AI-01" in w]
    assert "applies only from 2026-08-02" in warned and "after this scenario's start (2024-10-26)" in warned
    world = World(loaded(text), 1)
    world.advance_to(4 * H)
    world.take_response("ro", "AI-01")
    [refused] = [e for e in world.events if e.kind == "response.refused"]
    assert refused.data["stage"] == "not in force" and "2026-08-02" in refused.data["reason"]
    allowed = text.replace("  timezone: Europe/Chisinau\n", "  timezone: Europe/Chisinau\n  anachronisms: "
                                                              "\"design choice: the AI Act's labels in 2024\"\n")
    assert not [w for w in warnings(allowed) if "AI-01" in w]
    world = World(loaded(allowed), 1)
    world.advance_to(4 * H)
    world.take_response("ro", "AI-01")
    assert not [e for e in world.events if e.kind == "response.refused"]


def test_every_catalogue_measure_says_who_may_take_it_and_since_when_with_a_source() -> None:
    rows = json.loads(CliRunner().invoke(main, ["catalogue", "--json"]).stdout)
    assert len(rows) == len(load_catalogue())
    for row in rows:
        assert row["applies_to"], row["id"]
        assert row["in_force"]["source"], row["id"]
        assert "from" in row["in_force"], row["id"]


def test_times_follow_the_daylight_saving_change_in_the_console_the_guide_and_the_report(tmp_path: Path) -> None:
    scenario = loaded().scenario
    # T+0 is 12:00 EEST on Saturday; the clocks go back at 04:00 EEST on Sunday, so T+1d is 11:00 EET.
    assert wall_clock(scenario, 0) == "Sat 26 Oct 12:00"
    assert wall_clock(scenario, 24 * H) == "Sun 27 Oct 11:00"
    assert scenario.metadata.at(20 * H).isoformat() == "2024-10-27T07:00:00+02:00"
    guide = render_guide(loaded().scenario)
    assert "T+20:00 (Sun 27 Oct 07:00)" in guide
    from exercise.session.live import Session

    from exercise.scenario import load_scenario
    from exercise.session.commands import End

    session = Session(load_scenario(DATA / "moldova.yaml"), 1)  # a file, as a journal names its scenario
    session.start_journal(tmp_path / "j.jsonl")
    session.advance_to(session.world.end)
    session.submit(End())  # journaled: the replay runs to the end too
    session.close()
    made = CliRunner().invoke(main, ["report", str(tmp_path / "j.jsonl"), "--format", "json"])
    report = json.loads(made.stdout)
    polls = next(row for row in report["timeline"] if "Polls open" in row["text"])
    assert polls["when"] == "2024-10-27T07:00:00+02:00"
    assert report["overview"]["exercise_dates"]["end_text"] == "Tuesday 29 October 2024, 11:00 (UTC+02:00)"
    assert report["overview"]["exercise_dates"]["start_text"] == "Saturday 26 October 2024, 12:00 (UTC+03:00)"


def test_a_start_with_the_wrong_offset_for_its_zone_is_an_error() -> None:
    from exercise.scenario import ScenarioError

    with pytest.raises(ScenarioError, match="give the offset the zone has on that day"):
        loaded(TEXT.replace("2024-10-26T12:00:00+03:00", "2024-10-26T12:00:00+02:00"))


def test_validate_on_a_playbook_checks_it_as_a_playbook(tmp_path: Path) -> None:
    book = Path(__file__).resolve().parents[1] / "scenarios" / "playbooks" / "election-week-passive.yaml"
    done = CliRunner().invoke(main, ["validate", str(book)])
    assert done.exit_code == 0 and "a playbook, checked against scenario election-week" in done.output
    broken = tmp_path / "broken.yaml"
    broken.write_text(book.read_text(encoding="utf-8").replace("team: ", "team: nobody-", 1), encoding="utf-8")
    done = CliRunner().invoke(main, ["validate", str(broken)])
    assert done.exit_code == 1 and "unknown team 'nobody-" in done.output and "invalid playbook" in done.output


def test_a_bare_technique_id_is_told_which_framework_it_belongs_to() -> None:
    from exercise.scenario import ScenarioError

    text = TEXT.replace("    tags: [narrative]\n", "    tags: [narrative]\n    techniques: [T1078]\n")
    with pytest.raises(ScenarioError, match="T1078 is ATT&CK Enterprise: write attack:T1078"):
        loaded(text)


def test_a_measure_in_force_at_the_start_counters_from_the_first_minute_without_a_draw() -> None:
    # An EU mission deployed before T+0 (as EUPM Moldova was in May 2023), and the polling days.
    text = TEXT.replace("  setting: {country: Moldova, status: candidate, nato_ally: false}",
                        "  setting:\n    country: Moldova\n    status: candidate\n    polling:\n"
                        "      - {date: 2024-10-20, what: presidential first round and EU referendum}\n"
                        "      - {date: 2024-11-03, what: presidential run-off}")
    text += ("responses:\n  in_force_at_start:\n"
             "    - {team: stratcom, response: FIMI-04, note: a prebunking campaign running since September}\n")
    scenario = loaded(text)
    assert [p.message for p in lint(scenario)] == []
    assert scenario.scenario.metadata.setting.polling_words() == (
        "polling on Sunday 20 October 2024 (presidential first round and EU referendum) and Sunday 03 November "
        "2024 (presidential run-off)")
    world = World(scenario, 1)
    [taken] = [e for e in world.events if e.kind == "response.taken"]
    assert taken.t == 0 and taken.data["source"] == "start" and world.active[("FIMI-04", "stratcom")] == 1
    world.run()
    [started] = [e for e in world.events if e.kind == "stage.started" and e.data["stage"] == "fraud.post"]
    assert started.data["countered_by"] == ["FIMI-04"]
    wrong = text.replace("    - {team: stratcom, response: FIMI-04,", "    - {team: cec, response: FIMI-04,")
    assert any("cec does not hold FIMI-04" in p.message for p in lint(loaded(wrong)))


def test_adjust_rewords_a_measure_for_a_country_outside_the_eu_without_copying_it() -> None:
    text = TEXT.replace("responses: [NAT-01]", "responses: [NAT-01, CDT-01]") + (
        "responses:\n  adjust:\n    CDT-01:\n      legal_basis: the national cybersecurity law\n"
        "      description: The operator notifies the national CSIRT under national law.\n"
        "      applies_to: [candidate, private]\n")
    scenario = loaded(text)
    assert [p.message for p in lint(scenario)] == []
    measure = scenario.responses["CDT-01"]
    assert measure.legal_basis == "the national cybersecurity law" and measure.applies_to == ["candidate", "private"]
    assert measure.name == load_catalogue()["CDT-01"].name  # the rest is the catalogue's
