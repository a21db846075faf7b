"""Read models per audience, projected from the event log."""

from __future__ import annotations

from exercise.engine.events import Event, Kind

__all__ = ["Event", "Kind"]
