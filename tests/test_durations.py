from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from exercise.scenario.types import format_minutes, parse_duration


@pytest.mark.parametrize(
    ("text", "minutes"),
    [("90m", 90), ("90min", 90), ("6h", 360), ("2d", 2880), ("1w", 10080), ("1h30m", 90),
     ("2d 6h", 3240), ("0.5h", 30), ("0m", 0), ("PT1H30M", 90), ("P2D", 2880), ("P1DT6H", 1800),
     ("PT45S", 0.75), ("P1W", 10080)],
)
def test_parse(text: str, minutes: float) -> None:
    assert parse_duration(text) == minutes


@pytest.mark.parametrize("text", ["", "90", "3 hours", "1:30", "h", "P", "PT", "P1DT", "-5m", "5x"])
def test_reject(text: str) -> None:
    with pytest.raises(ValueError):
        parse_duration(text)


@given(st.integers(min_value=0, max_value=10**7))
def test_format_round_trips(minutes: int) -> None:
    assert parse_duration(format_minutes(minutes)) == minutes
