"""An objective over how long an indicator may stay outside its range at a stretch ("restored within an
hour of each outage"), against a trajectory worked out by hand."""

from __future__ import annotations

import math

import pytest

from exercise.engine import World
from exercise.scenario.loader import scenario_from_bytes

# Supply drops to 0.6 at T+2h and at T+10h (0.7 the second time); it returns to 1.0 with a one-hour
# half-life, so it is back at 0.8 exactly 1h after the first drop, and some 35 minutes after the second.
SCENARIO = """
metadata: {{id: outage, title: Outage, summary: Two outages., setting: {{country: Testland}},
           start: "2027-01-01T00:00:00+00:00", duration: 1d}}
objectives:
  - {{id: RESTORE, text: Restore within the time., capability: Infrastructure Systems,
     measure: {{kind: indicator, indicator: grid, above: 0.8, longest: {longest}}}}}
teams: [{{id: tso, name: Operator, body: grid operator, level: private}}]
indicators:
  - {{id: grid, name: Supply, domain: infrastructure, initial: 1.0, recovery_half_life: 1h,
     observed_by: {{all: {{lag: 0m}}}}, provenance: design}}
adversaries: [{{id: red, name: Red, kind: state}}]
campaigns:
  - id: cuts
    name: Cuts
    adversary: red
    domain: infrastructure
    tags: [grid]
    stages:
      - {{id: one, name: First cut, provenance: design, start: {{at: 2h}},
         effects: [{{indicator: grid, change: -0.4, provenance: design}}]}}
      - {{id: two, name: Second cut, provenance: design, start: {{at: 10h}},
         effects: [{{indicator: grid, change: -0.3, provenance: design}}]}}
"""


def judged(longest: str) -> tuple[bool | None, str]:
    world = World(scenario_from_bytes(SCENARIO.format(longest=longest).encode(), "outage.yaml"), 1)
    world.run()
    [result] = world.objective_status()
    return result.met, result.detail


@pytest.mark.parametrize(("longest", "met"), [("61m", True), ("59m", False), ("2h", True)])
def test_met_when_no_outage_lasts_longer_than_allowed(longest: str, met: bool) -> None:
    ok, detail = judged(longest)
    assert ok is met
    assert "was outside the range for 1h at a stretch from T+2h" in detail


def test_the_longest_stretch_is_measured_not_the_total() -> None:
    world = World(scenario_from_bytes(SCENARIO.format(longest="1h").encode(), "outage.yaml"), 1)
    world.run()
    length, since = world.indicators["grid"].longest_outside(0, world.end, lambda v: v >= 0.8)
    assert length == pytest.approx(60.0, abs=1e-6) and since == pytest.approx(120.0)
    second, at = world.indicators["grid"].longest_outside(300, world.end, lambda v: v >= 0.8)
    # At T+10h the first gap (0.4) has halved eight times; the second cut leaves a gap of 0.3 + 0.4/256,
    # which takes log2(gap / 0.2) hours to close to 0.2.
    assert second == pytest.approx(60 * math.log2((0.3 + 0.4 / 256) / 0.2), abs=1e-6) and at == pytest.approx(600.0)
