"""Scenario layer: models, the safe YAML loader, the linter, the schema and the catalogue.

Imports nothing from the other layers, nor SimPy, nor Textual. The names below load
on first use (PEP 562): importing one light module of this package, such as
``vocabulary``, does not build every scenario model. The linter is imported from its
module (``from exercise.scenario.lint import lint``): once a submodule is loaded, the
package attribute of its name is the module, which would shadow a lazy name.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

_WHERE = {
    "LoadedScenario": "loader", "load_scenario": "loader",
    "Problem": "errors", "ScenarioError": "errors",
    "Response": "catalogue", "load_catalogue": "catalogue",
    "Scenario": "models",
}

__all__ = sorted(_WHERE)

if TYPE_CHECKING:  # what __getattr__ hands out, for the type checker
    from exercise.scenario.catalogue import Response, load_catalogue  # noqa: F401
    from exercise.scenario.errors import Problem, ScenarioError  # noqa: F401
    from exercise.scenario.loader import LoadedScenario, load_scenario  # noqa: F401
    from exercise.scenario.models import Scenario  # noqa: F401


def __getattr__(name: str) -> Any:
    if name not in _WHERE:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(import_module(f"{__name__}.{_WHERE[name]}"), name)
    globals()[name] = value
    return value
