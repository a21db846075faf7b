"""Scenario layer: models, the safe YAML loader, the linter, the schema and the catalogue.

Imports nothing from the other layers, nor SimPy, nor Textual.
"""

from exercise.scenario.catalogue import Response, load_catalogue
from exercise.scenario.errors import Problem, ScenarioError
from exercise.scenario.lint import lint
from exercise.scenario.loader import LoadedScenario, load_scenario
from exercise.scenario.models import Scenario

__all__ = [
    "LoadedScenario", "Problem", "Response", "Scenario", "ScenarioError",
    "lint", "load_catalogue", "load_scenario",
]
