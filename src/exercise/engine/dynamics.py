"""Which model moves each indicator: the scenario's ``dynamics.model`` names a class of this table.

A new model is a subclass of ``indicators.IndicatorState`` keeping its contract, and one line here (its
settings are a model of ``scenario.models.Dynamics``). The compiled engine builds every module of this
table (pyproject.toml's mypyc include list): a compiled base class takes no interpreted subclasses.
"""

from __future__ import annotations

from collections.abc import Callable

from exercise.engine.indicators import IndicatorState, Linear
from exercise.engine.seiz import Seiz
from exercise.scenario.models import Indicator

DYNAMICS: dict[str, Callable[[Indicator], IndicatorState]] = {
    "linear": Linear.start,
    "seiz": Seiz.start,
}


def start(spec: Indicator) -> IndicatorState:
    """The indicator's state at T+0, under the model its scenario chose."""
    return DYNAMICS[spec.dynamics.model](spec)
