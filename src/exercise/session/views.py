"""Read models per audience, projected from a session: what a screen or a report may show.

The first of them: indicator readings, filtered by who may see each indicator,
so that a team's screen never shows a value the team was not given.
"""

from __future__ import annotations

from dataclasses import dataclass

from exercise.engine.events import Event, Kind
from exercise.engine.indicators import band_of
from exercise.session.live import Session


@dataclass(frozen=True)
class IndicatorReading:
    id: str
    name: str
    value: float
    band: str | None
    series: list[float]  # evenly spaced samples from ``start`` to now


def indicator_readings(session: Session, team: str | None = None, window: float | None = None,
                       points: int = 24) -> list[IndicatorReading]:
    """Every indicator for the facilitator (``team`` None); with ``team``, only those it may see.

    ``window``: minutes of history in the series (None: from T+0).
    """
    world = session.world
    now = world.now
    start = 0.0 if window is None else max(0.0, now - window)
    step = (now - start) / (points - 1) if now > start else 0.0
    readings = []
    for spec in session.loaded.scenario.indicators:
        if team is not None and spec.visible_to is not None and team not in spec.visible_to:
            continue
        state = world.indicators[spec.id]
        value = state.at(now)
        series = [state.at(start + i * step) for i in range(points)] if step else [value]
        readings.append(IndicatorReading(spec.id, spec.name, value, band_of(spec, value), series))
    return readings


__all__ = ["Event", "IndicatorReading", "Kind", "band_of", "indicator_readings"]
