"""Counters act on what a measure's tags name, findings about a campaign hold for it alone,
and an investigation identifies perpetrators with a chance, months later (engine model 5)."""

from __future__ import annotations

from pathlib import Path

import pytest

from exercise.engine import World
from exercise.scenario import load_scenario
from exercise.scenario.catalogue import load_catalogue, load_tags
from exercise.scenario.lint import lint
from exercise.scenario.loader import scenario_from_bytes

DATA = Path(__file__).resolve().parent / "data"
H = 60.0
D = 24 * H


def world(seed: int = 1, model: int = 5) -> World:
    return World(load_scenario(DATA / "scoped.yaml"), seed, model=model)


def countered(w: World, stage: str) -> list[str]:
    [started] = [e for e in w.events if e.kind == "stage.started" and e.data["stage"] == stage]
    return started.data["countered_by"]


def refusals(w: World) -> list[str]:
    return [e.data["reason"] for e in w.events if e.kind == "response.refused"]


def test_a_measure_without_tags_counters_nothing_and_a_tagged_one_only_its_tags() -> None:
    w = world()
    w.advance_to(2 * H)
    w.take_response("gov", "UNTAGGED")
    w.take_response("gov", "TAGGED")
    w.run()
    assert countered(w, "intrusion.strike") == []
    assert countered(w, "flood.second") == ["TAGGED"]


def test_before_model_5_an_untagged_measure_countered_its_whole_domain() -> None:
    w = world(model=4)
    w.advance_to(2 * H)
    w.take_response("gov", "UNTAGGED")
    w.run()
    assert countered(w, "intrusion.strike") == ["UNTAGGED"]
    assert countered(w, "flood.second") == ["UNTAGGED"]


def test_diplomacy_acts_on_a_state_and_not_on_hacktivists() -> None:
    # HT-07 (a demarche) acts on [state, proxy]: the adversary's kind is a tag of its stages.
    w = world()
    w.advance_to(2 * H)
    w.take_response("gov", "HT-07")
    w.run()
    assert countered(w, "intrusion.strike") == ["HT-07"]
    assert countered(w, "flood.second") == []


def test_a_finding_about_one_campaign_never_unlocks_a_measure_against_another() -> None:
    w = world()
    w.advance_to(2 * H)  # both campaigns detected at T+1h30m
    w.take_response("gov", "NAT-05", target="intrusion")  # attribution of Red's intrusion, lands at T+3h
    w.advance_to(3 * H + 1)
    [held] = [e for e in w.events if e.kind == "finding.established" and e.data["finding"] == "national_attribution"]
    assert held.data["about"] == "intrusion"
    assert w.holds_for("national_attribution", "intrusion")
    assert not w.holds_for("national_attribution", "flood")
    # Against the flood: refused, and the refusal says what the finding is about.
    w.take_response("gov", "CDT-06", target="flood")
    [reason] = refusals(w)
    assert "about Grey's flood; established only about Red's intrusion" in reason
    # Taken without a target it acts against the intrusion alone.
    w.take_response("gov", "CDT-06")
    assert w.live[-1].subjects == frozenset({"intrusion"})
    w.run()
    assert "CDT-06" in countered(w, "intrusion.strike")
    assert countered(w, "flood.second") == []


def test_an_untargeted_attribution_is_about_the_detected_campaigns_it_acts_on() -> None:
    w = world()
    w.advance_to(2 * H)
    w.take_response("gov", "NAT-05")  # acts on state and proxy campaigns: Red's, not Grey's
    w.advance_to(3 * H + 1)
    about = [e.data.get("about") for e in w.events if e.kind == "finding.established"
             and e.data["finding"] == "national_attribution"]
    assert about == ["intrusion"]


def test_opening_a_case_identifies_no_one_at_once_and_sometimes_never() -> None:
    identified = []
    for seed in range(1, 81):
        w = world(seed)
        w.advance_to(2 * H)
        w.take_response("gov", "NAT-03", target="intrusion")  # lands at T+3h
        w.run()
        times = [e.t for e in w.events if e.kind == "finding.established"
                 and e.data["finding"] == "perpetrators_identified"]
        assert all(t >= 3 * H + 30 * D for t in times)  # months, not days
        identified.append(bool(times))
    # The catalogue's chance is 0.4: identification is neither certain nor rare.
    assert 0.2 < sum(identified) / len(identified) < 0.6


def test_before_model_5_opening_a_case_identified_the_perpetrators_at_once() -> None:
    w = world(model=4)
    w.advance_to(2 * H)
    w.take_response("gov", "NAT-03")
    w.advance_to(3 * H + 1)
    assert "perpetrators_identified" in w.findings
    assert w.holds_for("perpetrators_identified", "flood")  # not scoped then


def test_every_catalogue_measure_with_counters_says_what_it_acts_on() -> None:
    tags = set(load_tags())
    for measure in load_catalogue().values():
        if measure.counters.domains:
            assert measure.counters.tags, measure.id
            assert set(measure.counters.tags) <= tags, measure.id


def test_the_linter_names_an_untagged_counter_and_a_tag_no_measure_acts_on() -> None:
    text = (DATA / "scoped.yaml").read_text(encoding="utf-8").replace("tags: [ddos]\n", "tags: [ddoss]\n")
    messages = [p.message for p in lint(scenario_from_bytes(text.encode(), "s.yaml"))]
    assert any(m.startswith("UNTAGGED has counters but no tags, so it counters nothing") for m in messages)
    assert any("no measure acts on tag 'ddoss'" in m and "ddos" in m for m in messages)


@pytest.mark.parametrize("copy", [False, True])
def test_a_judgement_is_never_established_by_a_threshold(copy: bool) -> None:
    # capacity_overwhelmed is the Member State's own judgement: a decision makes it.
    flag = "" if copy else "\n    judgement: true"
    text = (DATA / "scoped.yaml").read_text(encoding="utf-8").replace("indicators:\n", (
        "findings:\n  - id: capacity_overwhelmed\n    name: overwhelmed\n"
        f"    when: {{indicator: service, below: 0.5}}{flag}\nindicators:\n"), 1)
    problems = lint(scenario_from_bytes(text.encode(), "s.yaml")) if copy else None
    if copy:  # a scenario's copy of the catalogue's judgement: the linter refuses its threshold
        assert any(p.severity == "error" and "is a judgement" in p.message for p in problems)
    else:
        with pytest.raises(Exception, match="is a judgement"):
            scenario_from_bytes(text.encode(), "s.yaml")
