"""Engine layer: the SimPy world, its event log and random streams. No Textual here."""

from exercise.engine.events import Event, log_to_jsonl
from exercise.engine.objectives import ObjectiveResult
from exercise.engine.stale import warn_if_stale
from exercise.engine.world import MODEL, EngineError, World

warn_if_stale()

__all__ = ["MODEL", "EngineError", "Event", "ObjectiveResult", "World", "log_to_jsonl"]
